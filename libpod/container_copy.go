package libpod

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"

	"github.com/podlite/podlite/libpod/copy"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// CopyOptions are cp's flags and streams.
type CopyOptions struct {
	copy.Options
	// Archive owns what is copied into a container to the container's
	// user (podman's --archive, on by default); false keeps the source's
	// UID and GID.
	Archive bool
}

// Copy copies src to dst, each "[CONTAINER:]PATH", as podman's cp does
// (libpod/copy has the rules). A running container is reached through
// /proc/PID/root, so a copy sees and writes its volumes, bind mounts and
// tmpfs mounts; a stopped one's rootfs is mounted for the copy.
func (r *Runtime) Copy(src, dst string, o CopyOptions) error {
	srcName, srcPath, dstName, dstPath, err := copy.ParseArgs(src, dst)
	if err != nil {
		return err
	}
	from, doneFrom, err := r.copySide(srcName, false, false)
	if err != nil {
		return err
	}
	defer doneFrom()
	to, doneTo, err := r.copySide(dstName, true, o.Archive)
	if err != nil {
		return err
	}
	defer doneTo()
	return copy.Copy(from, srcPath, to, dstPath, o.Options)
}

// copySide returns the host, or the named container's side of a copy
// (written to when write is set) with the container's user when chown is
// set; done releases it.
func (r *Runtime) copySide(name string, write, chown bool) (copy.Side, func(), error) {
	if name == "" {
		return copy.Host(), func() {}, nil
	}
	c, err := r.LookupContainer(name)
	if errors.Is(err, define.ErrNotFound) {
		return copy.Side{}, nil, define.Worded(define.ErrNotFound, fmt.Sprintf("container %q does not exist", name))
	}
	if err != nil {
		return copy.Side{}, nil, err
	}
	root, running, done, err := c.rootForCopy(write)
	if err != nil {
		return copy.Side{}, nil, err
	}
	side := copy.Side{Container: name, Root: root, IDs: c.copyIDMappings()}
	if !running {
		side.Mounts = c.copyMounts()
	}
	if chown {
		ids, err := side.User(c.copyUserSpec())
		if err != nil {
			done()
			return copy.Side{}, nil, err
		}
		side.Chown = &ids
	}
	return side, done, nil
}

// rootForCopy returns the host path of the container's root: its init's
// root while it runs (in its mount namespace: mounts included), else its
// rootfs, mounted for the copy; done gives that mount back.
func (c *Container) rootForCopy(write bool) (root string, running bool, done func(), _ error) {
	mounted := false
	err := c.withLock(func() error {
		if c.isActive() && c.state.PID > 0 {
			root, running = "/proc/"+strconv.Itoa(c.state.PID)+"/root", true
			return nil
		}
		var err error
		root, err = c.mountLocked(write)
		mounted = err == nil
		return err
	})
	if err != nil {
		return "", false, nil, err
	}
	done = func() {
		if !mounted {
			return
		}
		if err := c.withLock(c.unmountLocked); err != nil {
			slog.Warn("unmounting the rootfs after a copy", "container", c.config.Name, "error", err)
		}
	}
	return root, running, done, nil
}

// copyMounts are the container's bind mounts and volumes (binds of the
// volumes' directories), the deepest first, for a copy while it is
// stopped.
func (c *Container) copyMounts() []copy.Mount {
	var out []copy.Mount
	if c.config.Spec == nil {
		return nil
	}
	for _, m := range c.config.Spec.Mounts {
		if m.Type == "bind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind") {
			out = append(out, copy.Mount{Destination: m.Destination, Source: m.Source, ReadOnly: slices.Contains(m.Options, "ro")})
		}
	}
	slices.SortFunc(out, func(a, b copy.Mount) int { return len(b.Destination) - len(a.Destination) })
	return out
}

// copyIDMappings are the container's user namespace mappings (--uidmap,
// --gidmap, --userns), nil without.
func (c *Container) copyIDMappings() *copy.IDMap {
	s := c.config.Spec
	if s == nil || s.Linux == nil || (len(s.Linux.UIDMappings) == 0 && len(s.Linux.GIDMappings) == 0) {
		return nil
	}
	return &copy.IDMap{UIDs: s.Linux.UIDMappings, GIDs: s.Linux.GIDMappings}
}

// copyUserSpec is the container's user as its config has it, which a
// copy into it resolves with the container's /etc/passwd and /etc/group.
func (c *Container) copyUserSpec() string {
	s := c.config.Spec
	if s == nil || s.Process == nil {
		return ""
	}
	if s.Process.User.Username != "" {
		return s.Process.User.Username
	}
	return fmt.Sprintf("%d:%d", s.Process.User.UID, s.Process.User.GID)
}

// Export writes the container's root filesystem to w as a tar stream: a
// --rootfs container's directory, or its ":O" overlay while it runs.
func (c *Container) Export(w io.Writer) error {
	if c.config.IO.Rootfs != "" {
		return c.exportRootfsDir(w)
	}
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

// exportRootfsDir tars a --rootfs container's root. The lock is held
// through the tar so that a ":O" overlay is not unmounted under it.
func (c *Container) exportRootfsDir(w io.Writer) error {
	return c.withLock(func() error {
		dir, err := c.rootfsDirLocked(false)
		if err != nil {
			return err
		}
		if err := storage.TarDir(dir, w); err != nil {
			return fmt.Errorf("exporting container %s: %w", c.config.Name, err)
		}
		return nil
	})
}
