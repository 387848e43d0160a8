package libpod

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/sysinfo"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/rootless"
)

// hostManifest records the checkpointing host in an archive's manifest.
func hostManifest(m *criu.Manifest) {
	m.CRIUVersion, _ = criu.Version()
	m.Kernel, m.Arch, m.CgroupVersion = sysinfo.Kernel(), runtime.GOARCH, sysinfo.CgroupsVersion()
	m.Rootless = rootless.IsRootless()
}

// CheckImport compares what an archive recorded with this host and
// returns every problem a restore --import would meet, before touching
// anything: CRIU, architecture, cgroup version, the image, the name, the
// saved addresses and the volumes. Differences that do not stop a restore
// (another kernel release) come back as notes.
func (r *Runtime) CheckImport(path string, opts ImportOptions) (problems, notes []string, err error) {
	meta, err := readArchiveMetadata(path)
	if err != nil {
		return nil, nil, err
	}
	m := meta.Manifest
	cfg, err := r.importedConfig(meta, path, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := criu.CheckVersion(); err != nil {
		problems = append(problems, err.Error())
	} else {
		if v, _ := criu.Version(); m.CRIUVersion > v {
			problems = append(problems, fmt.Sprintf("the checkpoint was taken with CRIU %s, newer than this host's %s", criu.FormatVersion(m.CRIUVersion), criu.FormatVersion(v)))
		}
		// ReadMetadata returns cpuinfo.img (Pack writes it first under
		// checkpoint/), so the check costs no unpacking of the archive.
		if meta.CPUInfo == nil {
			notes = append(notes, "the checkpoint records no CPU features: they are not checked")
		} else if err := criu.CheckCPUInfoImage(meta.CPUInfo); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if m.Arch != "" && m.Arch != runtime.GOARCH {
		problems = append(problems, fmt.Sprintf("the checkpoint is of %s processes; this host is %s", m.Arch, runtime.GOARCH))
	}
	if m.Rootless && !r.cfg.Rootless {
		problems = append(problems, "the checkpoint is of an ordinary user's container: restored by root its processes would run as root; restore it as a user")
	}
	if m.CgroupVersion != "" && m.CgroupVersion != sysinfo.CgroupsVersion() {
		problems = append(problems, fmt.Sprintf("the checkpoint was taken under cgroups %s; this host has %s", m.CgroupVersion, sysinfo.CgroupsVersion()))
	}
	if k := sysinfo.Kernel(); m.Kernel != "" && m.Kernel != k {
		notes = append(notes, fmt.Sprintf("the checkpoint was taken on kernel %s; this host runs %s", m.Kernel, k))
	}
	if store, err := r.Storage(); err != nil {
		problems = append(problems, err.Error())
	} else if _, err := store.Image(cfg.ImageID); err != nil {
		if _, err := store.Image(cfg.ImageName); err != nil {
			notes = append(notes, fmt.Sprintf("image %s is not on this host: the restore pulls it", cfg.ImageName))
		}
	}
	if _, err := r.store.LookupContainer(cfg.Name); err == nil {
		problems = append(problems, fmt.Sprintf("a container named %s exists already: use --name", cfg.Name))
	}
	problems = append(problems, r.missingNetworks(cfg)...)
	problems = append(problems, missingBindSources(cfg, r)...)
	saved, err := checkpoint.DecodeNetworkStatus(meta)
	if err != nil {
		problems = append(problems, err.Error())
	}
	if meta.Podman {
		for name, ns := range saved {
			_, dropped := r.addressesInSubnet(name, ns.Addresses)
			for _, a := range dropped {
				notes = append(notes, fmt.Sprintf("address %s is outside network %s here: the container gets a new one", a.IP, name))
			}
		}
	}
	if opts.Name == "" && opts.IP == "" && !opts.IgnoreStaticIP {
		problems = append(problems, r.heldAddresses(saved, cfg.ID)...)
	}
	if !opts.IgnoreVolumes {
		for _, v := range cfg.Volumes {
			if _, err := r.store.Volume(v); err == nil {
				notes = append(notes, fmt.Sprintf("volume %s exists here: the container uses it as it is, not the archive's copy", v))
			}
		}
	}
	return problems, notes, nil
}

// missingNetworks lists the networks the container joins that do not
// exist here (the default one is created on first use).
func (r *Runtime) missingNetworks(cfg *define.ContainerConfig) []string {
	if len(cfg.Network.Networks) == 0 {
		return nil // none, host, pasta...: no network manager to ask
	}
	mgr, err := r.Network()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, name := range slices.Sorted(maps.Keys(cfg.Network.Networks)) {
		if _, err := mgr.Network(name); err != nil && name != network.DefaultName {
			out = append(out, fmt.Sprintf("network %s does not exist here: create it first", name))
		}
	}
	return out
}

// missingBindSources lists bind mounts whose host path is missing here,
// apart from the files and volumes the import itself creates.
func missingBindSources(cfg *define.ContainerConfig, r *Runtime) []string {
	if cfg.Spec == nil {
		return nil
	}
	own := []string{filepath.Join(r.cfg.Root, "containers", cfg.ID) + "/", r.cfg.Volumes() + "/"}
	var out []string
	for _, m := range cfg.Spec.Mounts {
		if m.Type != "bind" || slices.ContainsFunc(own, func(p string) bool { return strings.HasPrefix(m.Source, p) }) {
			continue
		}
		if _, err := os.Stat(m.Source); err != nil {
			out = append(out, fmt.Sprintf("bind mount %s of %s is missing on this host", m.Source, m.Destination))
		}
	}
	return out
}

// heldAddresses lists the saved addresses another container holds here,
// in any root of the network domain.
func (r *Runtime) heldAddresses(st network.Status, id string) []string {
	if len(st) == 0 {
		return nil
	}
	mgr, err := r.Network()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for name, ns := range st {
		leases, err := mgr.Leases(name)
		if err != nil {
			out = append(out, err.Error())
			continue
		}
		for _, a := range ns.Addresses {
			ip, _, err := net.ParseCIDR(a.IP)
			if err != nil {
				continue
			}
			if owner, ok := leases[ip.String()]; ok && owner != id {
				out = append(out, fmt.Sprintf("address %s on network %s is held by another container here: use --ignore-static-ip", ip, name))
			}
		}
	}
	return out
}

// errChecksFailed wraps the count of problems CheckImport found.
var errChecksFailed = errors.New("the checkpoint cannot be restored here")

// ChecksFailed returns the error a failed preflight reports.
func ChecksFailed(n int) error {
	return fmt.Errorf("%w: %d problem(s) found: %w", errChecksFailed, n, define.ErrInvalidState)
}
