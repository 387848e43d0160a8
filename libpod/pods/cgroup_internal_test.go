package pods

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

// TestRemoveCgroup: a pod's cgroup goes from each v1 hierarchy (a link
// to one, as cpu -> cpu,cpuacct, is not visited twice; a hierarchy
// without it is skipped), or from the unified one.
func TestRemoveCgroup(t *testing.T) {
	path := CgroupPath("abc")
	t.Cleanup(func() { cgroupRoot = "/sys/fs/cgroup" })
	for _, tc := range []struct {
		name  string
		dirs  []string
		files []string
	}{
		{"v1", []string{"memory", "cpu,cpuacct", "pids"}, nil},
		{"v2", []string{""}, []string{"cgroup.controllers"}},
	} {
		root := t.TempDir()
		cgroupRoot = root
		for _, d := range tc.dirs {
			if err := os.MkdirAll(filepath.Join(root, d, path), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, f := range tc.files {
			if err := os.WriteFile(filepath.Join(root, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if tc.name == "v1" {
			if err := os.Symlink("cpu,cpuacct", filepath.Join(root, "cpu")); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(root, "devices"), 0o755); err != nil { // without the pod's cgroup
				t.Fatal(err)
			}
		}
		if err := RemoveCgroup(path); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, d := range tc.dirs {
			if _, err := os.Stat(filepath.Join(root, d, path)); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s: %s left (%v)", tc.name, filepath.Join(d, path), err)
			}
			if _, err := os.Stat(filepath.Join(root, d, CgroupParent)); err != nil {
				t.Errorf("%s: the parent %s went too: %v", tc.name, filepath.Join(d, CgroupParent), err)
			}
		}
	}
	// A cgroup that still has a child (a container's) is an error.
	cgroupRoot = t.TempDir()
	if err := os.MkdirAll(filepath.Join(cgroupRoot, "memory", path, "podlite-ctr"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := RemoveCgroup(path); !errors.Is(err, define.ErrInvalidState) {
		t.Errorf("removing a cgroup with a child: %v, want ErrInvalidState", err)
	}
}
