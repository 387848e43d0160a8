package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	cstorage "go.podman.io/storage"
	"go.podman.io/storage/types"

	"github.com/podlite/podlite/libpod/define"
)

// Graph drivers podlite uses.
const (
	DriverOverlay = "overlay"
	DriverVFS     = "vfs"
)

// Options says where the store keeps its data and how.
type Options struct {
	// Root holds images, layers and container rootfs.
	Root string
	// RunRoot holds mount bookkeeping that must not survive a reboot.
	RunRoot string
	// Driver is the graph driver ("overlay", "vfs"). Empty means the
	// driver that already holds data under Root, else overlay where it
	// works, else vfs.
	Driver string
	// DriverOptions are graph driver options ("overlay.mount_program=X"),
	// given to every driver tried: one it does not know is an error.
	DriverOptions []string
	// Rootless is true when podlite runs as an ordinary user.
	Rootless bool
}

// Store is podlite's image and container-rootfs store. It is safe for
// concurrent use by goroutines; containers/storage's own locks make it safe
// across processes.
type Store struct {
	store cstorage.Store
	root  string
}

// New opens (creating if needed) the store under o.Root and o.RunRoot.
func New(o Options) (*Store, error) {
	if o.Root == "" || o.RunRoot == "" {
		return nil, fmt.Errorf("opening image store: root and runroot must be set: %w", define.ErrInvalidArg)
	}
	var errs []error
	for _, driver := range candidateDrivers(o) {
		opts := types.StoreOptions{
			GraphRoot:       o.Root,
			RunRoot:         o.RunRoot,
			GraphDriverName: driver,
		}
		switch {
		case driver == DriverOverlay:
			// Otherwise the driver bind-mounts its home onto itself
			// and only Shutdown undoes it: every podlite process that
			// fails before Shutdown would leave a mount behind.
			opts.GraphDriverOptions = []string{"overlay.skip_mount_home=true"}
		case driver == DriverVFS && o.Rootless:
			// Layers carry files owned by users an ordinary user
			// cannot chown to outside a user namespace.
			opts.GraphDriverOptions = []string{"vfs.ignore_chown_errors=true"}
		}
		opts.GraphDriverOptions = append(opts.GraphDriverOptions, o.DriverOptions...)
		s, err := cstorage.GetStore(opts)
		if err == nil {
			return &Store{store: s, root: o.Root}, nil
		}
		errs = append(errs, fmt.Errorf("%s driver: %w", driver, err))
	}
	return nil, fmt.Errorf("opening image store in %s: %w: %w", o.Root, errors.Join(errs...), define.ErrUnavailable)
}

// candidateDrivers lists the graph drivers New tries, in order.
func candidateDrivers(o Options) []string {
	if o.Driver != "" {
		return []string{o.Driver}
	}
	// A store keeps the driver it was created with: its layers only make
	// sense to that driver.
	for _, d := range []string{DriverOverlay, DriverVFS} {
		if _, err := os.Stat(filepath.Join(o.Root, d+"-layers")); err == nil {
			return []string{d}
		}
	}
	if o.Rootless && os.Geteuid() != 0 {
		// Outside a user namespace an ordinary user cannot mount overlay.
		return []string{DriverVFS}
	}
	return []string{DriverOverlay, DriverVFS}
}

// Driver returns the graph driver in use.
func (s *Store) Driver() string { return s.store.GraphDriverName() }

// DriverStatus is the graph driver's own report ("Backing Filesystem",
// "Native Overlay Diff"...), as info's graphStatus shows it.
func (s *Store) DriverStatus() map[string]string {
	status := map[string]string{}
	driver, err := s.store.GraphDriver()
	if err != nil {
		return status
	}
	for _, kv := range driver.Status() {
		status[kv[0]] = kv[1]
	}
	return status
}

// Shutdown releases the store. Container rootfs stay mounted: running
// containers keep using them after this process exits.
func (s *Store) Shutdown() {
	// With mounted layers containers/storage reports ErrLayerUsedByContainer
	// and leaves them alone, which is what podlite wants.
	_, _ = s.store.Shutdown(false)
}
