package copy

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
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
// entry's parent is resolved inside s's root, so neither a symlink in the
// container nor one in the tar leads a write out of it; the last
// component is never followed.
func (s Side) extract(r io.Reader, dir string, o putOptions) error {
	tr := tar.NewReader(r)
	type dirTime struct {
		host string
		hdr  *tar.Header
	}
	var dirs []dirTime
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
		host, err := s.extractEntry(tr, hdr, path.Join(dir, name), o)
		if err != nil {
			return err
		}
		if hdr.Typeflag == tar.TypeDir {
			dirs = append(dirs, dirTime{host, hdr})
		}
	}
	// A directory's times are set last: extracting into it changed them.
	for i := len(dirs) - 1; i >= 0; i-- {
		if err := setTimes(dirs[i].host, dirs[i].hdr); err != nil {
			return err
		}
	}
	return nil
}

// extractEntry writes one entry at p (a path in s's root) and returns
// where it is on the host.
func (s Side) extractEntry(r io.Reader, hdr *tar.Header, p string, o putOptions) (string, error) {
	parent, _, err := s.join(path.Dir(p))
	if err != nil {
		return "", fmt.Errorf("resolving %q on %s: %w", path.Dir(p), s.where(), err)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("creating %q on %s: %w", path.Dir(p), s.where(), err)
	}
	host := filepath.Join(parent, path.Base(p))
	isDir := hdr.Typeflag == tar.TypeDir
	if (hdr.Typeflag == tar.TypeChar || hdr.Typeflag == tar.TypeBlock) && o.skipDevices {
		return host, nil
	}
	if err := makeRoom(host, p, isDir, o.overwrite); err != nil {
		return "", err
	}
	if err := s.create(r, hdr, host, p); err != nil {
		return "", fmt.Errorf("creating %q on %s: %w", p, s.where(), err)
	}
	if err := s.own(host, hdr); err != nil {
		return "", fmt.Errorf("setting the owner of %q on %s: %w", p, s.where(), err)
	}
	if hdr.Typeflag != tar.TypeDir {
		err = setTimes(host, hdr)
	}
	return host, err
}

// makeRoom clears host for a new entry: a file in the way is replaced;
// a directory in the way of a file (or a file in the way of a directory)
// only with --overwrite, as podman does.
func makeRoom(host, p string, isDir, overwrite bool) error {
	fi, err := os.Lstat(host)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case fi.IsDir() && isDir:
		return nil
	case fi.IsDir() != isDir && !overwrite:
		what := "is a directory"
		if isDir {
			what = "is not a directory"
		}
		return fmt.Errorf("creating %q: it exists and %s (--overwrite replaces it): %w", p, what, define.ErrExists)
	case fi.IsDir():
		return os.RemoveAll(host)
	}
	return os.Remove(host)
}

// create makes the entry at host, never following a symlink there.
func (s Side) create(r io.Reader, hdr *tar.Header, host, p string) error {
	mode := uint32(hdr.Mode) & 0o7777
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(host, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return nil
	case tar.TypeReg:
		f, err := os.OpenFile(host, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o600)
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	case tar.TypeSymlink:
		return os.Symlink(hdr.Linkname, host)
	case tar.TypeLink:
		target, _, err := s.join(hdr.Linkname)
		if err != nil {
			return err
		}
		return os.Link(target, host)
	case tar.TypeChar:
		return unix.Mknod(host, unix.S_IFCHR|mode, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))))
	case tar.TypeBlock:
		return unix.Mknod(host, unix.S_IFBLK|mode, int(unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))))
	case tar.TypeFifo:
		return unix.Mkfifo(host, mode)
	}
	return nil // pax headers and the like carry no file
}

// own sets the entry's owner (the Side's, or the tar's) and then its mode,
// which a chown would clear the setuid bits of.
func (s Side) own(host string, hdr *tar.Header) error {
	uid, gid := hdr.Uid, hdr.Gid
	if s.Chown != nil {
		uid, gid = s.Chown.UID, s.Chown.GID
	}
	uid, gid, err := s.toHost(uid, gid)
	if err != nil {
		return err
	}
	if err := os.Lchown(host, uid, gid); err != nil {
		return err
	}
	if hdr.Typeflag == tar.TypeSymlink || hdr.Typeflag == tar.TypeLink {
		return nil
	}
	return os.Chmod(host, hdr.FileInfo().Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
}

func setTimes(host string, hdr *tar.Header) error {
	at := hdr.AccessTime
	if at.IsZero() {
		at = hdr.ModTime
	}
	ts := []unix.Timespec{unix.NsecToTimespec(at.UnixNano()), unix.NsecToTimespec(hdr.ModTime.UnixNano())}
	if hdr.ModTime.IsZero() {
		now := unix.NsecToTimespec(time.Now().UnixNano())
		ts = []unix.Timespec{now, now}
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, host, ts, unix.AT_SYMLINK_NOFOLLOW)
}
