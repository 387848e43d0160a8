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
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/pkg/crashpoint"
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

// RemoveOptions are `rm`'s flags.
type RemoveOptions struct {
	Force, Volumes bool
	// Timeout, with Force, stops a running container as `stop -t` does
	// before it is removed, in place of killing it at once.
	Timeout *uint
	// Depend removes the containers that depend on this one (those that
	// joined its network namespace), theirs first.
	Depend bool
}

// Remove removes a container as `rm` does and returns the IDs it removed:
// its dependents first (with Depend), then itself. Without Depend a
// container with dependents is refused, with podman's words.
func (r *Runtime) Remove(ctx context.Context, nameOrID string, opts RemoveOptions) ([]string, error) {
	c, err := r.LookupContainer(nameOrID)
	if err != nil {
		return nil, err
	}
	pod, err := r.podOfInfra(c.config)
	if err != nil {
		return nil, err
	}
	if pod != nil && !opts.Depend {
		// podman's words.
		return nil, fmt.Errorf("container %s is the infra container of pod %s and cannot be removed without removing the pod: %w",
			c.ID(), pod.ID(), define.ErrInvalidArg)
	}
	deps, err := r.dependents(c.ID())
	if err != nil {
		return nil, err
	}
	if len(deps) > 0 && !opts.Depend {
		direct, err := r.dependentsOnly(c.ID())
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("container %s has dependent containers which must be removed before it: %s: container %w",
			c.ID(), strings.Join(direct, ","), define.ErrExists)
	}
	var removed []string
	for _, id := range append(deps, c.ID()) {
		if err := r.removeWith(ctx, id, opts); err != nil && !errors.Is(err, define.ErrNotFound) {
			return removed, err
		}
		removed = append(removed, id)
	}
	if pod != nil { // its infra and every container of it are gone
		return removed, r.withPodLock(pod.ID(), pod.removeRecordLocked)
	}
	return removed, nil
}

func (r *Runtime) removeWith(ctx context.Context, id string, opts RemoveOptions) error {
	if opts.Force && opts.Timeout != nil {
		c, err := r.containerByID(id)
		if err != nil {
			return err
		}
		if err := c.Stop(ctx, opts.Timeout); err != nil {
			return err
		}
	}
	return r.RemoveContainer(ctx, id, opts.Force, opts.Volumes)
}

// dependents returns the IDs of the containers that depend on id, the
// most dependent first: those that joined its network namespace
// (--network container:ID) or require it (--requires), and theirs.
func (r *Runtime) dependents(id string) ([]string, error) {
	var out []string
	var visit func(string) error
	visit = func(id string) error {
		direct, err := r.dependentsOnly(id)
		for _, d := range direct {
			if slices.Contains(out, d) {
				continue
			}
			if err := visit(d); err != nil {
				return err
			}
			out = append(out, d)
		}
		return err
	}
	return out, visit(id)
}

// dependentsOnly returns the containers that joined id's network namespace
// or that require it (--requires).
func (r *Runtime) dependentsOnly(id string) ([]string, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, rec := range recs {
		if rec.Config.NetworkMode == "container:"+id || slices.Contains(rec.Config.IO.Requires, id) {
			out = append(out, rec.Config.ID)
		}
	}
	return out, nil
}

// removeLocked removes the container in steps that can each be redone: it
// first marks the container "removing" (saved), so that a removal stopped
// by a failure or a crash is finished by the next rm, which releases what
// the record still lists and deletes what is left. A failed step returns
// its error with the record kept.
func (c *Container) removeLocked(force bool) error {
	if c.isActive() {
		if !force {
			// podman's words, with the ID: scripts match on them.
			return fmt.Errorf("cannot remove container %s as it is %s - running or paused containers cannot be removed without force: %w", c.config.ID, c.state.Status, define.ErrStateImproper)
		}
		if err := c.killForRemovalLocked(); err != nil {
			return err
		}
	}
	if c.state.Status != define.StatusRemoving {
		if err := c.setStatusLocked(define.StatusRemoving); err != nil {
			return err
		}
		if err := c.saveLocked(); err != nil {
			return err
		}
	}
	crashpoint.Hit(crashpoint.RmMarked)
	if err := c.releaseForRemovalLocked(); err != nil {
		return fmt.Errorf("removing container %s (it stays, marked removing, until rm -f succeeds): %w", c.config.Name, err)
	}
	crashpoint.Hit(crashpoint.RmReleased)
	if c.config.StorageID != "" {
		store, err := c.rt.Storage()
		if err != nil {
			return err
		}
		if err := store.DeleteContainer(c.config.StorageID); err != nil {
			return fmt.Errorf("removing the rootfs of %s: %w", c.config.Name, err)
		}
	}
	crashpoint.Hit(crashpoint.RmRootfsDeleted)
	if err := os.RemoveAll(c.userDir()); err != nil {
		return fmt.Errorf("removing the files of %s: %w", c.config.Name, err)
	}
	crashpoint.Hit(crashpoint.RmFilesRemoved)
	if err := c.rt.store.RemoveContainer(c.config.ID); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.RmRecordDeleted)
	c.newEvent(events.Remove)
	return c.rt.locks.Free(c.config.ID)
}

