package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

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
	for _, c := range candidateDrivers(o) {
		driver := c.driver
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
		opts.GraphDriverOptions = append(opts.GraphDriverOptions, c.options...)
		s, err := cstorage.GetStore(opts)
		if err == nil {
			return &Store{store: s, root: o.Root}, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", c, err))
	}
	return nil, fmt.Errorf("opening image store in %s: %w: %w", o.Root, errors.Join(errs...), define.ErrUnavailable)
}

// FuseOverlayfs is the overlay mount program tried where the kernel's
// overlay cannot mount (an ordinary user's namespace on an older kernel).
var FuseOverlayfs = "/usr/bin/fuse-overlayfs"

// candidate is one way New tries to open the store: a driver and the
// options that make it work.
type candidate struct {
	driver  string
	options []string
}

func (c candidate) String() string {
	if len(c.options) > 0 {
		return fmt.Sprintf("%s driver with %v", c.driver, c.options)
	}
	return c.driver + " driver"
}

// candidateDrivers lists the ways New tries, in order: overlay, then (for
// an ordinary user, as podman) overlay through fuse-overlayfs, then vfs.
func candidateDrivers(o Options) []candidate {
	if o.Driver != "" {
		return []candidate{{driver: o.Driver}}
	}
	fuse := fuseCandidate(o)
	// A store keeps the driver it was created with: its layers only make
	// sense to that driver.
	if _, err := os.Stat(filepath.Join(o.Root, DriverOverlay+"-layers")); err == nil {
		return append([]candidate{{driver: DriverOverlay}}, fuse...)
	}
	if _, err := os.Stat(filepath.Join(o.Root, DriverVFS+"-layers")); err == nil {
		return []candidate{{driver: DriverVFS}}
	}
	if o.Rootless && os.Geteuid() != 0 {
		// Outside a user namespace an ordinary user cannot mount overlay.
		return []candidate{{driver: DriverVFS}}
	}
	return append(append([]candidate{{driver: DriverOverlay}}, fuse...), candidate{driver: DriverVFS})
}

// fuseCandidate is overlay through fuse-overlayfs for an ordinary user
// whose options name no mount program of their own, where the program and
// /dev/fuse can be used.
func fuseCandidate(o Options) []candidate {
	if !o.Rootless {
		return nil
	}
	for _, opt := range o.DriverOptions {
		if strings.Contains(opt, "mount_program") {
			return nil
		}
	}
	if unix.Access(FuseOverlayfs, unix.X_OK) != nil || unix.Access("/dev/fuse", unix.R_OK|unix.W_OK) != nil {
		return nil
	}
	return []candidate{{driver: DriverOverlay, options: []string{"overlay.mount_program=" + FuseOverlayfs}}}
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
