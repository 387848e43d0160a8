package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRun runs real containers: it needs root, and busybox-static's
// /bin/busybox for the root filesystem (contrib/setup.sh installs it).
// libcontainer re-executes this test binary as "init", which the init
// function in main.go handles.
func TestRun(t *testing.T) {
	requiresRoot(t)
	rootfs := busyboxRootfs(t)
	for _, tc := range []struct {
		name string
		argv []string
		want int
	}{
		{"true", []string{"true"}, 0},
		{"exit code", []string{"sh", "-c", "exit 7"}, 7},
		{"own pid namespace", []string{"sh", "-c", `test "$$" = 1`}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := run(rootfs, t.TempDir(), tc.argv)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("exit code %d, want %d", got, tc.want)
			}
		})
	}
}

// busyboxRootfs builds a root filesystem holding only a static busybox and
// the applets the tests use.
func busyboxRootfs(t *testing.T) string {
	t.Helper()
	busybox, err := os.ReadFile("/bin/busybox")
	if err != nil {
		t.Fatalf("reading busybox-static's /bin/busybox (contrib/setup.sh installs it: apt-get install busybox-static): %v", err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	for _, d := range []string{bin, filepath.Join(dir, "proc"), filepath.Join(dir, "dev")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "busybox"), busybox, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, applet := range []string{"sh", "true", "test"} {
		if err := os.Symlink("busybox", filepath.Join(bin, applet)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// requiresRoot skips t unless root tests were asked for (make test-root):
// make test runs without root.
func requiresRoot(t *testing.T) {
	t.Helper()
	if os.Getenv("PODLITE_TEST_ROOT") == "" || os.Geteuid() != 0 {
		t.Skip("needs root and PODLITE_TEST_ROOT=1 (make test-root)")
	}
}
