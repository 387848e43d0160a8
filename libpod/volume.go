package libpod

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
)

// VolumeDriver is the only volume driver podlite has: a directory under
// the volumes directory.
const VolumeDriver = "local"

// volumeDataDir is the directory inside a volume's directory that holds
// its data and is what containers mount. The parent is left for metadata,
// as in podman.
const volumeDataDir = "_data"

// CreateVolume creates a named volume: its data directory
// Config.Volumes()/NAME/_data and its record. An empty name gets a random
// 64-hex-digit name, as in podman. options are the local driver's: uid and
// gid set the data directory's owner; copy and nocopy are recorded for
// container creation. A failed create leaves neither record nor directory.
func (r *Runtime) CreateVolume(name string, labels, options map[string]string) (*define.Volume, error) {
	if name == "" {
		name = randomVolumeName()
	}
	if !spec.ValidVolumeName(name) {
		return nil, fmt.Errorf("creating volume %q: names may contain [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", name, define.ErrInvalidArg)
	}
	owner, err := volumeOwner(name, options)
	if err != nil {
		return nil, err
	}
	var v *define.Volume
	err = r.withVolumeLock(name, func() error {
		v, err = r.createVolumeLocked(name, labels, options, owner)
		return err
	})
	return v, err
}

// Volume returns the named volume.
func (r *Runtime) Volume(name string) (*define.Volume, error) {
	return r.store.Volume(name)
}

// Volumes returns the volumes that pass every filter, ordered by name.
// Filters are KEY=VALUE strings as `volume ls --filter` takes them (name,
// label, label!, opt, driver, scope, dangling, until); a malformed filter
// is an ErrInvalidArg.
func (r *Runtime) Volumes(filters ...string) ([]*define.Volume, error) {
	match, err := filter.Volumes(filters)
	if err != nil {
		return nil, err
	}
	vols, err := r.store.AllVolumes()
	if err != nil {
		return nil, err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return nil, err
	}
	out := vols[:0]
	for _, v := range vols {
		if match(v, len(users[v.Name]) > 0) {
			out = append(out, v)
		}
	}
	return out, nil
}

// VolumeInUse returns the IDs of the containers that use the named volume.
func (r *Runtime) VolumeInUse(name string) ([]string, error) {
	if _, err := r.store.Volume(name); err != nil {
		return nil, err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(users[name]))
	for _, u := range users[name] {
		ids = append(ids, u.id)
	}
	return ids, nil
}

// volumeUser is a container that uses a volume.
type volumeUser struct {
	id, name string
}

// volumeUsers maps each volume name to the containers using it, read from
// every container record in one store transaction.
func (r *Runtime) volumeUsers() (map[string][]volumeUser, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	users := map[string][]volumeUser{}
	for _, rec := range recs {
		for _, name := range rec.Config.Volumes {
			users[name] = append(users[name], volumeUser{id: rec.Config.ID, name: rec.Config.Name})
		}
	}
	return users, nil
}

// withVolumeLock runs fn holding the runtime-wide lock for one volume name.
// Create and remove of a name are serialised across processes by it; it
// is never held while taking a container lock.
func (r *Runtime) withVolumeLock(name string, fn func() error) error {
	l, err := r.volumeLocker(name)
	if err != nil {
		return err
	}
	if err := l.Lock(); err != nil {
		return fmt.Errorf("locking volume %s: %w", name, err)
	}
	defer l.Unlock()
	return fn()
}

func (r *Runtime) volumeLocker(name string) (lock.Locker, error) {
	l, err := r.locks.Locker(volumeLockName(name))
	if err != nil {
		return nil, fmt.Errorf("getting the lock of volume %s: %w", name, err)
	}
	return l, nil
}

func volumeLockName(name string) string { return "volume-" + name }

// createVolumeLocked makes the directories, then the record, undoing the
// directories if the record cannot be stored.
func (r *Runtime) createVolumeLocked(name string, labels, options map[string]string, owner *fileOwner) (_ *define.Volume, retErr error) {
	if _, err := r.store.Volume(name); err == nil {
		return nil, fmt.Errorf("creating volume %s: %w", name, define.ErrExists)
	} else if !errors.Is(err, define.ErrNotFound) {
		return nil, err
	}
	root, err := filepath.Abs(r.cfg.Volumes())
	if err != nil {
		return nil, fmt.Errorf("creating volume %s: resolving %s: %w", name, r.cfg.Volumes(), err)
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("creating volume %s: %w", name, err)
	}
	volDir := filepath.Join(root, name)
	// A directory without a record is what a crash between mkdir and the
	// store write leaves; it is adopted, and so not removed on failure.
	createdDir, err := mkdirIfMissing(volDir, 0o700)
	if err != nil {
		return nil, fmt.Errorf("creating volume %s: %w", name, err)
	}
	if createdDir {
		defer func() {
			if retErr != nil {
				if err := os.RemoveAll(volDir); err != nil {
					retErr = errors.Join(retErr, fmt.Errorf("cleaning up volume %s: %w", name, err))
				}
			}
		}()
	}
	data := filepath.Join(volDir, volumeDataDir)
	if err := os.MkdirAll(data, 0o755); err != nil {
		return nil, fmt.Errorf("creating volume %s: %w", name, err)
	}
	// MkdirAll is subject to the umask; podman's _data is 0755 regardless.
	if err := os.Chmod(data, 0o755); err != nil {
		return nil, fmt.Errorf("creating volume %s: %w", name, err)
	}
	if owner != nil {
		if err := os.Chown(data, owner.uid, owner.gid); err != nil {
			return nil, fmt.Errorf("creating volume %s: setting owner of %s: %w", name, data, err)
		}
	}
	v := &define.Volume{
		Name:       name,
		Driver:     VolumeDriver,
		Mountpoint: data,
		Labels:     labels,
		Options:    options,
		CreatedAt:  time.Now(),
	}
	if err := r.store.AddVolume(v); err != nil {
		return nil, err
	}
	r.volumeEvent(events.Create, name)
	return v, nil
}

