package shellwords

import (
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	for in, want := range map[string]string{
		`a b`: "a|b", `"a b" c`: "a b|c", `'x "y"'`: `x "y"`, `a\ b`: "a b", ` `: "", `A="1 2"`: "A=1 2",
	} {
		got, err := Split(in)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("Split(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := Split(`"open`); err == nil {
		t.Error("unbalanced quote accepted")
	}
}
