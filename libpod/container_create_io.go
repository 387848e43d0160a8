package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/docker/go-units"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
)

// IOOptions are create's options about logs, run-time limits and the
// mounts a container takes beyond its own flags: --log-opt, --timeout,
// --init-path, --requires, --image-volume and --volumes-from.
type IOOptions struct {
	// LogOpts are --log-opt NAME=VALUE values: path, max-size, tag.
	LogOpts []string
	// Timeout is --timeout in seconds (0: none).
	Timeout uint
	// InitPath is --init-path: the init binary --init mounts.
	InitPath string
	// Requires are --requires: containers started before this one.
	Requires []string
	// ImageVolume is --image-volume: bind (default), tmpfs or ignore.
	ImageVolume string
	// VolumesFrom are --volumes-from CONTAINER[:ro|rw] values.
	VolumesFrom []string
	// PullRetries and PullRetryDelay are --retry and --retry-delay: a
	// pull that fails on the network is tried again that many times (nil:
	// the config's retry), after the delay or, when it is 0, after 2 s
	// doubling each time.
	PullRetries    *uint
	PullRetryDelay time.Duration
	// Rootfs is --rootfs PATH[:O]: the container runs from the directory
	// PATH (with ":O", from an overlay on it), not from an image.
	Rootfs string
}

// logConfig checks --log-driver and --log-opt and fills cfg's log fields;
// defaultPath is the log's path when --log-opt path= does not give one.
func logConfig(cfg *define.ContainerConfig, driver string, logOpts []string, defaultPath string) error {
	switch driver {
	case "":
		driver = "k8s-file"
	case "k8s-file", "json-file", "none", "passthrough", "passthrough-tty":
	case "journald":
		if err := logs.CheckJournal(); err != nil {
			return fmt.Errorf("%w: %w", err, define.ErrUnavailable)
		}
	default:
		// podman's words.
		return fmt.Errorf("running container create option: invalid log driver %q: %w", driver, define.ErrInvalidArg)
	}
	path := ""
	for _, o := range logOpts {
		key, val, ok := strings.Cut(o, "=")
		if !ok {
			return fmt.Errorf("invalid log option %q: %w", o, define.ErrInvalidArg)
		}
		switch key {
		case "path":
			path = absPath(val)
		case "max-size":
			n, err := units.FromHumanSize(val)
			if err != nil || n < 0 {
				return fmt.Errorf("invalid size: '%s': %w", val, define.ErrInvalidArg)
			}
			cfg.IO.LogMaxSize = n
		case "tag":
			if strings.ContainsAny(val, "\n\x00") {
				return fmt.Errorf("invalid log tag %q: %w", val, define.ErrInvalidArg)
			}
			cfg.IO.LogTag = val
		default:
			return fmt.Errorf("unsupported log option %q: podlite knows path, max-size and tag: %w", key, define.ErrInvalidArg)
		}
	}
	cfg.LogDriver = driver
	switch {
	case driver == "k8s-file" || driver == "json-file": // podman logs json-file as k8s-file
		cfg.LogPath = defaultPath
		if path != "" {
			cfg.LogPath = path
		}
	case path != "" || cfg.IO.LogMaxSize != 0:
		return fmt.Errorf("--log-opt path and max-size need the k8s-file log driver, not %s: %w", driver, define.ErrInvalidArg)
	}
	return nil
}

// ioConfig checks the options of IOOptions that need no image and records
// them in cfg.
func (r *Runtime) ioConfig(cfg *define.ContainerConfig, opts *CreateOptions) error {
	io := opts.IO
	if err := logConfig(cfg, opts.LogDriver, io.LogOpts, filepath.Join(r.cfg.Root, "containers", cfg.ID, "ctr.log")); err != nil {
		return err
	}
	switch io.ImageVolume {
	case "", "bind", "tmpfs", "ignore":
	default:
		// podman's words.
		return fmt.Errorf("invalid image volume mode %q required value: bind, tmpfs, ignore: %w", io.ImageVolume, define.ErrInvalidArg)
	}
	cfg.IO.Timeout, cfg.IO.InitPath, cfg.IO.ImageVolume = io.Timeout, io.InitPath, io.ImageVolume
	if err := rootfsConfig(cfg, opts); err != nil {
		return err
	}
	for _, name := range io.Requires {
		for _, n := range strings.Split(name, ",") {
			dep, err := r.LookupContainer(n)
			if err != nil {
				return fmt.Errorf("%q is not a valid container, cannot be used as a dependency: %w", n, err)
			}
			if !slices.Contains(cfg.IO.Requires, dep.ID()) {
				cfg.IO.Requires = append(cfg.IO.Requires, dep.ID())
			}
		}
	}
	return nil
}