// mkdirIfMissing creates dir and reports whether it did; an existing directory
// is not an error.
func mkdirIfMissing(dir string, perm os.FileMode) (bool, error) {
	err := os.Mkdir(dir, perm)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrExist) {
		if fi, serr := os.Stat(dir); serr == nil && fi.IsDir() {
			return false, nil
		}
	}
	return false, err
}

// fileOwner is the uid and gid the uid= and gid= options ask for; -1
// leaves that one unchanged, as in chown(2).
type fileOwner struct {
	uid, gid int
}

// volumeOwner checks the local driver's options (keys case-insensitive,
// as in podman) and returns the owner they ask for, or nil.
func volumeOwner(name string, options map[string]string) (*fileOwner, error) {
	var owner *fileOwner
	for key, val := range options {
		switch k := strings.ToLower(key); k {
		case "uid", "gid":
			id, err := strconv.Atoi(val)
			if err != nil || id < 0 {
				return nil, fmt.Errorf("creating volume %s: option %s=%q is not a numeric ID: %w", name, key, val, define.ErrInvalidArg)
			}
			if owner == nil {
				owner = &fileOwner{uid: -1, gid: -1}
			}
			if k == "uid" {
				owner.uid = id
			} else {
				owner.gid = id
			}
		case "copy", "nocopy":
		case "type", "device", "o", "size", "inodes", "noquota":
			return nil, fmt.Errorf("creating volume %s: option %s: %w", name, key, define.ErrNotSupported)
		default:
			return nil, fmt.Errorf("creating volume %s: unknown option %q for driver %s: %w", name, key, VolumeDriver, define.ErrInvalidArg)
		}
	}
	return owner, nil
}

// randomVolumeName returns 64 random hex digits. crypto/rand.Read never
// fails (it crashes the program instead).
func randomVolumeName() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RemoveVolume removes a volume's data and record. A volume that any
// container uses is refused with an ErrInvalidState naming the containers,
// unless force is set: then those containers are removed first (killed, or
// with stopTimeout stopped as `stop -t` does; their other volumes kept).
func (r *Runtime) RemoveVolume(name string, force bool, stopTimeout *uint) error {
	if force {
		// The containers go before the volume lock is taken: container
		// removal takes container locks, which come first in the lock order.
		if err := r.removeVolumeUsers(name, stopTimeout); err != nil {
			return err
		}
	}
	return r.withVolumeLock(name, func() error { return r.removeVolumeLocked(name) })
}

// PruneVolumes removes every volume that passes the filters (see Volumes)
// and that no container uses, and returns the names it removed. It keeps
// going past a volume it cannot remove and returns all such errors joined.
func (r *Runtime) PruneVolumes(filters ...string) ([]string, error) {
	pruned, _, err := r.pruneVolumes(filters)
	return pruned, err
}

// pruneVolumes is PruneVolumes that also adds up the sizes of the volumes
// it removed, the space podman's system prune reports.
func (r *Runtime) pruneVolumes(filters []string) ([]string, int64, error) {
	vols, err := r.Volumes(filters...)
	if err != nil {
		return nil, 0, err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return nil, 0, err
	}
	var pruned []string
	var total int64
	var errs []error
	for _, v := range vols {
		if len(users[v.Name]) > 0 {
			continue
		}
		size, err := storage.DirSize(v.Mountpoint)
		if err != nil {
			slog.Warn("measuring a volume", "volume", v.Name, "error", err)
		}
		err = r.withVolumeLock(v.Name, func() error { return r.removeVolumeLocked(v.Name) })
		switch {
		case err == nil:
			pruned = append(pruned, v.Name)
			total += size
		case errors.Is(err, define.ErrNotFound), errors.Is(err, define.ErrInvalidState):
			// Removed, or taken into use, by someone else since we listed it.
		default:
			errs = append(errs, err)
		}
	}
	return pruned, total, errors.Join(errs...)
}

// removeVolumeUsers force-removes the containers that use the volume.
func (r *Runtime) removeVolumeUsers(name string, stopTimeout *uint) error {
	ids, err := r.VolumeInUse(name)
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := r.removeWith(context.Background(), id, RemoveOptions{Force: true, Timeout: stopTimeout})
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
		ids := make([]string, 0, len(u))
		for _, c := range u {
			ids = append(ids, c.id)
		}
		return fmt.Errorf("volume %s is being used by the following container(s): %s: %w", name, strings.Join(ids, ", "),
			define.Worded(define.ErrInvalidState, "volume is being used"))
	}
	if err := os.RemoveAll(volumeDir(v)); err != nil {
		return fmt.Errorf("removing volume %s: %w", name, err)
	}
	if err := r.store.RemoveVolume(name); err != nil {
		return err
	}
	r.volumeEvent(events.Remove, name)
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
