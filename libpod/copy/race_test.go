package copy

import (
	"os"
	"path/filepath"
	"testing"
)

// swapOnce replaces the container's directory rel with a symlink to
// target the first time the copy is about to open it, as a process in a
// running container could between the resolution and the write.
func swapOnce(t *testing.T, root, rel, target string) {
	t.Helper()
	done := false
	beforeOpen = func(r string) {
		if r != rel || done {
			return
		}
		done = true
		d := filepath.Join(root, rel)
		if err := os.Rename(d, d+".old"); err != nil {
			t.Error(err)
		}
		if err := os.Symlink(target, d); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() {
		beforeOpen = nil
		if !done {
			t.Errorf("the copy never opened %q", rel)
		}
	})
}

// TestCopySwapAfterResolve swaps a resolved directory for a symlink to a
// host directory (absolute, and climbing out with "..") between the
// resolution and the write or read: the copy fails and nothing crosses.
func TestCopySwapAfterResolve(t *testing.T) {
	hostDir := t.TempDir()
	secret := filepath.Join(hostDir, "secret")
	if err := os.WriteFile(secret, []byte("host"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(src, []byte("plain"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"absolute": hostDir, "relative": "../../../../../../../.." + hostDir} {
		t.Run(name+" into", func(t *testing.T) {
			ctr, root := fakeContainer(t)
			swapOnce(t, root, "d", target)
			if err := Copy(Side{Root: "/"}, src, ctr, "/d/plain", Options{}); err == nil {
				t.Error("the copy through the swapped directory succeeded")
			}
			if _, err := os.Lstat(filepath.Join(hostDir, "plain")); err == nil {
				t.Fatal("the copy wrote on the host")
			}
		})
		t.Run(name+" out of", func(t *testing.T) {
			ctr, root := fakeContainer(t)
			out := t.TempDir()
			swapOnce(t, root, "d", target)
			if err := Copy(ctr, "/d/.", Side{Root: "/"}, out, Options{}); err == nil {
				t.Error("the copy through the swapped directory succeeded")
			}
			if _, err := os.Lstat(filepath.Join(out, "secret")); err == nil {
				t.Fatal("the copy read the host's file")
			}
		})
	}
}
