package libpod

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
)

// imageMountsFile, in the run directory, lists the images a start mounted
// before its state was saved, for recordLeftoversLocked; imageMountsDir
// holds the overlays of the rw=true image mounts.
const (
	imageMountsFile = "image-mounts.json"
	imageMountsDir  = "image-mounts"
)

// splitImageMounts takes the --mount type=image mounts out of mounts and
// resolves their images, which must be in local storage (podman's error
// otherwise: nothing is pulled for an image mount).
func splitImageMounts(store *storage.Store, mounts []spec.Mount) ([]spec.Mount, []define.ImageMount, error) {
	var rest []spec.Mount
	var images []define.ImageMount
	for _, m := range mounts {
		if m.Type != "image" {
			rest = append(rest, m)
			continue
		}
		img, err := store.Image(m.Source)
		if err != nil {
			return nil, nil, fmt.Errorf("creating image volume %q:%q: %w", m.Source, m.Destination, imageNotKnown(m.Source, err))
		}
		images = append(images, define.ImageMount{Source: m.Source, ImageID: img.ID, Destination: m.Destination,
			RW: slices.Contains(m.Options, "rw"), Subpath: m.Subpath})
	}
	return rest, images, nil
}

// userVolumes are podman's UserVolumes: the destinations of the user's
// own mounts, and of the volumes --volumes-from passes on.
func userVolumes(own []spec.Mount, images []define.ImageMount, from []spec.Mount) []string {
	var out []string
	add := func(dest string) {
		if !slices.Contains(out, dest) {
			out = append(out, dest)
		}
	}
	for _, m := range own {
		add(m.Destination)
	}
	for _, m := range images {
		add(m.Destination)
	}
	for _, m := range from {
		if m.VolumeName != "" {
			add(m.Destination)
		}
	}
	return out
}

// commitVolumes are the volume paths commit adds to the image config:
// every user volume with --include-volumes, else (as podman) only those
// backed by the container's own anonymous volumes.
func commitVolumes(cfg *define.ContainerConfig, includeVolumes bool) map[string]struct{} {
	out := map[string]struct{}{}
	for _, dest := range cfg.Mounts.UserVolumes {
		if includeVolumes || slices.ContainsFunc(cfg.Spec.Mounts, func(m specs.Mount) bool {
			return m.Destination == dest && slices.ContainsFunc(cfg.AnonymousVolumes, func(name string) bool {
				return filepath.Base(filepath.Dir(m.Source)) == name
			})
		}) {
			out[dest] = struct{}{}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// mountImagesLocked mounts the images of the container's --mount
// type=image mounts for this start and adds them to s: read-only, or
// with rw=true an overlay in the run directory whose writes go with the
// run. Each image mounted is recorded at once (state and run directory),
// so that the release finds it even after a crash.
func (c *Container) mountImagesLocked(store *storage.Store, s *specs.Spec) error {
	for i, im := range c.config.Mounts.Images {
		mi, err := store.MountImage(im.ImageID)
		if err != nil {
			return fmt.Errorf("mounting image %s at %s: %w", im.Source, im.Destination, err)
		}
		c.state.ImageMounts = append(c.state.ImageMounts, im.ImageID)
		if err := c.writeImageMountsFile(); err != nil {
			return err
		}
		src, err := securejoin.SecureJoin(mi.Mountpoint, im.Subpath)
		if err != nil {
			return fmt.Errorf("image mount subpath %s: %w", im.Subpath, err)
		}
		if st, err := os.Stat(src); err != nil || !st.IsDir() {
			return fmt.Errorf("image mount subpath %s: not a directory in image %s: %w", im.Subpath, im.Source, define.ErrNotFound)
		}
		mode := "ro"
		if im.RW {
			dir := filepath.Join(c.runDir(), imageMountsDir, strconv.Itoa(i))
			if src, err = mountOverlay(dir, src); err != nil {
				return fmt.Errorf("mounting an overlay on image mount %s: %w", im.Destination, err)
			}
			mode = "rw"
		}
		s.Mounts = append(s.Mounts, specs.Mount{Destination: im.Destination, Type: "bind", Source: src,
			Options: []string{"rbind", mode, "nosuid", "nodev", "rprivate"}})
	}
	return nil
}

func (c *Container) writeImageMountsFile() error {
	b, err := json.Marshal(c.state.ImageMounts)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(c.runDir(), imageMountsFile), b)
}

// recordImageMountsLocked puts into the state the image mounts an
// interrupted start took before it could save them.
func (c *Container) recordImageMountsLocked() {
	if len(c.state.ImageMounts) > 0 {
		return
	}
	b, err := os.ReadFile(filepath.Join(c.runDir(), imageMountsFile))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			slog.Warn("reading the image mounts of an interrupted start", "container", c.config.Name, "error", err)
		}
		return
	}
	if err := json.Unmarshal(b, &c.state.ImageMounts); err != nil {
		slog.Warn("reading the image mounts of an interrupted start", "container", c.config.Name, "error", err)
	}
}

