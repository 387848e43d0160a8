package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// RemoveVolume removes a volume's data and record. A volume that any
// container uses is refused with an ErrInvalidState naming the containers,
// unless force is set: then those containers are removed first (forcibly,
// keeping their other volumes).
func (r *Runtime) RemoveVolume(name string, force bool) error {
	if force {
		// The containers go before the volume lock is taken: container
		// removal takes container locks, which come first in the lock order.
		if err := r.removeVolumeUsers(name); err != nil {
			return err
		}
	}
	return r.withVolumeLock(name, func() error { return r.removeVolumeLocked(name) })
}

// PruneVolumes removes every volume that passes the filters (see Volumes)
// and that no container uses, and returns the names it removed. It keeps
// going past a volume it cannot remove and returns all such errors joined.
func (r *Runtime) PruneVolumes(filters ...string) ([]string, error) {
	vols, err := r.Volumes(filters...)
	if err != nil {
		return nil, err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return nil, err
	}
	var pruned []string
	var errs []error
	for _, v := range vols {
		if len(users[v.Name]) > 0 {
			continue
		}
		err := r.withVolumeLock(v.Name, func() error { return r.removeVolumeLocked(v.Name) })
		switch {
		case err == nil:
			pruned = append(pruned, v.Name)
		case errors.Is(err, define.ErrNotFound), errors.Is(err, define.ErrInvalidState):
			// Removed, or taken into use, by someone else since we listed it.
		default:
			errs = append(errs, err)
		}
	}
	return pruned, errors.Join(errs...)
}

// removeVolumeUsers force-removes the containers that use the volume.
func (r *Runtime) removeVolumeUsers(name string) error {
	ids, err := r.VolumeInUse(name)
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := r.RemoveContainer(context.Background(), id, true, false)
		if err != nil && !errors.Is(err, define.ErrNotFound) {
			return fmt.Errorf("removing volume %s: %w", name, err)
		}
	}
	return nil
}

// removeVolumeLocked checks that no container uses the volume, then removes
// its directory and, once that worked, its record: a failure part-way
// leaves a record, so that `volume rm` can be retried.
func (r *Runtime) removeVolumeLocked(name string) error {
	v, err := r.store.Volume(name)
	if err != nil {
		return err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return err
	}
	if u := users[name]; len(u) > 0 {
		names := make([]string, 0, len(u))
		for _, c := range u {
			names = append(names, c.name)
		}
		return fmt.Errorf("removing volume %s: in use by container(s) %s: %w", name, strings.Join(names, ", "), define.ErrInvalidState)
	}
	if err := os.RemoveAll(volumeDir(v)); err != nil {
		return fmt.Errorf("removing volume %s: %w", name, err)
	}
	if err := r.store.RemoveVolume(name); err != nil {
		return err
	}
	if err := r.locks.Free(volumeLockName(name)); err != nil {
		slog.Warn("freeing the lock of a removed volume", "volume", name, "error", err)
	}
	return nil
}

// volumeDir is the directory CreateVolume made for v: the parent of its
// _data mountpoint.
func volumeDir(v *define.Volume) string {
	if filepath.Base(v.Mountpoint) == volumeDataDir && filepath.Base(filepath.Dir(v.Mountpoint)) == v.Name {
		return filepath.Dir(v.Mountpoint)
	}
	// Not a layout podlite writes: remove only what the record names.
	return v.Mountpoint
}
