package pods

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// CgroupParent is the cgroup under which podlite puts its pods' cgroups,
// as it puts its containers' (/podlite/ID).
const CgroupParent = "/podlite"

// CgroupPath is the cgroup of pod id under --share-parent (podman's
// default): the parent of its containers' cgroups, infra included. The
// runtime creates it with the first container that starts.
func CgroupPath(id string) string { return CgroupParent + "/pod-" + id }

// cgroupRoot is where the cgroup hierarchies are mounted.
var cgroupRoot = "/sys/fs/cgroup"

// RemoveCgroup removes a pod's cgroup, whose containers' cgroups are gone,
// from every hierarchy (each v1 controller, or the unified one). A
// hierarchy that never had it is skipped.
func RemoveCgroup(path string) error {
	dirs := []string{filepath.Join(cgroupRoot, path)}
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err != nil {
		entries, err := os.ReadDir(cgroupRoot)
		if err != nil {
			return fmt.Errorf("listing the cgroup hierarchies: %w", err)
		}
		dirs = dirs[:0]
		for _, e := range entries {
			// Links such as cpu -> cpu,cpuacct name a hierarchy twice.
			if e.Type()&fs.ModeSymlink == 0 && e.IsDir() {
				dirs = append(dirs, filepath.Join(cgroupRoot, e.Name(), path))
			}
		}
	}
	var errs []error
	for _, d := range dirs {
		if err := unix.Rmdir(d); err != nil && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("removing the pod cgroup %s: %w: %w", d, define.ErrInvalidState, err))
		}
	}
	return errors.Join(errs...)
}
