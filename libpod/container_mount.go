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
		mnt, err = c.mountLocked()
		if err != nil {
			return err
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

func (c *Container) mountLocked() (string, error) {
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

func (c *Container) unmountLocked() error {
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	return store.Unmount(c.config.StorageID, false)
}
