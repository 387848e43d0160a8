package e2e

import (
	"os"
	"strings"
	"testing"
)

// Helpers the image tests share.

// imageID returns the full ID of a local image.
func imageID(e *Env, name string) string {
	e.T.Helper()
	r := e.MustPodlite("image", "inspect", "--format", "{{.Id}}", name)
	id := strings.TrimSpace(r.Stdout)
	if len(id) != 64 {
		e.T.Fatalf("image inspect %s printed ID %q", name, id)
	}
	return id
}

// expectOneLineError checks that a command failed as an engine error: exit
// code 125 and a single "Error: …" line on stderr.
func expectOneLineError(t *testing.T, r *Result) {
	t.Helper()
	if r.ExitCode != 125 {
		t.Fatalf("exit code %d, want 125\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
	}
	stderr := strings.TrimRight(r.Stderr, "\n")
	if !strings.HasPrefix(stderr, "Error: ") || strings.Contains(stderr, "\n") {
		t.Fatalf("stderr is not one Error: line:\n%s", r.Stderr)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
