package libpod

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/podlite/podlite/libpod/define"
)

// CopyFrom copies src, a path in the container, to dstHost on the host, as
// podman's cp does: into dstHost when it is an existing directory, else to
// dstHost itself. Directories are copied recursively, modes kept; symlinks
// are copied as symlinks. src is resolved inside the rootfs, so symlinks in
// it cannot lead out of the container.
func (c *Container) CopyFrom(src, dstHost string) error {
	root, done, err := c.rootfsForCopy()
	if err != nil {
		return err
	}
	defer done()
	dir, err := securejoin.SecureJoin(root, path.Dir(path.Clean("/"+src)))
	if err != nil {
		return fmt.Errorf("resolving %s in container %s: %w", src, c.config.Name, err)
	}
	from := filepath.Join(dir, path.Base(path.Clean("/"+src)))
	if path.Clean("/"+src) == "/" {
		from = root
	}
	if _, err := os.Lstat(from); err != nil {
		return fmt.Errorf("copying %s from container %s: %w", src, c.config.Name, notFound(err))
	}
	to := dstHost
	if fi, err := os.Stat(dstHost); err == nil && fi.IsDir() {
		to = filepath.Join(dstHost, filepath.Base(from))
	} else if _, err := os.Stat(filepath.Dir(dstHost)); err != nil {
		return fmt.Errorf("copying to %s: parent directory: %w", dstHost, notFound(err))
	}
	err = copyTree(from, func(rel string) (string, error) { return filepath.Join(to, rel), nil })
	if err != nil {
		return fmt.Errorf("copying %s from container %s to %s: %w", src, c.config.Name, dstHost, err)
	}
	return nil
}

// CopyTo copies srcHost on the host to dst, a path in the container (see
// CopyFrom). Every target path is resolved inside the rootfs, so a symlink
// in the container cannot make the copy write outside it.
func (c *Container) CopyTo(srcHost, dst string) error {
	if _, err := os.Lstat(srcHost); err != nil {
		return fmt.Errorf("copying %s: %w", srcHost, notFound(err))
	}
	root, done, err := c.rootfsForCopy()
	if err != nil {
		return err
	}
	defer done()
	dst = path.Clean("/" + dst)
	target := dst
	resolved, err := securejoin.SecureJoin(root, dst)
	if err != nil {
		return fmt.Errorf("resolving %s in container %s: %w", dst, c.config.Name, err)
	}
	if fi, err := os.Stat(resolved); err == nil && fi.IsDir() {
		target = path.Join(dst, filepath.Base(filepath.Clean(srcHost)))
	} else {
		parent, err := securejoin.SecureJoin(root, path.Dir(dst))
		if err != nil {
			return fmt.Errorf("resolving %s in container %s: %w", dst, c.config.Name, err)
		}
		if fi, err := os.Stat(parent); err != nil || !fi.IsDir() {
			return fmt.Errorf("copying to %s in container %s: parent directory %s does not exist: %w", dst, c.config.Name, path.Dir(dst), define.ErrNotFound)
		}
	}
	err = copyTree(srcHost, func(rel string) (string, error) {
		return securejoin.SecureJoin(root, path.Join(target, filepath.ToSlash(rel)))
	})
	if err != nil {
		return fmt.Errorf("copying %s to container %s:%s: %w", srcHost, c.config.Name, dst, err)
	}
	return nil
}

// rootfsForCopy returns the container's mounted rootfs, mounting it for
// the copy when it is not mounted; done gives the mount back.
func (c *Container) rootfsForCopy() (string, func(), error) {
	var root string
	mounted := false
	err := c.withLock(func() error {
		var err error
		root, err = c.mountLocked()
		mounted = err == nil
		return err
	})
	if err != nil {
		return "", nil, err
	}
	done := func() {
		if !mounted {
			return
		}
		if err := c.withLock(c.unmountLocked); err != nil {
			fmt.Fprintf(os.Stderr, "unmounting the rootfs of %s: %v\n", c.config.Name, err)
		}
	}
	return root, done, nil
}

// copyTree copies src (file, symlink or directory tree) to the paths target
// gives for each entry's path relative to src ("." for src itself).
func copyTree(src string, target func(rel string) (string, error)) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		to, err := target(rel)
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		return copyEntry(p, to, fi)
	})
}

func copyEntry(from, to string, fi fs.FileInfo) error {
	switch mode := fi.Mode(); {
	case mode.IsDir():
		if err := os.Mkdir(to, mode.Perm()); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		return os.Chmod(to, mode.Perm()|mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
	case mode&fs.ModeSymlink != 0:
		link, err := os.Readlink(from)
		if err != nil {
			return err
		}
		if err := os.Remove(to); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return os.Symlink(link, to)
	case mode.IsRegular():
		return copyFile(from, to, mode)
	default:
		// Devices, sockets and FIFOs are skipped, as a plain copy cannot
		// recreate them faithfully.
		return nil
	}
}

func copyFile(from, to string, mode fs.FileMode) (retErr error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if fi, err := os.Lstat(to); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s exists and is not a regular file: %w", to, define.ErrExists)
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, mode.Perm())
	if err != nil {
		return err
	}
	defer func() {
		if err := out.Close(); err != nil && retErr == nil {
			retErr = err
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return out.Chmod(mode.Perm() | mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky))
}

// notFound classes a missing path as define.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%v: %w", err, define.ErrNotFound)
	}
	return err
}

// Export writes the container's root filesystem to w as a tar stream.
func (c *Container) Export(w io.Writer) error {
	if c.config.StorageID == "" {
		return fmt.Errorf("container %s has no rootfs to export: %w", c.config.Name, define.ErrNotSupported)
	}
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	if err := store.ExportRootfs(c.config.StorageID, w); err != nil {
		return fmt.Errorf("exporting container %s: %w", c.config.Name, err)
	}
	return nil
}
