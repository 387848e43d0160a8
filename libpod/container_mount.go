package libpod

import (
	"fmt"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
)

// Mount mounts the container's rootfs and returns where. Mounts are counted
// by containers/storage: each Mount needs an Unmount.
func (c *Container) Mount() (string, error) {
	var mnt string
	err := c.withLock(func() error {
		var err error
		mnt, err = c.mountLocked(true)
		if err != nil || c.config.IO.Rootfs != "" {
			return err // a --rootfs directory is not counted nor recorded
		}
		c.state.Mountpoint = mnt
		return c.saveLocked()
	})
	if err == nil {
		c.newEvent(events.Mount)
	}
	return mnt, err
}

// Unmount undoes one Mount, or with force every mount. The rootfs of a
// running container cannot be unmounted.
func (c *Container) Unmount(force bool) error {
	return c.withLock(func() error {
		if c.isActive() {
			return fmt.Errorf("cannot unmount container %s: it is %s: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		if c.config.StorageID == "" {
			return nil
		}
		store, err := c.rt.Storage()
		if err != nil {
			return err
		}
		if err := store.Unmount(c.config.StorageID, force); err != nil {
			return err
		}
		c.newEvent(events.Unmount)
		mounted, err := store.Mounted(c.config.StorageID)
		if err != nil {
			return err
		}
		if !mounted && c.state.Mountpoint != "" {
			c.state.Mountpoint = ""
			return c.saveLocked()
		}
		return nil
	})
}

// Mountpoint returns where the rootfs is mounted, or "" when it is not
// mounted (by anyone: a running container or `podlite mount`).
func (c *Container) Mountpoint() (string, error) {
	var mnt string
	err := c.withLock(func() error {
		if c.config.StorageID == "" {
			return nil
		}
		store, err := c.rt.Storage()
		if err != nil {
			return err
		}
		mounted, err := store.Mounted(c.config.StorageID)
		if err != nil || !mounted {
			return err
		}
		mnt = c.state.Mountpoint
		if mnt == "" {
			// Mounted but not recorded: ask the store for the path (this
			// takes and gives back one mount reference).
			if mnt, err = store.Mount(c.config.StorageID); err != nil {
				return err
			}
			return store.Unmount(c.config.StorageID, false)
		}
		return nil
	})
	return mnt, err
}

// mountLocked mounts the container's rootfs in storage, or returns its
// --rootfs directory (see rootfsDirLocked); write says the caller may
// write there.
func (c *Container) mountLocked(write bool) (string, error) {
	if c.config.IO.Rootfs != "" {
		return c.rootfsDirLocked(write)
	}
	if c.config.StorageID == "" {
		return "", fmt.Errorf("container %s has no rootfs to mount: %w", c.config.Name, define.ErrNotSupported)
	}
	store, err := c.rt.Storage()
	if err != nil {
		return "", err
	}
	mnt, err := store.Mount(c.config.StorageID)
	if err != nil {
		return "", fmt.Errorf("mounting the rootfs of %s: %w", c.config.Name, err)
	}
	return mnt, nil
}

// rootfsDirLocked is a --rootfs container's root: the directory, or with
// ":O" its overlay while the container runs. A stopped ":O" container has
// no overlay: its directory is read as it is but not written, as the
// changes of a ":O" container never reach the directory.
func (c *Container) rootfsDirLocked(write bool) (string, error) {
	switch {
	case !c.config.IO.RootfsOverlay:
		return c.config.IO.Rootfs, nil
	case c.isActive() && c.state.Mountpoint != "":
		return c.state.Mountpoint, nil
	case write:
		return "", fmt.Errorf("container %s has its --rootfs overlay (:O) only while it runs: %w", c.config.Name, define.ErrInvalidState)
	}
	return c.config.IO.Rootfs, nil
}

func (c *Container) unmountLocked() error {
	if c.config.IO.Rootfs != "" {
		return nil // mountLocked mounted nothing
	}
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	return store.Unmount(c.config.StorageID, false)
}
