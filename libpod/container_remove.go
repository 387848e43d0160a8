package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
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

// RemoveOrphans removes what a create or import killed before it stored
// the container's record left behind: storage containers whose creator
// has exited and that no record names (see storage.Abandoned), with the
// container's directory, its lock file and the volumes an import wrote
// down as made for it. It returns the IDs removed and keeps going past
// failures, returned joined.
func (r *Runtime) RemoveOrphans() ([]string, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	ids, err := store.Abandoned()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, id := range ids {
		ok, err := r.removeIfOrphan(store, id, ids)
		if err != nil {
			errs = append(errs, err)
		} else if ok {
			removed = append(removed, id)
		}
	}
	return removed, errors.Join(errs...)
}

// removeIfOrphan removes what is left of container id if it is among the
// abandoned storage containers and has no record, and says whether it did.
func (r *Runtime) removeIfOrphan(store *storage.Store, id string, abandoned []string) (bool, error) {
	if !slices.Contains(abandoned, id) {
		return false, nil
	}
	if _, err := r.store.Container(id); !errors.Is(err, define.ErrNotFound) {
		return false, err
	}
	if err := r.removeOrphan(store, id); err != nil {
		return false, fmt.Errorf("removing what a killed podlite left of container %s: %w", id, err)
	}
	return true, nil
}

func (r *Runtime) removeOrphan(store *storage.Store, id string) error {
	dir := filepath.Join(r.cfg.Root, "containers", id)
	journal, err := os.ReadFile(filepath.Join(dir, importVolumesJournal))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, name := range strings.Fields(string(journal)) {
		// One another container uses now stays.
		if err := r.RemoveVolume(name, false); err != nil && !errors.Is(err, define.ErrNotFound) {
			slog.Warn("keeping a volume an interrupted import made", "volume", name, "error", err)
		}
	}
	if err := store.DeleteContainer(id); err != nil {
		return err
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	return r.locks.Free(id)
}