// rootfsConfig checks --rootfs PATH[:O] and records it.
func rootfsConfig(cfg *define.ContainerConfig, opts *CreateOptions) error {
	if opts.IO.Rootfs == "" {
		return nil
	}
	if opts.RemoveImage {
		return fmt.Errorf("--rmi needs an image, not --rootfs: %w", define.ErrInvalidArg)
	}
	path, overlay := strings.CutSuffix(opts.IO.Rootfs, ":O")
	st, err := os.Stat(path)
	if err != nil {
		// podman's words.
		return fmt.Errorf("running container create option: %v: %w", err, define.ErrNotFound)
	}
	if !st.IsDir() {
		return fmt.Errorf("--rootfs %s is not a directory: %w", path, define.ErrInvalidArg)
	}
	cfg.IO.Rootfs, cfg.IO.RootfsOverlay = absPath(path), overlay
	return nil
}

// createImage is the image a container is created from, pulled as --pull
// says; for --rootfs there is none, and an empty one stands for it.
func (r *Runtime) createImage(ctx context.Context, store *storage.Store, opts *CreateOptions) (*storage.Image, error) {
	if opts.IO.Rootfs != "" {
		return &storage.Image{}, nil
	}
	return resolveImage(ctx, store, opts, r.cfg.PullRetries)
}

// pullRetrying pulls opts.Image, trying again after a network failure as
// --retry and --retry-delay say, retries times when --retry is not given.
func pullRetrying(ctx context.Context, store *storage.Store, opts *CreateOptions, retries uint) (*storage.Image, error) {
	po := opts.PullOptions
	po.Retry = storage.Retry{Count: opts.IO.PullRetries, Delay: opts.IO.PullRetryDelay}
	if po.Retry.Count == nil {
		po.Retry.Count = &retries
	}
	return store.Pull(ctx, opts.Image, po)
}

// mountRootfsLocked mounts the rootfs for a start: the container's layer,
// or its --rootfs directory as it is, or with ":O" an overlay on the
// directory, in the run directory, whose changes go with the run.
func (c *Container) mountRootfsLocked(store *storage.Store) (string, error) {
	switch {
	case c.config.IO.Rootfs == "":
		return store.Mount(c.config.StorageID)
	case !c.config.IO.RootfsOverlay:
		return c.config.IO.Rootfs, nil
	}
	merged, err := mountOverlay(filepath.Join(c.runDir(), "rootfs"), c.config.IO.Rootfs)
	if err != nil {
		return "", fmt.Errorf("mounting an overlay on --rootfs %s: %w", c.config.IO.Rootfs, err)
	}
	return merged, nil
}

// mountOverlay mounts an overlay on lower whose upper and work
// directories are in dir (made if missing) at dir/merged, and returns it.
func mountOverlay(dir, lower string) (string, error) {
	upper, work, merged := filepath.Join(dir, "upper"), filepath.Join(dir, "work"), filepath.Join(dir, "merged")
	for _, d := range []string{upper, work, merged} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return "", err
		}
	}
	data := "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work
	if err := unix.Mount("overlay", merged, "overlay", 0, data); err != nil {
		return "", err
	}
	return merged, nil
}

// unmountRootfsLocked undoes mountRootfsLocked.
func (c *Container) unmountRootfsLocked(store *storage.Store) error {
	switch {
	case c.config.IO.Rootfs == "":
		return store.Unmount(c.config.StorageID, false)
	case c.config.IO.RootfsOverlay:
		err := unix.Unmount(c.state.Mountpoint, unix.MNT_DETACH)
		if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("unmounting the overlay on --rootfs %s: %w", c.config.IO.Rootfs, err)
		}
	}
	return nil
}

// imageVolumeMounts applies --image-volume to the image's VOLUME paths:
// bind returns them to become anonymous volumes; tmpfs adds a tmpfs at
// each one no other mount covers; ignore drops them.
func imageVolumeMounts(mode string, mounts []spec.Mount, paths []string) ([]spec.Mount, []string, error) {
	switch mode {
	case "ignore":
		return mounts, nil, nil
	case "tmpfs":
		for _, p := range paths {
			p = filepath.Clean(p)
			if slices.ContainsFunc(mounts, func(m spec.Mount) bool { return m.Destination == p }) {
				continue
			}
			m, err := spec.ParseTmpfs(p)
			if err != nil {
				return nil, nil, err
			}
			mounts = append(mounts, m)
		}
		return mounts, nil, nil
	}
	return mounts, paths, nil
}

