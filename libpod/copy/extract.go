package copy

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// putOptions says how a tar is extracted.
type putOptions struct {
	// overwrite lets a directory replace a non-directory and back.
	overwrite bool
	// skipDevices drops device nodes (onto the host, as podman does).
	skipDevices bool
}

// extract unpacks the tar in r into dir, a resolved directory of s. Every
// entry's parent is resolved inside s's root and opened through its
// handle, and the entry is made by name in that directory, never following
// a last symlink: neither a symlink in the container (even one swapped in
// while the copy runs) nor one in the tar leads a write out of it.
func (s Side) extract(r io.Reader, dir string, o putOptions) error {
	tr := tar.NewReader(r)
	var dirs []*tar.Header // with Name as the directory's path in s
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading the tar stream: %w", err)
		}
		name := path.Clean("/" + hdr.Name)
		if name == "/" {
			continue
		}
		if hdr.Typeflag == tar.TypeLink {
			// A hard link names another entry of the same tar.
			hdr.Linkname = path.Join(dir, path.Clean("/"+hdr.Linkname))
		}
		hdr.Name = path.Join(dir, name)
		if err := s.extractEntry(tr, hdr, o); err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeDir {
			dirs = append(dirs, hdr)
		}
	}
	// A directory's times are set last: extracting into it changed them.
	for i := len(dirs) - 1; i >= 0; i-- {
		h, err := s.parentDir(dirs[i].Name)
		if err == nil {
			err = setTimes(h, path.Base(dirs[i].Name), dirs[i])
		}
		if err != nil {
			return fmt.Errorf("setting the times of %q on %s: %w", dirs[i].Name, s.where(), err)
		}
	}
	return nil
}

// extractEntry writes one entry at hdr.Name, a path in s's root.
func (s Side) extractEntry(r io.Reader, hdr *tar.Header, o putOptions) error {
	p := hdr.Name
	if src, ok, err := s.fileMount(p); err != nil || ok {
		if err != nil {
			return err
		}
		return s.putMountedFile(r, hdr, src)
	}
	if hdr.Typeflag != tar.TypeReg {
		// The entry may replace a cached parent or a directory above one.
		s.roots.forgetDirs()
	}
	h, err := s.parentDir(p)
	if err != nil {
		return err
	}
	if (hdr.Typeflag == tar.TypeChar || hdr.Typeflag == tar.TypeBlock) && o.skipDevices {
		return nil
	}
	name := path.Base(p)
	room, err := makeRoom(h, name, p, hdr.Typeflag, o.overwrite)
	if err != nil {
		return err
	}
	if room == roomMount {
		return s.putOnMountPoint(r, hdr, h, name)
	}
	if room == roomRemoved {
		s.roots.forgetDirs()
		if h, err = s.parentDir(p); err != nil {
			return err
		}
	}
	if err := s.create(r, hdr, h, name); err != nil {
		return fmt.Errorf("creating %q on %s: %w", p, s.where(), err)
	}
	if err := s.own(h, name, hdr); err != nil {
		return fmt.Errorf("setting the owner of %q on %s: %w", p, s.where(), err)
	}
	if hdr.Typeflag != tar.TypeDir {
		if err := setTimes(h, name, hdr); err != nil {
			return fmt.Errorf("setting the times of %q on %s: %w", p, s.where(), err)
		}
	}
	return nil
}

// room is what makeRoom found in an entry's place.
type room int

const (
	roomFree    room = iota // nothing was there
	roomRemoved             // something was, and is gone
	roomMount               // a file mount point, to write in place
)

// makeRoom clears name in h for a new entry of type typ: a file in the way
// is replaced; a directory in the way of a file (or a file in the way of a
// directory) only with --overwrite, as podman does. A mount point is
// never removed: a file mount takes a file's contents in place.
func makeRoom(h dirHandle, name, p string, typ byte, overwrite bool) (room, error) {
	var st unix.Stat_t
	err := unix.Fstatat(h.fd(), name, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return roomFree, nil
	}
	if err != nil {
		return roomFree, err
	}
	isDir := typ == tar.TypeDir
	dirThere := st.Mode&unix.S_IFMT == unix.S_IFDIR
	switch {
	case dirThere && isDir:
		return roomFree, nil
	case dirThere != isDir && !overwrite:
		what := "is a directory"
		if isDir {
			what = "is not a directory"
		}
		return roomFree, fmt.Errorf("creating %q: it exists and %s (--overwrite replaces it): %w", p, what, define.ErrExists)
	}
	if mounted, err := isMountPoint(h, name); err != nil || mounted {
		if err == nil && (dirThere || typ != tar.TypeReg) {
			err = notAFile(p)
		}
		return roomMount, err
	}
	if dirThere {
		return roomRemoved, h.root.RemoveAll(path.Join(h.rel, name))
	}
	return roomRemoved, unix.Unlinkat(h.fd(), name, 0)
}

