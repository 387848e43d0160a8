package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// Namespace modes of --pid, --uts, --ipc, --cgroupns and --userns.
const (
	NSHost      = "host"
	NSPrivate   = "private"
	NSNone      = "none" // --ipc=none: a private namespace without /dev/shm
	NSPath      = "path"
	NSContainer = "container"
)

// ContainerPrefix marks a namespace path in a stored spec
// that names another container ("container:ID"); ResolveContainerPaths
// turns it into a /proc path of that container's process at each start.
const ContainerPrefix = "container:"

// Namespace is one parsed namespace flag.
type Namespace struct {
	Type specs.LinuxNamespaceType
	Mode string
	// Path is the namespace file (NSPath) or the other container's name,
	// replaced by its ID before the spec is generated (NSContainer).
	Path string
}

// Flag is the flag a namespace type comes from, for messages.
func (n Namespace) Flag() string {
	switch n.Type {
	case specs.CgroupNamespace:
		return "--cgroupns"
	case specs.UserNamespace:
		return "--userns"
	}
	return "--" + string(n.Type)
}

// cgroupsV2Probe exists on a host with the unified cgroup hierarchy.
var cgroupsV2Probe = "/sys/fs/cgroup/cgroup.controllers"

func parseNamespaces(f *ShapeFlags) ([]Namespace, error) {
	var out []Namespace
	if f.CgroupNS == "" {
		// podman's default: the host's on cgroups v1, a private one on v2.
		if _, err := os.Stat(cgroupsV2Probe); err == nil {
			out = append(out, Namespace{Type: specs.CgroupNamespace, Mode: NSPrivate})
		}
	}
	for _, flag := range []struct {
		typ   specs.LinuxNamespaceType
		value string
	}{
		{specs.PIDNamespace, f.PID}, {specs.UTSNamespace, f.UTS}, {specs.IPCNamespace, f.IPC},
		{specs.CgroupNamespace, f.CgroupNS}, {specs.UserNamespace, f.UserNS},
	} {
		if flag.value == "" {
			continue
		}
		ns, err := parseNamespace(flag.typ, flag.value)
		if err != nil {
			return nil, err
		}
		out = append(out, ns)
	}
	return out, nil
}

func parseNamespace(typ specs.LinuxNamespaceType, v string) (Namespace, error) {
	ns := Namespace{Type: typ}
	flag := ns.Flag()
	switch {
	case v == NSHost:
		ns.Mode = NSHost
	case v == NSPrivate && typ != specs.UserNamespace,
		v == "shareable" && typ == specs.IPCNamespace:
		ns.Mode = NSPrivate
	case v == NSNone && typ == specs.IPCNamespace:
		ns.Mode = NSNone
	case strings.HasPrefix(v, "ns:"):
		ns.Mode, ns.Path = NSPath, v[len("ns:"):]
		if !filepath.IsAbs(ns.Path) {
			return ns, badFlag(flag, v, "the namespace path must be absolute", define.ErrInvalidArg)
		}
		if _, err := os.Stat(ns.Path); err != nil {
			return ns, fmt.Errorf("%s %q: %w", flag, v, define.ErrNotFound)
		}
	case strings.HasPrefix(v, ContainerPrefix) && len(v) > len(ContainerPrefix):
		ns.Mode, ns.Path = NSContainer, v[len(ContainerPrefix):]
	case typ == specs.UserNamespace && (v == "keep-id" || strings.HasPrefix(v, "keep-id:") || v == "nomap"):
		mode, _, _ := strings.Cut(v, ":")
		return ns, fmt.Errorf("--userns=%s is only supported in rootless mode: %w", mode, define.ErrInvalidArg)
	case typ == specs.UserNamespace && (v == "auto" || strings.HasPrefix(v, "auto:")):
		return ns, fmt.Errorf("--userns=auto is not supported: podlite allocates no ID ranges from /etc/subuid; use --uidmap/--gidmap or --subuidname: %w", define.ErrNotSupported)
	default:
		return ns, badFlag(flag, v, "unknown namespace mode", define.ErrInvalidArg)
	}
	if typ == specs.UserNamespace && (ns.Mode == NSPath || ns.Mode == NSContainer) {
		return ns, fmt.Errorf("--userns=%s is not supported: the container's rootfs would need that namespace's ID mappings; use --uidmap/--gidmap: %w", v, define.ErrNotSupported)
	}
	return ns, nil
}

