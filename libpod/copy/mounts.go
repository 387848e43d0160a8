package copy

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// A file bind mount (-v /host/file:/etc/app.conf, and podlite's own
// /etc/hosts, /etc/hostname and /etc/resolv.conf) cannot be replaced by
// unlinking it: in a running container, reached through /proc/PID/root,
// the unlink succeeds and detaches the mount from the container; in a
// stopped one the rootfs holds only the mount's empty placeholder. A file
// copied onto one is written in place, into the mount's source, as
// podman-cp(1) says ("the destination is overwritten with the source
// file's contents").

// mountAt returns the mount of a stopped container that the entry p
// lands in or is the destination of, nil for none, and p resolved. p's
// parent is resolved, its last element is not: an entry replaces a
// symlink there, as anywhere else.
func (s Side) mountAt(p string) (*Mount, string, error) {
	if len(s.Mounts) == 0 {
		return nil, p, nil
	}
	parent, ok := s.roots.resolved[path.Dir(p)]
	if !ok {
		var err error
		if _, _, parent, err = s.split(path.Dir(p)); err != nil {
			return nil, "", fmt.Errorf("resolving %q on %s: %w", p, s.where(), err)
		}
		s.roots.resolved[path.Dir(p)] = parent
	}
	at := path.Join(parent, path.Base(p))
	for i, m := range s.Mounts { // the deepest first
		dst := path.Clean("/" + m.Destination)
		if rest, ok := strings.CutPrefix(at, dst); ok && dst != "/" && (rest == "" || rest[0] == '/') {
			return &s.Mounts[i], at, nil
		}
	}
	return nil, at, nil
}

// fileMount returns the host path of the source of the file mount whose
// destination the entry p is, in a stopped container; an entry in a
// read-only mount is refused.
func (s Side) fileMount(p string) (string, bool, error) {
	m, at, err := s.mountAt(p)
	if err != nil || m == nil {
		return "", false, err
	}
	if m.ReadOnly {
		return "", false, fmt.Errorf("creating %q on %s: %w", p, s.where(), unix.EROFS)
	}
	if path.Clean("/"+m.Destination) != at {
		return "", false, nil // in a directory mount
	}
	src := filepath.Clean(m.Source)
	if fi, err := os.Stat(src); err == nil && !fi.IsDir() {
		return src, true, nil
	}
	return "", false, nil
}

// putMountedFile writes the entry onto the file mount whose source is src,
// opened through a handle of its folder (nothing outside it is opened).
func (s Side) putMountedFile(r io.Reader, hdr *tar.Header, src string) error {
	if hdr.Typeflag != tar.TypeReg {
		return notAFile(hdr.Name)
	}
	root, err := s.root(filepath.Dir(src))
	if err != nil {
		return fmt.Errorf("opening the mount source of %q on %s: %w", hdr.Name, s.where(), err)
	}
	f, err := root.OpenFile(filepath.Base(src), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("opening the mount source of %q on %s: %w", hdr.Name, s.where(), err)
	}
	return s.writeInPlace(f, r, hdr)
}

// notAFile refuses to replace the mount point at p: only a file's
// contents can go onto a file mount.
func notAFile(p string) error {
	return fmt.Errorf("creating %q: it is a mount point, which cannot be replaced: %w", p, define.ErrInvalidArg)
}

// isMountPoint says whether name in h is the root of a mount (which an
// unlink through /proc/PID/root would detach from the container).
func isMountPoint(h dirHandle, name string) (bool, error) {
	var stx unix.Statx_t
	err := unix.Statx(h.fd(), name, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, 0, &stx)
	if err != nil {
		return false, err
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, fmt.Errorf("the kernel does not tell mount points (statx, Linux 5.8): %w", define.ErrNotSupported)
	}
	return stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0, nil
}

// putOnMountPoint writes the entry into the file mounted at name in h.
func (s Side) putOnMountPoint(r io.Reader, hdr *tar.Header, h dirHandle, name string) error {
	fd, err := unix.Openat(h.fd(), name, unix.O_WRONLY|unix.O_TRUNC|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("opening %q on %s: %w", hdr.Name, s.where(), err)
	}
	return s.writeInPlace(os.NewFile(uintptr(fd), name), r, hdr)
}

// writeInPlace writes the entry's contents, owner, mode and times into f,
// an existing file opened for writing and truncated, and closes it.
func (s Side) writeInPlace(f *os.File, r io.Reader, hdr *tar.Header) error {
	err := s.fillFile(f, r, hdr)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %q on %s: %w", hdr.Name, s.where(), err)
	}
	return nil
}

// fillFile copies the entry's contents into f, then sets its owner, mode
// and times.
func (s Side) fillFile(f *os.File, r io.Reader, hdr *tar.Header) error {
	if _, err := io.Copy(f, r); err != nil {
		return err
	}
	uid, gid, err := s.owner(hdr)
	if err != nil {
		return err
	}
	if err := f.Chown(uid, gid); err != nil {
		return err
	}
	if err := unix.Fchmod(int(f.Fd()), entryMode(hdr)); err != nil {
		return err
	}
	ts := entryTimes(hdr)
	return unix.Futimes(int(f.Fd()), []unix.Timeval{unix.NsecToTimeval(ts[0].Nano()), unix.NsecToTimeval(ts[1].Nano())})
}
