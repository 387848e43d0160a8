package libpod

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// Info describes the host and the store, as `podlite info` shows them.
type Info struct {
	Host    HostInfo    `json:"host"`
	Store   StoreInfo   `json:"store"`
	Version VersionInfo `json:"version"`
}

// HostInfo is the host part of Info.
type HostInfo struct {
	Arch          string `json:"arch"`
	OS            string `json:"os"`
	Kernel        string `json:"kernel"`
	Hostname      string `json:"hostname"`
	CPUs          int    `json:"cpus"`
	MemTotal      int64  `json:"memTotal"`
	MemFree       int64  `json:"memFree"`
	CgroupVersion string `json:"cgroupVersion"`
	Rootless      bool   `json:"rootless"`
	// CRIU is what checkpoint/restore can use here; CRIUError says why
	// not when CRIU is missing or too old.
	CRIU      criu.Info `json:"criu"`
	CRIUError string    `json:"criuError,omitempty"`
}

// StoreInfo is the storage part of Info.
type StoreInfo struct {
	GraphRoot       string         `json:"graphRoot"`
	RunRoot         string         `json:"runRoot"`
	GraphDriverName string         `json:"graphDriverName"`
	ImageStore      ImageStoreInfo `json:"imageStore"`
	ContainerStore  ContainerCount `json:"containerStore"`
	VolumeCount     int            `json:"volumeCount"`
}

// ImageStoreInfo counts images.
type ImageStoreInfo struct {
	Number int `json:"number"`
}

// ContainerCount counts containers by state.
type ContainerCount struct {
	Number  int `json:"number"`
	Paused  int `json:"paused"`
	Running int `json:"running"`
	Stopped int `json:"stopped"`
}

// VersionInfo is the build part of Info; the CLI fills in Version.
type VersionInfo struct {
	Version   string `json:"Version"`
	GoVersion string `json:"GoVersion"`
	OsArch    string `json:"OsArch"`
}

// Info gathers host, store and build information.
func (r *Runtime) Info() (*Info, error) {
	info := &Info{
		Host: HostInfo{
			Arch: runtime.GOARCH, OS: runtime.GOOS, CPUs: runtime.NumCPU(),
			CgroupVersion: cgroupVersion(), Rootless: r.cfg.Rootless,
		},
		Version: VersionInfo{GoVersion: runtime.Version(), OsArch: runtime.GOOS + "/" + runtime.GOARCH},
	}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err == nil {
		info.Host.Kernel = unix.ByteSliceToString(uts.Release[:])
	}
	info.Host.Hostname, _ = os.Hostname()
	if ci, err := criu.Probe(); err != nil {
		info.Host.CRIU, info.Host.CRIUError = ci, err.Error()
	} else {
		info.Host.CRIU = ci
	}
	info.Host.MemTotal, info.Host.MemFree = memInfo()

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
	vols, err := r.store.AllVolumes()
	if err != nil {
		return nil, err
	}
	info.Store = StoreInfo{
		GraphRoot: filepath.Join(r.cfg.Root, "storage"), RunRoot: filepath.Join(r.cfg.RunRoot, "storage"),
		GraphDriverName: store.Driver(), ImageStore: ImageStoreInfo{Number: len(imgs)},
		ContainerStore: ContainerCount{Number: len(ctrs)}, VolumeCount: len(vols),
	}
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

func cgroupVersion() string {
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup", &st); err == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
		return "v2"
	}
	return "v1"
}

// memInfo returns MemTotal and MemAvailable from /proc/meminfo, in bytes.
func memInfo() (total, free int64) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(fields[1], 10, 64)
		switch fields[0] {
		case "MemTotal:":
			total = kb * 1024
		case "MemAvailable:":
			free = kb * 1024
		}
	}
	return total, free
}

// Reset removes every container (forcibly), image and volume, then
// everything under Root and RunRoot: `podlite system reset`. It keeps
// going past failures and returns them joined.
func (r *Runtime) Reset() error {
	ctx := context.Background()
	var errs []error
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
	// roots of the domain still hold addresses on them.
	if mgr, err := r.Network(); err != nil {
		errs = append(errs, err)
	} else {
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
	for _, dir := range []string{r.cfg.Root, r.cfg.RunRoot} {
		if err := removeContentsExcept(dir, r.networkStateDir()); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("resetting storage: %w", errors.Join(errs...))
	}
	return nil
}

// removeContentsExcept empties dir but for keep and the directories
// leading to it.
func removeContentsExcept(dir, keep string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("reading %s: %w", dir, err)
	}
	keep = filepath.Clean(keep)
	var errs []error
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case path == keep:
		case strings.HasPrefix(keep, path+"/") && e.IsDir():
			errs = append(errs, removeContentsExcept(path, keep))
		default:
			if err := os.RemoveAll(path); err != nil {
				errs = append(errs, fmt.Errorf("removing %s: %w", path, err))
			}
		}
	}
	return errors.Join(errs...)
}
