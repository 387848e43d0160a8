package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/podlite/podlite/libpod/config"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/storage"
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
	r := &Runtime{cfg: cfg, store: store, locks: locks}
	if err := r.refreshAfterReboot(); err != nil {
		return nil, err
	}
	return r, nil
}

// Config returns the runtime's configuration.
func (r *Runtime) Config() *config.Config { return r.cfg }

// Storage returns the image and rootfs store, opening it on first use.
func (r *Runtime) Storage() (*storage.Store, error) {
	r.storageOnce.Do(func() {
		r.storage, r.storageErr = storage.New(storage.Options{
			Root:     filepath.Join(r.cfg.Root, "storage"),
			RunRoot:  filepath.Join(r.cfg.RunRoot, "storage"),
			Driver:   r.cfg.StorageDriver,
			Rootless: r.cfg.Rootless,
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