// volumesFromMounts returns the volume and bind mounts of the containers
// --volumes-from names, with ro or rw when given, for destinations the
// container's own mounts leave free.
func (r *Runtime) volumesFromMounts(values []string, own []spec.Mount) ([]spec.Mount, error) {
	taken := map[string]bool{}
	for _, m := range own {
		taken[m.Destination] = true
	}
	var out []spec.Mount
	for _, v := range values {
		name, optList, _ := strings.Cut(v, ":")
		mode, relabel := "", ""
		for _, o := range strings.Split(optList, ",") {
			switch o {
			case "":
			case "ro", "rw":
				mode = o
			case "z":
				relabel = o
			default:
				// podman's words.
				return nil, fmt.Errorf("invalid option %q specified - volumes from another container can only use z,ro,rw options: %w", o, define.ErrInvalidArg)
			}
		}
		src, err := r.LookupContainer(name)
		if err != nil {
			return nil, fmt.Errorf("looking up container %q for volumes-from: %w", name, err)
		}
		mounts, err := r.sharedMounts(src.config)
		if err != nil {
			return nil, err
		}
		for _, m := range mounts {
			if taken[m.Destination] {
				continue
			}
			taken[m.Destination] = true
			m.Relabel = relabel
			if mode != "" {
				m.Options = append(slices.DeleteFunc(slices.Clone(m.Options), func(o string) bool { return o == "ro" || o == "rw" }), mode)
			}
			out = append(out, m)
		}
	}
	return out, nil
}

// sharedMounts are the mounts of cfg that --volumes-from passes on: its
// volumes (by name) and host bind mounts, not the files podlite makes.
func (r *Runtime) sharedMounts(cfg *define.ContainerConfig) ([]spec.Mount, error) {
	byPath := map[string]string{}
	for _, name := range cfg.Volumes {
		v, err := r.store.Volume(name)
		if err != nil {
			return nil, fmt.Errorf("volume %s of container %s: %w", name, cfg.Name, err)
		}
		byPath[v.Mountpoint] = name
	}
	var out []spec.Mount
	for _, m := range cfg.Spec.Mounts {
		if m.Type != "bind" || isEtcFile(m.Destination) || m.Destination == initTarget || strings.HasPrefix(m.Source, r.cfg.Root+"/containers/") {
			continue
		}
		out = append(out, spec.Mount{Mount: m, VolumeName: byPath[m.Source]})
	}
	return out, nil
}

// copyUpImageVolumes fills the anonymous volumes made for the image's
// VOLUME paths with what the image holds there, as podman does.
func (r *Runtime) copyUpImageVolumes(store *storage.Store, cfg *define.ContainerConfig) error {
	for _, name := range cfg.AnonymousVolumes {
		v, err := r.store.Volume(name)
		if err != nil {
			return fmt.Errorf("volume %s of container %s: %w", name, cfg.Name, err)
		}
		for _, m := range cfg.Spec.Mounts {
			if m.Source == v.Mountpoint {
				if err := store.CopyUp(cfg.StorageID, m.Destination, v.Mountpoint); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// PreservedFiles are the caller's descriptors that --preserve-fds and
// --preserve-fd pass to a foreground run's container (Streams.Extra),
// checked before the container is created.
func PreservedFiles(n uint, list []uint) ([]*os.File, error) {
	return oci.PreservedFiles(n, list)
}

// startRequired starts the containers c was created to require
// (--requires); Start starts their own requirements first.
func (c *Container) startRequired(ctx context.Context) error {
	for _, id := range c.config.IO.Requires {
		dep, err := c.rt.containerByID(id)
		if err != nil {
			return fmt.Errorf("starting container %s: a container it requires: %w", c.config.Name, err)
		}
		if err := dep.Start(ctx); err != nil {
			return fmt.Errorf("starting container %s, which %s requires: %w", dep.Name(), c.config.Name, err)
		}
	}
	return nil
}

// initPath is the init binary --init mounts: --init-path's, else the
// configured one.
func (c *Container) initPath() string {
	if c.config.IO.InitPath != "" {
		return c.config.IO.InitPath
	}
	return c.rt.cfg.InitPath
}

// InspectLogConfig is HostConfig.LogConfig of InspectData, as podman's.
type InspectLogConfig struct {
	Type string `json:"Type"`
	// Config is always null, as podman shows it.
	Config map[string]string `json:"Config"`
	Path   string            `json:"Path"`
	Tag    string            `json:"Tag"`
	// Size is --log-opt max-size in podman's words ("10kB", "0B").
	Size string `json:"Size"`
}

func inspectLogConfig(cfg *define.ContainerConfig) InspectLogConfig {
	return InspectLogConfig{Type: cfg.LogDriver, Path: cfg.LogPath, Tag: cfg.IO.LogTag,
		Size: units.HumanSize(float64(cfg.IO.LogMaxSize))}
}