// create makes the entry name in h.
func (s Side) create(r io.Reader, hdr *tar.Header, h dirHandle, name string) error {
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := unix.Mkdirat(h.fd(), name, 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
			return err
		}
		return nil
	case tar.TypeReg:
		fd, err := unix.Openat(h.fd(), name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return err
		}
		f := os.NewFile(uintptr(fd), name)
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	case tar.TypeSymlink:
		return unix.Symlinkat(hdr.Linkname, h.fd(), name)
	case tar.TypeLink:
		return s.link(hdr.Linkname, h, name)
	case tar.TypeChar:
		return unix.Mknodat(h.fd(), name, unix.S_IFCHR|mode, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))))
	case tar.TypeBlock:
		return unix.Mknodat(h.fd(), name, unix.S_IFBLK|mode, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))))
	case tar.TypeFifo:
		return unix.Mkfifoat(h.fd(), name, mode)
	}
	return nil // pax headers and the like carry no file
}

// link makes name in h a hard link to target, a path in s's root, opened
// through its handle.
func (s Side) link(target string, h dirHandle, name string) error {
	root, rel, err := s.locate(path.Dir(target))
	if err != nil {
		return err
	}
	dir, err := root.OpenFile(rel, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return err
	}
	defer dir.Close()
	return unix.Linkat(int(dir.Fd()), path.Base(target), h.fd(), name, 0)
}

// own sets the entry's owner (the Side's, or the tar's) and then its mode,
// which a chown would clear the setuid bits of.
func (s Side) own(h dirHandle, name string, hdr *tar.Header) error {
	uid, gid, err := s.owner(hdr)
	if err != nil {
		return err
	}
	if err := unix.Fchownat(h.fd(), name, uid, gid, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink {
		return nil
	}
	return h.chmodAt(name, entryMode(hdr))
}

// owner is the host UID and GID an entry gets: the Side's, or the tar's.
func (s Side) owner(hdr *tar.Header) (uid, gid int, _ error) {
	uid, gid = hdr.Uid, hdr.Gid
	if s.Chown != nil {
		uid, gid = s.Chown.UID, s.Chown.GID
	}
	return s.toHost(uid, gid)
}

// entryMode is an entry's permissions and special bits as a mode_t's.
func entryMode(hdr *tar.Header) uint32 {
	mode := hdr.FileInfo().Mode()
	return uint32(mode&fs.ModePerm) | unixSpecialBits(mode)
}

// unixSpecialBits are mode's setuid, setgid and sticky bits as mode_t's.
func unixSpecialBits(mode fs.FileMode) uint32 {
	var bits uint32
	if mode&fs.ModeSetuid != 0 {
		bits |= unix.S_ISUID
	}
	if mode&fs.ModeSetgid != 0 {
		bits |= unix.S_ISGID
	}
	if mode&fs.ModeSticky != 0 {
		bits |= unix.S_ISVTX
	}
	return bits
}

// setTimes sets name's times in h, of the symlink itself for a symlink.
func setTimes(h dirHandle, name string, hdr *tar.Header) error {
	return unix.UtimesNanoAt(h.fd(), name, entryTimes(hdr), unix.AT_SYMLINK_NOFOLLOW)
}

// entryTimes are an entry's access and modification times (now when the
// tar has none).
func entryTimes(hdr *tar.Header) []unix.Timespec {
	at := hdr.AccessTime
	if at.IsZero() {
		at = hdr.ModTime
	}
	if hdr.ModTime.IsZero() {
		now := unix.NsecToTimespec(time.Now().UnixNano())
		return []unix.Timespec{now, now}
	}
	return []unix.Timespec{unix.NsecToTimespec(at.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
}