// killForRemovalLocked kills a running container and records its exit. A
// release that fails here is retried by the removal that follows.
func (c *Container) killForRemovalLocked() error {
	if c.frozenLocked() {
		if err := c.rt.oci().Resume(c.config.ID); err != nil {
			slog.Warn("resuming a paused container to kill it", "container", c.config.Name, "error", err)
		}
	}
	c.state.StoppedByUser = true
	if err := c.rt.oci().Signal(c.config.ID, syscall.SIGKILL, true); err != nil {
		slog.Debug("killing a container to remove it", "container", c.config.Name, "error", err)
	}
	exit := c.waitExitLocked(10 * time.Second)
	if exit == nil {
		return fmt.Errorf("container %s did not exit after SIGKILL: %w", c.config.Name, define.ErrUnavailable)
	}
	err := c.exitedLocked(exit.Code, exit.At)
	var rel *releaseError
	if errors.As(err, &rel) {
		return nil
	}
	return err
}

// releaseForRemovalLocked releases what a start took and the addresses a
// checkpoint held. What fails stays recorded in the state, which is saved,
// so that the next rm retries it.
func (c *Container) releaseForRemovalLocked() error {
	err := c.freeResourcesLocked()
	if err == nil && c.state.Checkpointed {
		// Its addresses were held for a restore that will not come.
		err = c.releaseHeldForRemovalLocked()
	}
	if err != nil {
		if serr := c.saveLocked(); serr != nil {
			return errors.Join(err, serr)
		}
		return err
	}
	return c.removeRunDirLocked()
}

// releaseHeldForRemovalLocked gives back the addresses held for a restore.
func (c *Container) releaseHeldForRemovalLocked() error {
	saved, err := c.savedNetworkStatus()
	if err != nil {
		return err
	}
	if len(saved) == 0 {
		return nil
	}
	mgr, err := c.rt.Network()
	if err != nil {
		return err
	}
	if err := mgr.Release(c.config.ID, saved); err != nil {
		return fmt.Errorf("releasing the addresses held for a restore of %s: %w", c.config.Name, err)
	}
	return nil
}

// RemoveOrphans removes what a crash left without a container record: a
// create killed before storing its record leaves a rootfs in storage, a
// directory under ROOT/containers and a lock file; an rm killed after
// deleting the record leaves the lock file. A candidate's lock is taken
// before anything is removed, and its record looked up again: a create in
// progress holds its new ID's lock until the record is stored, so it is
// waited for and then left alone. `rm --all` and `container prune` call
// it.
func (r *Runtime) RemoveOrphans() error {
	ids, err := r.orphanCandidates()
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range ids {
		if err := r.removeOrphan(id); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("removing leftovers of interrupted commands: %w", errors.Join(errs...))
	}
	return nil
}

