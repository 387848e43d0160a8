package names_test

import (
	"errors"
	"regexp"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
)

func TestNewIDAndRandom(t *testing.T) {
	if id := names.NewID(); !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(id) {
		t.Errorf("NewID() = %q, want 64 hex digits", id)
	}
	if n := names.Random(); names.Check(n) != nil || !regexp.MustCompile(`^[a-z]+_[a-z]+$`).MatchString(n) {
		t.Errorf("Random() = %q, want adjective_noun", n)
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"web", "a.b-c_d", "9lives"} {
		if err := names.Check(ok); err != nil {
			t.Errorf("Check(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "_x", "a/b", "a b", "/web"} {
		if err := names.Check(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Check(%q) = %v, want ErrInvalidArg", bad, err)
		}
	}
}

// TestClean: one leading "/" is dropped, as podman and docker do.
func TestClean(t *testing.T) {
	for in, want := range map[string]string{"/web": "web", "web": "web", "/a.b": "a.b"} {
		if got, err := names.Clean(in); got != want || err != nil {
			t.Errorf("Clean(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"//web", "/", "/-x", "/a@b"} {
		if _, err := names.Clean(bad); !errors.Is(err, define.ErrInvalidArg) || err.Error() != "names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument" {
			t.Errorf("Clean(%q): %v", bad, err)
		}
	}
}
