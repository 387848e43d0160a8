package spec

import (
	"fmt"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// ShapeFlags are the raw run/create flags that shape the spec beyond the
// basic ones of Options: namespaces and ID mappings, devices, resources
// and process settings. ParseShape checks them before anything is created.
type ShapeFlags struct {
	// PID, UTS, IPC, CgroupNS and UserNS are --pid, --uts, --ipc,
	// --cgroupns and --userns as podman writes them.
	PID, UTS, IPC, CgroupNS, UserNS string
	// UIDMap and GIDMap are --uidmap/--gidmap CONTAINER:HOST:SIZE values;
	// SubUIDName and SubGIDName name /etc/subuid and /etc/subgid entries.
	UIDMap, GIDMap         []string
	SubUIDName, SubGIDName string

	// Devices are --device HOST[:CONTAINER][:PERMS]; DeviceCgroupRules
	// --device-cgroup-rule "TYPE MAJOR:MINOR ACCESS".
	Devices, DeviceCgroupRules []string

	Resources ResourceFlags
	// CgroupParent is --cgroup-parent; Cgroups --cgroups (enabled,
	// no-conmon, disabled, split); CgroupConf --cgroup-conf KEY=VALUE.
	CgroupParent, Cgroups string
	CgroupConf            []string

	// OOMScoreAdj is --oom-score-adj when given.
	OOMScoreAdj *int
	// Sysctls are --sysctl KEY=VALUE; Umask is --umask (octal);
	// Personality is --personality (LINUX or LINUX32).
	Sysctls     []string
	Umask       string
	Personality string
	// Systemd is --systemd (true, false, always); ShmSizeSystemd
	// --shm-size-systemd, the size of its tmpfs mounts.
	Systemd, ShmSizeSystemd string
	// UnsetEnv, UnsetEnvAll and EnvMerge are --unsetenv, --unsetenv-all
	// and --env-merge; NoHTTPProxy is --http-proxy=false.
	UnsetEnv    []string
	UnsetEnvAll bool
	EnvMerge    []string
	NoHTTPProxy bool
	// GroupAdd are --group-add groups, names resolved at each start.
	GroupAdd []string
	// UserFiles are --passwd, --passwd-entry, --group-entry, --hostuser.
	UserFiles define.UserFiles
	// NoReadOnlyTmpfs is --read-only-tmpfs=false; NoHosts and NoHostname
	// are --no-hosts and --no-hostname; ChrootDirs are --chrootdirs.
	NoReadOnlyTmpfs, NoHosts, NoHostname bool
	// HostsFile is --hosts-file: a host path, none or image.
	HostsFile  string
	ChrootDirs []string
	// SeccompPolicy is --seccomp-policy (default; image is refused).
	SeccompPolicy string
	// IP6, LinkLocalIP and NetworkAliases are refused: podlite's networks
	// hand out no static IPv6 addresses and have no DNS.
	IP6, LinkLocalIP, NetworkAliases []string
	// GPUs (--gpus) and RDTClass (--rdt-class) are refused: podlite has
	// no GPU support and the host no resctrl.
	GPUs     []string
	RDTClass string
}

// Shape is ShapeFlags checked and parsed.
type Shape struct {
	Namespaces []Namespace
	// UIDMap and GIDMap are the user namespace's mappings (empty: none).
	UIDMap, GIDMap []specs.LinuxIDMapping
	Devices        []specs.LinuxDevice
	DeviceRules    []specs.LinuxDeviceCgroup
	Resources      specs.LinuxResources
	CgroupParent   string
	OOMScoreAdj    *int
	Sysctls        map[string]string
	Umask          *uint32
	Personality    *specs.LinuxPersonality
	Systemd        string
	ShmSizeSystemd int64
	Files          FileFlags
}

// ParseShape checks and parses f; netHost tells whether the container
// shares the host's network namespace (for --sysctl's net.* keys), and
// memory is --memory (for --memory-swap's checks).
func ParseShape(f *ShapeFlags, netHost bool, memory int64) (*Shape, error) {
	s := &Shape{OOMScoreAdj: f.OOMScoreAdj, Systemd: f.Systemd,
		Files: FileFlags{NoReadOnlyTmpfs: f.NoReadOnlyTmpfs, NoHosts: f.NoHosts, NoHostname: f.NoHostname, ChrootDirs: f.ChrootDirs}}
	if err := refuseFlags(f); err != nil {
		return nil, err
	}
	var err error
	if s.Namespaces, err = parseNamespaces(f); err != nil {
		return nil, err
	}
	if s.UIDMap, s.GIDMap, err = parseIDMaps(f); err != nil {
		return nil, err
	}
	if s.Devices, s.DeviceRules, err = parseDevices(f.Devices, f.DeviceCgroupRules); err != nil {
		return nil, err
	}
	if err = parseResources(&f.Resources, memory, &s.Resources); err != nil {
		return nil, err
	}
	if s.CgroupParent, err = parseCgroups(f, &s.Resources); err != nil {
		return nil, err
	}
	if err = checkOOMScoreAdj(f.OOMScoreAdj); err != nil {
		return nil, err
	}
	if s.Sysctls, err = parseSysctls(f.Sysctls, netHost, nsMode(s.Namespaces, specs.UTSNamespace), nsMode(s.Namespaces, specs.IPCNamespace)); err != nil {
		return nil, err
	}
	if s.Umask, err = parseUmask(f.Umask); err != nil {
		return nil, err
	}
	if s.Personality, err = parsePersonality(f.Personality); err != nil {
		return nil, err
	}
	if s.ShmSizeSystemd, err = parseSystemd(f.Systemd, f.ShmSizeSystemd); err != nil {
		return nil, err
	}
	return s, nil
}

// withShape applies a parsed Shape to the spec.
func withShape(g *generate.Generator, o *Options) error {
	sh := o.Shape
	if sh == nil {
		return nil
	}
	if err := applyNamespaces(g, o, sh); err != nil {
		return err
	}
	if err := applyDevices(g, o, sh); err != nil {
		return err
	}
	applyResources(g.Config.Linux.Resources, &sh.Resources)
	if sh.CgroupParent != "" {
		g.SetLinuxCgroupsPath(filepath.Join(sh.CgroupParent, "podlite-"+o.ID))
	}
	if err := checkRtBudget(g.Config.Linux); err != nil {
		return err
	}
	p := g.Config.Process
	p.OOMScoreAdj = sh.OOMScoreAdj
	if sh.Umask != nil {
		p.User.Umask = sh.Umask
	}
	for k, v := range sh.Sysctls {
		g.AddLinuxSysctl(k, v)
	}
	g.Config.Linux.Personality = sh.Personality
	withSystemd(g, o)
	withFiles(g, o)
	return nil
}

func badFlag(flag, value, why string, class error) error {
	return fmt.Errorf("invalid %s %q: %s: %w", flag, value, why, class)
}
