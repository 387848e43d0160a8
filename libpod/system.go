package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/libpod/sysinfo"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/pasta"
	"github.com/podlite/podlite/pkg/network/slirp"
	"github.com/podlite/podlite/pkg/rootless"
)

// Info gathers host, store and build information in podman's shape;
// the caller fills in Version with the build's.
func (r *Runtime) Info() (*sysinfo.Info, error) {
	info := &sysinfo.Info{
		Host:       r.hostInfo(),
		Registries: map[string]any{},
		Plugins: sysinfo.Plugins{
			Volume: []string{"local"}, Network: []string{"bridge"},
			Log: []string{"k8s-file", "none", "passthrough"},
		},
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	imgs, err := store.Images()
	if err != nil {
		return nil, err
	}
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	graphRoot := filepath.Join(r.cfg.Root, "storage")
	info.Store = sysinfo.StoreInfo{
		ConfigFile: strings.Join(r.cfg.Files, ","), GraphRoot: graphRoot, RunRoot: filepath.Join(r.cfg.RunRoot, "storage"),
		GraphDriverName: store.Driver(), GraphOptions: map[string]any{}, GraphStatus: store.DriverStatus(),
		ImageCopyTmpDir: os.TempDir(), ImageStore: sysinfo.ImageStore{Number: len(imgs)},
		ContainerStore: sysinfo.ContainerStore{Number: len(ctrs)}, VolumePath: r.cfg.Volumes(),
	}
	for _, opt := range r.cfg.StorageOptions {
		k, v, _ := strings.Cut(opt, "=")
		info.Store.GraphOptions[k] = v
	}
	info.Store.GraphRootAllocated, info.Store.GraphRootUsed = sysinfo.DiskUsage(graphRoot)
	for _, c := range ctrs {
		switch c.State().Status {
		case define.StatusRunning, define.StatusStopping:
			info.Store.ContainerStore.Running++
		case define.StatusPaused:
			info.Store.ContainerStore.Paused++
		default:
			info.Store.ContainerStore.Stopped++
		}
	}
	return info, nil
}

// hostInfo probes the host. podlite's supervisor stands where podman's
// conmon does, and its embedded libcontainer for the OCI runtime: both
// live in podlite's own binary.
func (r *Runtime) hostInfo() sysinfo.HostInfo {
	exe, _ := os.Executable()
	h := sysinfo.HostInfo{
		Arch: runtime.GOARCH, OS: runtime.GOOS, CPUs: runtime.NumCPU(), Kernel: sysinfo.Kernel(),
		CgroupManager: r.cfg.CgroupManager, CgroupsVersion: sysinfo.CgroupsVersion(),
		CgroupControllers: sysinfo.CgroupControllers(),
		Conmon:            sysinfo.ConmonInfo{Path: exe, Version: "podlite supervisor (built in)"},
		DatabaseBackend:   "boltdb", Distribution: sysinfo.Distribution(),
		EventLogger: r.cfg.EventsLogger, LogDriver: "k8s-file",
		NetworkBackend: "cni", NetworkBackendInfo: sysinfo.NetworkInfo{Backend: "cni", Path: strings.Join(r.cfg.CNIPluginDirs, ":")},
		OCIRuntime: sysinfo.OCIRuntimeInfo{Name: r.cfg.Runtime, Path: exe, Version: oci.Version()},
		Security: sysinfo.SecurityInfo{
			AppArmorEnabled: sysinfo.AppArmorEnabled(), DefaultCapabilities: strings.Join(spec.DefaultCapabilities(), ","),
			Rootless: r.cfg.Rootless, SECCOMPEnabled: sysinfo.SeccompEnabled(), SELinuxEnabled: spec.SELinuxEnabled(),
		},
		Linkmode: sysinfo.Linkmode(),
	}
	h.Hostname, _ = os.Hostname()
	h.MemTotal, h.MemFree, h.SwapTotal, h.SwapFree = sysinfo.Memory()
	var err error
	if r.cfg.Rootless {
		if h.IDMappings, err = sysinfo.OwnIDMappings(); err != nil {
			slog.Warn("reading the rootless ID mappings", "err", err)
		}
		// pasta is a user's default network; its path as podman reports it.
		h.RootlessNetworkCmd = define.NetworkPasta
		h.Pasta.Executable, _ = exec.LookPath(pasta.Binary)
		h.Slirp4NetNS.Executable, _ = exec.LookPath(slirp.Binary)
		h.RootlessCheckpoint = rootless.CheckCRIUHelper(rootless.CRIUHelper, rootless.UID()).String()
	}
	if h.CPUUtilization, err = sysinfo.CPUUtilization(); err != nil {
		slog.Warn("reading the host's CPU use", "err", err)
	}
	if h.Uptime, err = sysinfo.Uptime(); err != nil {
		slog.Warn("reading the host's uptime", "err", err)
	}
	if ci, err := criu.Probe(); err != nil {
		h.CRIU, h.CRIUError = ci, err.Error()
	} else {
		h.CRIU = ci
	}
	return h
}

// Reset removes every container (forcibly), image and volume, then
// everything under Root and RunRoot: `podlite system reset`. It keeps
// going past failures and returns them joined.
func (r *Runtime) Reset() error {
	ctx := context.Background()
	var errs []error
	// Pods first: each removes its containers, the infra last.
	pods, err := r.Pods()
	if err != nil {
		return err
	}
	for _, p := range pods {
		if err := r.RemovePod(ctx, p.ID(), true, nil); err != nil && !errors.Is(err, define.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	ctrs, err := r.Containers()
	if err != nil {
		return err
	}
	for _, c := range ctrs {
		if err := r.RemoveContainer(ctx, c.ID(), true, true); err != nil && !errors.Is(err, define.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		// The records of the containers not removed are what a retry
		// needs (their networks, mounts): wiping the root would lose them.
		return fmt.Errorf("resetting storage: %w; nothing else was reset, run system reset again to retry", errors.Join(errs...))
	}
	if _, rmErrs := r.RemoveImages(ctx, nil, RemoveImagesOptions{All: true, Force: true}); len(rmErrs) > 0 {
		errs = append(errs, rmErrs...)
	}
	vols, err := r.store.AllVolumes()
	if err != nil {
		errs = append(errs, err)
	}
	for _, v := range vols {
		if err := r.RemoveVolume(v.Name, true, nil); err != nil && !errors.Is(err, define.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	// Networks go after the containers that used them, unless other
	// roots of the domain still hold addresses on them (an ordinary
	// user's rootless network namespace goes with them).
	switch mgr, err := r.Network(); {
	case err != nil:
		errs = append(errs, err)
	default:
		inUse, err := mgr.RemoveUnused()
		if err != nil {
			errs = append(errs, err)
		}
		for _, name := range inUse {
			r.noteNetworkInUse(name)
		}
	}
	// Release the image store for good: shutting it down again later
	// would recreate its lock files under the emptied directories.
	r.Shutdown()
	r.storage, r.storageErr = nil, fmt.Errorf("the image store was reset: %w", define.ErrUnavailable)
	if err := network.ReleaseNamespaceDir(r.netnsDir()); err != nil {
		errs = append(errs, err)
	}
	// The domain's leases stay when they are under Root (the default
	// root's ROOT/networks): other roots may have some.
	if err := os.RemoveAll(r.networkCacheDir()); err != nil {
		errs = append(errs, err)
	}
	// An ordinary user's pause process holds the namespace this very
	// command runs in: its PID file and lock stay with it.
	keep := []string{r.networkStateDir(), rootless.PIDFile(r.cfg.RunRoot), rootless.LockFile(r.cfg.RunRoot)}
	for _, dir := range []string{r.cfg.Root, r.cfg.RunRoot} {
		if err := removeContentsExcept(dir, keep...); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("resetting storage: %w", errors.Join(errs...))
	}
	return nil
}

// removeContentsExcept empties dir but for the paths in keep and the
// directories leading to them.
func removeContentsExcept(dir string, keep ...string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	var errs []error
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		kept, below := false, false
		for _, k := range keep {
			k = filepath.Clean(k)
			kept = kept || path == k
			below = below || strings.HasPrefix(k, path+"/")
		}
		switch {
		case kept:
		case below && e.IsDir():
			errs = append(errs, removeContentsExcept(path, keep...))
		default:
			if err := os.RemoveAll(path); err != nil {
				errs = append(errs, fmt.Errorf("removing %s: %w", path, err))
			}
		}
	}
	return errors.Join(errs...)
}

// SystemPruneOptions select what SystemPrune removes.
type SystemPruneOptions struct {
	// All prunes every image no container uses, not only dangling ones.
	All bool
	// Volumes prunes the volumes no container uses too.
	Volumes bool
	// Filters (label, label!, until) apply to every kind.
	Filters []string
}

// SystemPruneReport lists what SystemPrune removed, by kind, and the space
// that freed: containers' read-write layers, volumes and images, as
// podman's "Total reclaimed space" counts it.
type SystemPruneReport struct {
	Containers, Volumes, Networks, Images []string
	ReclaimedSpace                        int64
}

// SystemPrune removes stopped containers, then (with Volumes) unused
// volumes, unused networks and unused images, as podman's system prune.
// It goes on past a kind that failed, except past a bad filter, which the
// first kind refuses; the errors are returned joined.
func (r *Runtime) SystemPrune(ctx context.Context, o SystemPruneOptions) (*SystemPruneReport, error) {
	rep := &SystemPruneReport{}
	var errs []error
	step := func(prune func() ([]string, int64, error), into *[]string) {
		if len(errs) > 0 && errors.Is(errs[0], define.ErrInvalidArg) {
			return
		}
		ids, size, err := prune()
		*into, rep.ReclaimedSpace = ids, rep.ReclaimedSpace+size
		errs = append(errs, err)
	}
	step(func() ([]string, int64, error) { return r.pruneContainers(o.Filters) }, &rep.Containers)
	if o.Volumes {
		step(func() ([]string, int64, error) { return r.pruneVolumes(o.Filters) }, &rep.Volumes)
	}
	step(func() ([]string, int64, error) {
		ids, err := r.PruneNetworks(o.Filters...)
		return ids, 0, err
	}, &rep.Networks)
	step(func() ([]string, int64, error) { return r.pruneImages(ctx, o.All, o.Filters) }, &rep.Images)
	return rep, errors.Join(errs...)
}

// DiskUsage gathers `system df`'s report from what `images`, `ps --size`
// and `volume ls` compute, and the store's per-image split into shared
// and unique data.
func (r *Runtime) DiskUsage(ctx context.Context) (*sysinfo.DfReport, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	usage, total, err := store.DiskUsage()
	if err != nil {
		return nil, err
	}
	sums, err := r.ImageSummaries(ctx, nil)
	if err != nil {
		return nil, err
	}
	rows, err := ImageRows(sums, "")
	if err != nil {
		return nil, err
	}
	d := &sysinfo.DfReport{ImagesSize: total, Images: []sysinfo.DfImage{}}
	for _, row := range rows {
		u := usage[row.ID]
		d.Images = append(d.Images, sysinfo.DfImage{Repository: row.Repository, Tag: row.Tag, ImageID: row.ID,
			Created: row.Image.Created, Size: u.SharedSize + u.UniqueSize, SharedSize: u.SharedSize,
			UniqueSize: u.UniqueSize, Containers: row.Containers})
	}
	if d.Containers, err = r.containersDiskUsage(); err != nil {
		return nil, err
	}
	if d.Volumes, err = r.volumesDiskUsage(); err != nil {
		return nil, err
	}
	return d, nil
}

func (r *Runtime) containersDiskUsage() ([]sysinfo.DfContainer, error) {
	listed, err := r.ListContainers(ListOptions{All: true, Size: true, Mounts: true})
	if err != nil {
		return nil, err
	}
	out := make([]sysinfo.DfContainer, 0, len(listed))
	for _, l := range listed {
		c := sysinfo.DfContainer{ContainerID: l.ID, Image: l.ImageID, Command: l.Command,
			LocalVolumes: len(l.Mounts), Created: l.Created, Status: l.State, Names: strings.Join(l.Names, ",")}
		if l.Size != nil {
			c.RWSize, c.Size = l.Size.RwSize, l.Size.RootFsSize
		}
		out = append(out, c)
	}
	return out, nil
}

func (r *Runtime) volumesDiskUsage() ([]sysinfo.DfVolume, error) {
	vols, err := r.Volumes()
	if err != nil {
		return nil, err
	}
	users, err := r.volumeUsers()
	if err != nil {
		return nil, err
	}
	out := make([]sysinfo.DfVolume, 0, len(vols))
	for _, v := range vols {
		size, err := storage.DirSize(v.Mountpoint)
		if err != nil {
			slog.Warn("measuring a volume", "volume", v.Name, "error", err)
		}
		dv := sysinfo.DfVolume{VolumeName: v.Name, Links: len(users[v.Name]), Size: size}
		if dv.Links == 0 {
			dv.ReclaimableSize = size
		}
		out = append(out, dv)
	}
	return out, nil
}

// Migrate makes an ordinary user's next command build the rootless
// namespace again, as podman's system migrate does after /etc/subuid or
// /etc/subgid changed: it stops the user's containers (they run in the
// old namespace) and ends the pause process. As root there is nothing to
// migrate.
func (r *Runtime) Migrate(ctx context.Context) error {
	if !r.cfg.Rootless {
		return nil
	}
	ctrs, err := r.Containers()
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range ctrs {
		if err := c.Stop(ctx, nil); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("migrating: %w; the rootless namespace stays", errors.Join(errs...))
	}
	return rootless.StopPause(r.cfg.RunRoot)
}
