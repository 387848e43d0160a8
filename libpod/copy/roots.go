package copy

import (
	"errors"
	"fmt"
	"os"
	"path"

	"golang.org/x/sys/unix"
)

// roots are the open handles (os.Root) of a Side's root and of its mounts'
// sources for one copy. A path is resolved as a string first (securejoin:
// the container's semantics, absolute symlinks at its root; and which
// mount it lands in), then every read and write goes through these
// handles, which never follow a symlink out of the root: a process in the
// container that swaps a resolved directory for a symlink to the host
// between the resolution and the write makes the copy fail, never escape.
type roots struct {
	open map[string]*os.Root
	// dirs caches the handles of the parent directories the extraction
	// writes in, by their unresolved path in the container.
	dirs map[string]dirHandle
	// resolved caches those directories' resolved paths in the
	// container (mountAt's), forgotten with dirs.
	resolved map[string]string
}

// dirHandle is an open directory inside a root: entries are made with
// *at calls relative to dir, by name, never following a last symlink.
type dirHandle struct {
	dir  *os.File
	root *os.Root
	rel  string // dir's path in root
}

// beforeOpen, when set (by tests), runs between a path's resolution and
// its opening through a root, where a racing process could swap it.
var beforeOpen func(rel string)

// maxCachedDirs bounds the open parent handles of one extraction.
const maxCachedDirs = 32

// withRoots returns s with handles for one copy; close releases them.
func (s Side) withRoots() (Side, func()) {
	if s.roots != nil {
		return s, func() {}
	}
	s.roots = &roots{open: map[string]*os.Root{}, dirs: map[string]dirHandle{}, resolved: map[string]string{}}
	r := s.roots
	return s, func() {
		r.forgetDirs()
		for _, root := range r.open {
			root.Close()
		}
	}
}

// root returns the handle of base (the Side's root or a mount's source).
func (s Side) root(base string) (*os.Root, error) {
	if s.roots == nil {
		return nil, errors.New("copy: side used without its roots")
	}
	if r, ok := s.roots.open[base]; ok {
		return r, nil
	}
	r, err := os.OpenRoot(base)
	if err != nil {
		return nil, err
	}
	s.roots.open[base] = r
	return r, nil
}

// locate resolves p (a path in the container) to the root it lies in and
// its path there.
func (s Side) locate(p string) (*os.Root, string, error) {
	base, rel, _, err := s.split(p)
	if err != nil {
		return nil, "", fmt.Errorf("resolving %q on %s: %w", p, s.where(), err)
	}
	r, err := s.root(base)
	return r, rel, err
}

// parentDir returns a handle of p's parent directory, made (in the root)
// when missing; handles are cached until forgetDirs.
func (s Side) parentDir(p string) (dirHandle, error) {
	parent := path.Dir(p)
	if h, ok := s.roots.dirs[parent]; ok {
		return h, nil
	}
	root, rel, err := s.locate(parent)
	if err != nil {
		return dirHandle{}, err
	}
	if beforeOpen != nil {
		beforeOpen(rel)
	}
	if err := root.MkdirAll(rel, 0o755); err != nil {
		return dirHandle{}, fmt.Errorf("creating %q on %s: %w", parent, s.where(), err)
	}
	dir, err := root.OpenFile(rel, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return dirHandle{}, fmt.Errorf("opening %q on %s: %w", parent, s.where(), err)
	}
	if len(s.roots.dirs) >= maxCachedDirs {
		s.roots.forgetDirs()
	}
	h := dirHandle{dir: dir, root: root, rel: rel}
	s.roots.dirs[parent] = h
	return h, nil
}

// forgetDirs closes the cached parent handles: an entry that is no
// regular file may have replaced one of them or a directory above it.
func (r *roots) forgetDirs() {
	for k, h := range r.dirs {
		h.dir.Close()
		delete(r.dirs, k)
	}
	clear(r.resolved)
}

// fd is the directory's descriptor for *at calls.
func (h dirHandle) fd() int { return int(h.dir.Fd()) }

// chmodAt sets name's mode in h without following a symlink there:
// fchmodat2's AT_SYMLINK_NOFOLLOW, or (kernels before 6.6) the mode of an
// O_PATH handle of name, which must not be a symlink.
func (h dirHandle) chmodAt(name string, mode uint32) error {
	err := unix.Fchmodat(h.fd(), name, mode, unix.AT_SYMLINK_NOFOLLOW)
	if !errors.Is(err, unix.EOPNOTSUPP) {
		return err
	}
	fd, err := unix.Openat(h.fd(), name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.ELOOP
	}
	return unix.Chmod(fmt.Sprintf("/proc/self/fd/%d", fd), mode)
}