// unmountImagesLocked undoes mountImagesLocked: the overlays first (any
// found in the run directory), then one mount of each image. What could
// not be unmounted stays in the state for the next release.
func (c *Container) unmountImagesLocked(store *storage.Store) error {
	overlays, _ := filepath.Glob(filepath.Join(c.runDir(), imageMountsDir, "*", "merged"))
	for _, m := range overlays {
		if err := unix.Unmount(m, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("unmounting the overlay of an image mount: %w", err)
		}
	}
	for len(c.state.ImageMounts) > 0 {
		id := c.state.ImageMounts[len(c.state.ImageMounts)-1]
		if _, err := store.UnmountImage(id, false); err != nil && !errors.Is(err, define.ErrNotFound) {
			return fmt.Errorf("unmounting image %s: %w", id, err)
		}
		c.state.ImageMounts = c.state.ImageMounts[:len(c.state.ImageMounts)-1]
	}
	return nil
}

// imageMountInspect is inspect's entry of an image mount, as podman's.
func imageMountInspect(im define.ImageMount) InspectMount {
	return InspectMount{Type: "image", Source: im.Source, Destination: im.Destination, RW: im.RW}
}

// imageMountUsers maps each image a --mount type=image uses to the
// containers using it: rmi refuses those images, image prune keeps them.
func (r *Runtime) imageMountUsers() (map[string][]string, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, rec := range recs {
		for _, im := range rec.Config.Mounts.Images {
			if !slices.Contains(out[im.ImageID], rec.Config.ID) {
				out[im.ImageID] = append(out[im.ImageID], rec.Config.ID)
			}
		}
	}
	return out, nil
}

// imageHostsFile is --hosts-file=image's base of /etc/hosts: the image's
// own /etc/hosts (the --rootfs directory's), read at create as podlite
// writes the base then; none there is an empty base.
func (c *Container) imageHostsFile() (string, error) {
	var b []byte
	var err error
	if c.config.IO.Rootfs != "" {
		var path string
		if path, err = securejoin.SecureJoin(c.config.IO.Rootfs, "/etc/hosts"); err == nil {
			b, err = os.ReadFile(path)
		}
	} else {
		store, serr := c.rt.Storage()
		if serr != nil {
			return "", serr
		}
		b, err = store.ReadImageFile(c.config.ImageID, "/etc/hosts")
	}
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("--hosts-file=image: reading the image's /etc/hosts: %w", err)
	}
	return string(b), nil
}

// shmDir, in the run directory, is where a container that joins another
// container's IPC namespace mounts that container's /dev/shm for its own.
const shmDir = "shm"

// shareShmLocked gives a container with --ipc container:NAME the other
// container's /dev/shm, as podman does: its tmpfs, cloned out of the
// other's mount namespace into the run directory, is bind-mounted at
// /dev/shm for this run. pidOf finds the other's running process.
func (c *Container) shareShmLocked(s *specs.Spec, pidOf func(id string) (int, error)) error {
	var other string
	for _, ns := range s.Linux.Namespaces {
		if id, ok := strings.CutPrefix(ns.Path, spec.ContainerPrefix); ok && ns.Type == specs.IPCNamespace {
			other = id
		}
	}
	i := slices.IndexFunc(s.Mounts, func(m specs.Mount) bool { return m.Destination == "/dev/shm" })
	if other == "" || i < 0 {
		return nil
	}
	pid, err := pidOf(other)
	if err != nil {
		return fmt.Errorf("sharing the /dev/shm of container %s: %w", other, err)
	}
	target := filepath.Join(c.runDir(), shmDir)
	if err := os.MkdirAll(target, 0o700); err != nil {
		return err
	}
	err = cloneMount(pid, "/dev/shm", target)
	if errors.Is(err, unix.ENOENT) {
		return nil // the other has none (--ipc none): this one keeps its own
	}
	if err != nil {
		return fmt.Errorf("sharing the /dev/shm of container %s: %w", other, err)
	}
	s.Mounts[i] = specs.Mount{Destination: "/dev/shm", Type: "bind", Source: target, Options: []string{"rbind", "nosuid", "noexec", "nodev"}}
	return nil
}

// unmountShmLocked undoes shareShmLocked's mount, if there is one.
func (c *Container) unmountShmLocked() error {
	err := unix.Unmount(filepath.Join(c.runDir(), shmDir), unix.MNT_DETACH)
	if err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting the shared /dev/shm of %s: %w", c.config.Name, err)
	}
	return nil
}

// cloneMount mounts at target (in podlite's mount namespace) a clone of
// the mount at path in process pid's mount namespace. A bind mount
// cannot take its source from another namespace, but open_tree(2) there
// can clone it, and move_mount(2) here attach the clone. The thread that
// joins the namespace is locked and never unlocked, so it ends with its
// goroutine instead of serving others.
func cloneMount(pid int, path, target string) error {
	nsfd, err := unix.Open(fmt.Sprintf("/proc/%d/ns/mnt", pid), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(nsfd)
	type result struct {
		fd  int
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			ch <- result{-1, fmt.Errorf("unsharing the thread's fs: %w", err)}
			return
		}
		if err := unix.Setns(nsfd, unix.CLONE_NEWNS); err != nil {
			ch <- result{-1, fmt.Errorf("joining the mount namespace: %w", err)}
			return
		}
		fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
		if err != nil {
			err = fmt.Errorf("cloning %s: %w", path, err)
		}
		ch <- result{fd, err}
	}()
	r := <-ch
	if r.err != nil {
		return r.err
	}
	defer unix.Close(r.fd)
	if err := unix.MoveMount(r.fd, "", unix.AT_FDCWD, target, unix.MOVE_MOUNT_F_EMPTY_PATH); err != nil {
		return fmt.Errorf("mounting the clone of %s: %w", path, err)
	}
	return nil
}
