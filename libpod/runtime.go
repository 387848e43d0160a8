package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/podlite/podlite/libpod/config"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/libpod/sysinfo"
	"github.com/podlite/podlite/pkg/rootless"
)

// Runtime is podlite's engine for one root/runroot pair. It is created per
// podlite process; everything it knows across processes lives in the state
// store, the lock files and containers/storage.
type Runtime struct {
	cfg   *config.Config
	store state.Store
	locks lock.Manager

	storageOnce sync.Once
	storage     *storage.Store
	storageErr  error

	net networkManager

	events *events.Log
}

// NewRuntime opens the state store and lock manager under cfg's paths. The
// image store is opened on first use, so commands that only read container
// state (ps, inspect) stay cheap.
func NewRuntime(cfg *config.Config) (*Runtime, error) {
	for _, dir := range []string{cfg.Root, cfg.RunRoot} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("creating %s: %w", dir, err)
		}
	}
	store, err := state.NewBoltStore(filepath.Join(cfg.Root, "podlite.db"))
	if err != nil {
		return nil, err
	}
	locks, err := lock.NewFileManager(filepath.Join(cfg.RunRoot, "locks"))
	if err != nil {
		return nil, err
	}
	backend := cfg.EventsLogger
	if backend == "" {
		backend = events.BackendFile
	}
	evlog, err := events.New(backend, filepath.Join(cfg.RunRoot, "events", "events.log"))
	if err != nil {
		return nil, err
	}
	r := &Runtime{cfg: cfg, store: store, locks: locks, events: evlog}
	if err := r.refreshAfterReboot(); err != nil {
		return nil, err
	}
	return r, nil
}

// needCgroups refuses what needs the container's cgroup where an ordinary
// user's container has none (cgroup v1), as podman does.
func (r *Runtime) needCgroups(what string) error {
	if !r.cfg.Rootless || sysinfo.CgroupsVersion() != "v1" {
		return nil
	}
	return fmt.Errorf("%s: an ordinary user's containers have no cgroup on cgroup v1: %w", what, define.ErrNotSupported)
}

// needCRIUHelper refuses a user's checkpoint, in podman's words
// ("checkpointing a container requires root"), naming in one line the
// piece of the rootless C/R helper this host or user lacks
// (rootless.CheckCRIUHelper). A restore needs no helper: criu runs inside
// the user's namespace then.
func (r *Runtime) needCRIUHelper(what string) error {
	if !r.cfg.Rootless {
		return nil
	}
	p := rootless.CheckCRIUHelper(rootless.CRIUHelper, rootless.UID())
	if !p.Dump {
		return fmt.Errorf("%s requires root here: %s: %w", what, p.Missing, define.ErrNotSupported)
	}
	if !rootless.HasCRIUBroker() {
		return fmt.Errorf("%s as a user needs podlite's criu broker outside the user namespace, which only a checkpoint command starts: %w", what, define.ErrNotSupported)
	}
	return nil
}

// Config returns the runtime's configuration.
func (r *Runtime) Config() *config.Config { return r.cfg }

// Storage returns the image and rootfs store, opening it on first use.
func (r *Runtime) Storage() (*storage.Store, error) {
	r.storageOnce.Do(func() {
		r.storage, r.storageErr = storage.New(storage.Options{
			Root:          r.cfg.StorageRoot(),
			RunRoot:       r.cfg.StorageRunRoot(),
			Driver:        r.cfg.StorageDriver,
			Rootless:      r.cfg.Rootless,
			DriverOptions: r.cfg.StorageOptions,
		})
	})
	return r.storage, r.storageErr
}

// Shutdown releases the image store. It never unmounts container rootfs.
func (r *Runtime) Shutdown() {
	if r.storage != nil {
		r.storage.Shutdown()
	}
}

// aliveFile marks a runroot this boot has already seen. The runroot is a
// tmpfs in real life, so its absence means the machine rebooted (or the
// runroot was wiped, which podlite treats the same).
const aliveFile = "alive"

// refreshAfterReboot runs once per boot, in the first podlite command: every
// container that was running is reset to exited, since the reboot killed its
// processes and took its mounts, runtime state and supervisor with it.
// Everything on persistent storage (configs, rootfs layers, logs, volumes)
// is kept.
func (r *Runtime) refreshAfterReboot() error {
	marker := filepath.Join(r.cfg.RunRoot, aliveFile)
	if _, err := os.Stat(marker); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	l, err := r.locks.Locker("runtime-refresh")
	if err != nil {
		return err
	}
	if err := l.Lock(); err != nil {
		return err
	}
	defer l.Unlock()
	if _, err := os.Stat(marker); err == nil {
		return nil // another podlite refreshed while we waited
	}
	recs, err := r.store.AllContainers()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if err := r.resetAfterReboot(rec.Config.ID); err != nil {
			return fmt.Errorf("resetting container %s after a reboot: %w", rec.Config.Name, err)
		}
	}
	return os.WriteFile(marker, nil, 0o600)
}

func (r *Runtime) resetAfterReboot(id string) error {
	c, err := r.containerByID(id)
	if err != nil {
		return err
	}
	if err := c.lock.Lock(); err != nil {
		return err
	}
	defer c.lock.Unlock()
	rec, err := r.store.Container(id)
	if err != nil {
		return err
	}
	st := rec.State
	c.config, c.state = rec.Config, st
	// The reboot took the namespace and veths, but host-local leases live
	// on disk: CNI DEL without the namespace gives the addresses back.
	networked := st.Network.NetNS != "" || len(st.Network.Status) > 0
	if networked {
		if err := c.teardownNetworkLocked(context.Background()); err != nil {
			return err
		}
	}
	// Mount counts live in the runroot, which the reboot took too.
	changed := networked || st.Mountpoint != "" || st.PID != 0 || len(st.ImageMounts) > 0
	switch st.Status {
	case define.StatusRunning, define.StatusPaused, define.StatusStopping:
		st.Status = define.StatusExited
		changed = true
	case define.StatusInitialized:
		st.Status = define.StatusCreated // the reboot took what init prepared
		changed = true
	}
	if !changed {
		return nil
	}
	st.PID, st.SupervisorPID, st.Mountpoint, st.ImageMounts = 0, 0, "", nil
	return r.store.SaveContainerState(id, st)
}
