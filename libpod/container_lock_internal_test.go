package libpod

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/lock"
)

// A command that waited for the lock of a container rm removed meanwhile
// (a supervisor's exit command racing rm -f) must not leave the lock file
// its Lock recreated.
func TestLockOfRemovedContainerIsFreed(t *testing.T) {
	rt := newTestRuntime(t)
	dir := filepath.Join(t.TempDir(), "locks")
	locks, err := lock.NewFileManager(dir)
	if err != nil {
		t.Fatal(err)
	}
	rt.locks = locks
	id := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	c := &Container{rt: rt, config: &define.ContainerConfig{ID: id}, state: &define.ContainerState{}}
	if err := c.Sync(); !errors.Is(err, define.ErrNotFound) {
		t.Fatalf("Sync of a removed container: %v, want ErrNotFound", err)
	}
	if _, err := os.Stat(filepath.Join(dir, id)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file of the removed container: %v, want it gone", err)
	}
}
