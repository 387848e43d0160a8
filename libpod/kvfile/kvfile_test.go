package kvfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestEnvFile(t *testing.T) {
	t.Setenv("KVHOST", "h")
	t.Setenv("KVGLOB_A", "a")
	os.Unsetenv("KVMISSING")
	path := filepath.Join(t.TempDir(), "env")
	content := "  LEAD=1\n#C=no\n\nTRAIL=x  \nQ=\"q\"\nEQ=a=b\nKVHOST\nKVMISSING\nKVGLOB_*\nLEAD=2\n"
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Env(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"LEAD=1", "TRAIL=x  ", "Q=\"q\"", "EQ=a=b", "KVHOST=h", "KVGLOB_A=a", "LEAD=2"}
	if !slices.Equal(got, want) {
		t.Fatalf("Env = %q, want %q", got, want)
	}
	if _, err := ParseEnv("=x"); !errors.Is(err, define.ErrInvalidArg) {
		t.Fatalf("ParseEnv(=x) = %v, want ErrInvalidArg", err)
	}
	if _, err := Env(filepath.Join(t.TempDir(), "none")); !errors.Is(err, define.ErrNotFound) {
		t.Fatalf("a missing file: %v, want ErrNotFound", err)
	}
}

func TestLabelFile(t *testing.T) {
	t.Setenv("KVHOST", "h")
	path := filepath.Join(t.TempDir(), "labels")
	if err := os.WriteFile(path, []byte(" a=1\n# c=2\nKVHOST\nb=x=y \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Labels(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["a"] != "1" || got["b"] != "x=y " {
		t.Fatalf("Labels = %v", got)
	}
}
