package pidfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]int{"123\n": 123, " 7 ": 7, "": 0, "x": 0, "0": 0, "-4": 0} {
		p := filepath.Join(dir, "pid")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := Read(p)
		if got != want || (want == 0) != (err != nil) {
			t.Errorf("Read(%q) = %d, %v; want %d", content, got, err, want)
		}
	}
	if _, err := Read(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
}
