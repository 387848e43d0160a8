package spec

import (
	"log/slog"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/pkg/rootless"
)

// cgroupV1LimitsWarning is podman's warning, word for word, when an
// ordinary user's container asks for limits on a cgroup v1 host.
const cgroupV1LimitsWarning = "Resource limits are not supported and ignored on cgroups V1 rootless systems"

// withRootless shapes an ordinary user's container: on cgroup v1 the user
// can create no cgroup, so the container gets none (no cgroups path, which
// lets libcontainer tolerate the permission errors) and its limits are
// dropped with podman's warning, as podman does. The container shares the
// user's namespace, in which podlite is root: it needs no user namespace
// of its own.
func withRootless(g *generate.Generator, _ *Options) error {
	if !rootless.IsRootless() {
		return nil
	}
	bindSysWithoutNetNS(g.Config)
	if !rootless.GIDMapped(ttyGID) {
		dropDevptsGID(g.Config)
	}
	if cgroupV2() {
		return nil
	}
	l := g.Config.Linux
	l.CgroupsPath = ""
	if r := l.Resources; r != nil {
		if hasLimits(r) {
			slog.Warn(cgroupV1LimitsWarning)
		}
		// The device rules stay: libcontainer ignores them rootless,
		// and the container's device list is what it can open.
		l.Resources = &specs.LinuxResources{Devices: r.Devices}
	}
	return nil
}

// bindSysWithoutNetNS binds the host's /sys where the container keeps the
// host's network namespace: sysfs may only be mounted by the owner of the
// network namespace, which the user's namespace is not (podman does the
// same).
func bindSysWithoutNetNS(s *specs.Spec) {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace && ns.Path == "" {
			return
		}
	}
	for i, m := range s.Mounts {
		if m.Destination == "/sys" && m.Type == "sysfs" {
			s.Mounts[i] = specs.Mount{Destination: "/sys", Type: "bind", Source: "/sys",
				Options: []string{"rbind", "nosuid", "noexec", "nodev", "ro"}}
		}
	}
}

// ttyGID is the group devpts gives new terminals (gid=5).
const ttyGID = 5

// dropDevptsGID mounts devpts without gid=5, which the kernel refuses
// when the namespace does not map that group.
func dropDevptsGID(s *specs.Spec) {
	for i, m := range s.Mounts {
		if m.Type != "devpts" {
			continue
		}
		var opts []string
		for _, o := range m.Options {
			if o != "gid=5" {
				opts = append(opts, o)
			}
		}
		s.Mounts[i].Options = opts
	}
}

// hasLimits reports whether r limits anything besides devices.
func hasLimits(r *specs.LinuxResources) bool {
	return r.Memory != nil || r.CPU != nil || r.Pids != nil || r.BlockIO != nil ||
		len(r.HugepageLimits) > 0 || r.Network != nil || len(r.Rdma) > 0 || len(r.Unified) > 0
}

// cgroupV2 reports whether the host mounts the unified hierarchy.
func cgroupV2() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}
