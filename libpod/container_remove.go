package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// RemoveContainer removes a container: its rootfs, files and record. A
// running container is refused unless force, which kills it first.
// removeVolumes also removes its anonymous volumes (those made for the
// image's VOLUME paths), after the container's lock is released: volume
// locks never nest inside container locks.
func (r *Runtime) RemoveContainer(ctx context.Context, nameOrID string, force, removeVolumes bool) error {
	c, err := r.LookupContainer(nameOrID)
	if err != nil {
		return err
	}
	if err := c.withLock(func() error { return c.removeLocked(force) }); err != nil {
		return err
	}
	if removeVolumes {
		return r.removeAnonymousVolumes(c.config)
	}
	return nil
}

func (c *Container) removeLocked(force bool) error {
	if c.isActive() {
		if !force {
			return fmt.Errorf("cannot remove container %s: it is %s; stop it first or use --force: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		if c.state.Status == define.StatusPaused {
			_ = c.rt.oci().Resume(c.config.ID)
		}
		c.state.StoppedByUser = true
		_ = c.rt.oci().Signal(c.config.ID, syscall.SIGKILL, true)
		exit := c.waitExitLocked(10 * time.Second)
		if exit == nil {
			return fmt.Errorf("container %s did not exit after SIGKILL: %w", c.config.Name, define.ErrUnavailable)
		}
		if err := c.exitedLocked(exit.Code, exit.At); err != nil {
			return err
		}
	}
	if err := c.setStatusLocked(define.StatusRemoving); err != nil {
		return err
	}
	if err := c.saveLocked(); err != nil {
		return err
	}
	if c.state.Checkpointed {
		if err := c.releaseLeftoversLocked(); err != nil {
			return err
		}
	}
	c.releaseLocked()
	if c.state.Checkpointed {
		// Its addresses were held for a restore that will not come.
		if saved, err := c.savedNetworkStatus(); err == nil && len(saved) > 0 {
			if mgr, err := c.rt.Network(); err == nil {
				_ = mgr.Release(c.config.ID, saved)
			}
		}
	}
	if c.config.StorageID != "" {
		store, err := c.rt.Storage()
		if err != nil {
			return err
		}
		if err := store.DeleteContainer(c.config.StorageID); err != nil {
			return fmt.Errorf("removing the rootfs of %s: %w", c.config.Name, err)
		}
	}
	if err := os.RemoveAll(c.userDir()); err != nil {
		return fmt.Errorf("removing the files of %s: %w", c.config.Name, err)
	}
	if err := c.rt.store.RemoveContainer(c.config.ID); err != nil {
		return err
	}
	return c.rt.locks.Free(c.config.ID)
}

// PruneContainers removes every exited or created container and returns
// their IDs. It keeps going past failures and returns them joined.
func (r *Runtime) PruneContainers() ([]string, error) {
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, c := range ctrs {
		switch c.State().Status {
		case define.StatusExited, define.StatusCreated:
		default:
			continue
		}
		err := r.RemoveContainer(context.Background(), c.ID(), false, false)
		switch {
		case err == nil:
			removed = append(removed, c.ID())
		case errors.Is(err, define.ErrNotFound):
			// Removed by someone else meanwhile.
		case errors.Is(err, define.ErrInvalidState):
			// Started meanwhile: not prunable any more.
		default:
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("pruning containers: %w", errors.Join(errs...))
	}
	return removed, nil
}