// nsMode is the mode asked for a namespace type, "" for the default.
func nsMode(nss []Namespace, typ specs.LinuxNamespaceType) string {
	for _, n := range nss {
		if n.Type == typ {
			return n.Mode
		}
	}
	return ""
}

// NamespaceMode is the mode o asks for a namespace type, "" for the
// default.
func (o *Options) NamespaceMode(typ specs.LinuxNamespaceType) string {
	if o.Shape == nil {
		return ""
	}
	return nsMode(o.Shape.Namespaces, typ)
}

func applyNamespaces(g *generate.Generator, o *Options, sh *Shape) error {
	for _, n := range sh.Namespaces {
		var err error
		switch n.Mode {
		case NSHost:
			err = g.RemoveLinuxNamespace(string(n.Type))
			if n.Type == specs.UTSNamespace {
				g.RemoveHostname()
			}
		case NSPrivate, NSNone:
			err = g.AddOrReplaceLinuxNamespace(string(n.Type), "")
		case NSPath:
			err = g.AddOrReplaceLinuxNamespace(string(n.Type), n.Path)
		case NSContainer:
			err = g.AddOrReplaceLinuxNamespace(string(n.Type), ContainerPrefix+n.Path)
		}
		if n.Type == specs.UTSNamespace && (n.Mode == NSPath || n.Mode == NSContainer) {
			g.RemoveHostname() // the joined namespace keeps its own name
		}
		if err != nil {
			return fmt.Errorf("%s: %w", n.Flag(), err)
		}
		if n.Type == specs.IPCNamespace {
			ipcShm(g, n)
		}
	}
	if len(sh.UIDMap) > 0 {
		if err := g.AddOrReplaceLinuxNamespace(string(specs.UserNamespace), ""); err != nil {
			return err
		}
		g.Config.Linux.UIDMappings = sh.UIDMap
		g.Config.Linux.GIDMappings = sh.GIDMap
	}
	return nil
}

// ipcShm gives /dev/shm its source for an IPC mode as podman does: none
// has no /dev/shm, host the host's. A container:ID mode's tmpfs is
// replaced at each start by the other container's (libpod's
// shareShmLocked).
func ipcShm(g *generate.Generator, n Namespace) {
	switch n.Mode {
	case NSNone:
		g.RemoveMount("/dev/shm")
	case NSHost:
		g.RemoveMount("/dev/shm")
		g.AddMount(specs.Mount{Destination: "/dev/shm", Type: "bind", Source: "/dev/shm", Options: []string{"rbind", "nosuid", "noexec", "nodev"}})
	}
}

// ResolveContainerPaths turns the "container:ID" namespace paths of a
// stored spec into paths of that container's running process, found by
// pidOf, for one start.
func ResolveContainerPaths(s *specs.Spec, pidOf func(id string) (int, error)) error {
	for i, ns := range s.Linux.Namespaces {
		id, ok := strings.CutPrefix(ns.Path, ContainerPrefix)
		if !ok {
			continue
		}
		pid, err := pidOf(id)
		if err != nil {
			return fmt.Errorf("joining the %s namespace of container %s: %w", ns.Type, id, err)
		}
		s.Linux.Namespaces[i].Path = fmt.Sprintf("/proc/%d/ns/%s", pid, nsFile(ns.Type))
	}
	return nil
}

// nsFile is a namespace type's file name under /proc/PID/ns.
func nsFile(t specs.LinuxNamespaceType) string {
	switch t {
	case specs.NetworkNamespace:
		return "net"
	case specs.MountNamespace:
		return "mnt"
	}
	return string(t)
}