// orphanCandidates lists container IDs found in storage, in the container
// directories or as lock files, without a record.
func (r *Runtime) orphanCandidates() ([]string, error) {
	known, err := r.recordedIDs()
	if err != nil {
		return nil, err
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	found, err := store.ContainerIDs()
	if err != nil {
		return nil, err
	}
	for _, dir := range []string{filepath.Join(r.cfg.Root, "containers"), filepath.Join(r.cfg.RunRoot, "containers"), filepath.Join(r.cfg.RunRoot, "locks")} {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("listing %s: %w", dir, err)
		}
		for _, e := range entries {
			found = append(found, e.Name())
		}
	}
	var ids []string
	for _, id := range found {
		if names.IsID(id) && !known[id] && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// recordedIDs are the IDs of the containers that have a record (a
// container's rootfs in storage has its ID), and of the pods, whose lock
// files are no container's leftovers.
func (r *Runtime) recordedIDs() (map[string]bool, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(recs))
	for _, rec := range recs {
		known[rec.Config.ID] = true
	}
	pods, err := r.store.AllPods()
	if err != nil {
		return nil, err
	}
	for _, p := range pods {
		known[p.Config.ID] = true
	}
	return known, nil
}

// removeOrphan removes container id's rootfs, directories and lock file
// unless, once its lock is held, the container turns out to exist.
func (r *Runtime) removeOrphan(id string) error {
	l, err := r.locks.Locker(id)
	if err != nil {
		return err
	}
	if err := l.Lock(); err != nil {
		return fmt.Errorf("locking container %s: %w", id, err)
	}
	defer func() {
		if err := l.Unlock(); err != nil {
			slog.Warn("unlocking a removed orphan", "container", id, "error", err)
		}
	}()
	if err := r.removeOrphanLocked(id); err != nil {
		return err
	}
	return r.locks.Free(id)
}

// removeOrphanLocked removes, unless container id has a record, its
// rootfs, its directories and the volumes an import of it wrote down as
// made (importVolumesJournal) that no container uses. The caller holds
// the ID's lock.
func (r *Runtime) removeOrphanLocked(id string) error {
	if _, err := r.store.Container(id); err == nil {
		return nil
	} else if !errors.Is(err, define.ErrNotFound) {
		return err
	}
	store, err := r.Storage()
	if err != nil {
		return err
	}
	userDir := filepath.Join(r.cfg.Root, "containers", id)
	journal, err := os.ReadFile(filepath.Join(userDir, importVolumesJournal))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for _, name := range strings.Fields(string(journal)) {
		// One another container uses by now stays.
		if err := r.RemoveVolume(name, false, nil); err != nil && !errors.Is(err, define.ErrNotFound) {
			slog.Warn("keeping a volume an interrupted import made", "volume", name, "error", err)
		}
	}
	if err := store.DeleteContainer(id); err != nil {
		return err
	}
	for _, dir := range []string{userDir, filepath.Join(r.cfg.RunRoot, "containers", id)} {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("removing %s: %w", dir, err)
		}
	}
	slog.Debug("removed the leftovers of an interrupted command", "container", id)
	return nil
}

// PruneContainers removes every exited or created container that passes
// the filters (filter.PruneKeys) and returns their IDs; without filters it
// also removes crashed creates' leftovers (RemoveOrphans). It keeps going
// past failures and returns them joined.
func (r *Runtime) PruneContainers(filters ...string) ([]string, error) {
	removed, _, err := r.pruneContainers(filters)
	return removed, err
}

// pruneContainers is PruneContainers that also adds up the read-write
// layers it removed, the space podman's system prune reports.
func (r *Runtime) pruneContainers(filters []string) ([]string, int64, error) {
	match, err := filter.PruneContainers(filters, lookups{r})
	if err != nil {
		return nil, 0, err
	}
	ctrs, err := r.Containers()
	if err != nil {
		return nil, 0, err
	}
	store, err := r.Storage()
	if err != nil {
		return nil, 0, err
	}
	var removed []string
	var total int64
	var errs []error
	for _, c := range ctrs {
		switch c.State().Status {
		case define.StatusExited, define.StatusCreated:
		default:
			continue
		}
		if !match(c.config, c.state) {
			continue
		}
		size := sizeOf(store, c.config.StorageID)
		err := r.RemoveContainer(context.Background(), c.ID(), false, false)
		switch {
		case err == nil:
			removed = append(removed, c.ID())
			if size != nil {
				total += size.RwSize
			}
		case errors.Is(err, define.ErrNotFound):
			// Removed by someone else meanwhile.
		case errors.Is(err, define.ErrInvalidState):
			// Started meanwhile: not prunable any more.
		default:
			errs = append(errs, err)
		}
	}
	if len(filters) == 0 {
		if err := r.RemoveOrphans(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return removed, total, fmt.Errorf("pruning containers: %w", errors.Join(errs...))
	}
	return removed, total, nil
}
