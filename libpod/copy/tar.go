package copy

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/podlite/podlite/libpod/define"
)

// writeTar writes the tree at in (a resolved path of src; symlinks in it
// are archived as symlinks) to w. Its entries are named under top, or
// bare when top is "" (a directory's contents, podman's "dir/."). The
// tree is read through a handle of its parent directory in src's root,
// which follows no symlink out of it.
func writeTar(w io.Writer, src Side, in info, top string) error {
	root, err := src.root(in.base)
	if err != nil {
		return err
	}
	dir, name := path.Dir(in.rel), path.Base(in.rel)
	if contentsOnly(in.path) || in.rel == "." {
		dir, name = in.rel, "."
	}
	if beforeOpen != nil {
		beforeOpen(dir)
	}
	sub, err := root.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer sub.Close()
	fsys := sub.FS().(readFS)
	tw := tar.NewWriter(w)
	links := map[uint64]string{} // inode → first name, for hard links
	err = fs.WalkDir(fsys, name, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := "."
		if p != name {
			rel = strings.TrimPrefix(strings.TrimPrefix(p, name), "/")
			if name == "." {
				rel = p
			}
		}
		if rel == "." && top == "" {
			return nil
		}
		return writeEntry(tw, src, fsys, p, path.Join(top, rel), links)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// readFS is what os.Root's FS offers: symlinks read, not followed.
type readFS interface {
	fs.ReadLinkFS
	fs.ReadDirFS
}

// writeEntry writes one file's header and contents.
func writeEntry(tw *tar.Writer, src Side, fsys readFS, p, name string, links map[uint64]string) error {
	fi, err := fsys.Lstat(p)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSocket != 0 {
		return nil // tar has no sockets; podman's copier skips them too
	}
	link := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if link, err = fsys.ReadLink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, link)
	if err != nil {
		return fmt.Errorf("archiving %s: %w", p, err)
	}
	// The host's user and group names mean nothing in a container.
	hdr.Uname, hdr.Gname = "", ""
	hdr.Uid, hdr.Gid = src.toContainer(hdr.Uid, hdr.Gid)
	hdr.Name = name
	if fi.IsDir() {
		hdr.Name += "/"
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && fi.Mode().IsRegular() && st.Nlink > 1 {
		if first, seen := links[st.Ino]; seen {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
		} else {
			links[st.Ino] = name
		}
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	return copyContents(tw, fsys, p)
}

func copyContents(w io.Writer, fsys fs.FS, p string) error {
	f, err := fsys.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}

// spoolTar copies a tar stream (plain or gzip-compressed) to a temporary
// file before anything is extracted, so that a stream that is no tar is
// refused whole, as podman does; read it with openTar.
func spoolTar(r io.Reader) (_ *os.File, retErr error) {
	f, err := os.CreateTemp("", "podlite-cp-")
	if err != nil {
		return nil, err
	}
	// Unlinked at once: the open file is all the copy needs.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	defer func() {
		if retErr != nil {
			f.Close()
		}
	}()
	if _, err := io.Copy(f, r); err != nil {
		return nil, fmt.Errorf("reading the tar stream: %w", err)
	}
	tr, err := openTar(f)
	if err == nil {
		_, err = tar.NewReader(tr).Next()
	}
	if err != nil {
		return nil, define.Worded(define.ErrInvalidArg, "source must be a (compressed) tar archive when copying from stdin")
	}
	return f, nil
}

// openTar rewinds f and returns its tar stream, decompressing gzip.
func openTar(f *os.File) (io.Reader, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	br := bufio.NewReader(f)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}
