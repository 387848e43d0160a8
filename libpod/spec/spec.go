package spec

import (
	"fmt"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// Options is what a container's spec is generated from: the image's config
// already merged with the command line.
type Options struct {
	ID       string
	Hostname string
	// Args is the full command (entrypoint followed by cmd).
	Args    []string
	Env     []string
	WorkDir string
	// User is "user[:group]" by name or number; names are resolved against
	// the container's /etc/passwd by Finalize.
	User     string
	Terminal bool

	Privileged      bool
	CapAdd, CapDrop []string
	NoNewPrivileges bool
	ReadOnly        bool
	// Seccomp is "" for the default profile, "unconfined" or the path of
	// the profile file in Security.SeccompProfile.
	Seccomp string

	Mounts  []specs.Mount
	Ulimits []specs.POSIXRlimit
	// Memory is a byte limit, CPUs a number of CPUs, PidsLimit a task
	// count; zero means unlimited.
	Memory    int64
	CPUs      float64
	PidsLimit int64
	ShmSize   int64

	// NetNS is "" for a new network namespace, "host" for the host's, or a
	// path to join.
	NetNS       string
	CgroupsPath string
	// SELinuxOpts are --security-opt label=… values (user:, role:, type:,
	// level:, disable).
	SELinuxOpts []string
	// Security holds the other --security-opt values (security.go).
	Security
	Annotations map[string]string
	// Shape holds the parsed namespace, device, resource and process
	// flags (shape.go); nil for none.
	Shape *Shape
}

// defaultCaps is podman's default capability set.
var defaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP",
	"CAP_SETUID", "CAP_SYS_CHROOT",
}

var maskedPaths = []string{
	"/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats",
	"/sys/dev/block", "/sys/devices/virtual/powercap", "/sys/firmware",
	"/sys/fs/selinux", "/proc/interrupts",
}

var readonlyPaths = []string{
	"/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// Generate builds the spec for o.
func Generate(o *Options) (*specs.Spec, error) {
	if len(o.Args) == 0 {
		return nil, fmt.Errorf("no command specified for the container: %w", define.ErrInvalidArg)
	}
	g, err := generate.New("linux")
	if err != nil {
		return nil, fmt.Errorf("creating spec generator: %w", err)
	}
	g.HostSpecific = true
	for _, step := range []func(*generate.Generator, *Options) error{
		withProcess, withCapabilities, withMounts, withNamespaces, withResources, withRlimits, withShape, withRootless, withSystemPaths,
	} {
		if err := step(&g, o); err != nil {
			return nil, err
		}
	}
	s := g.Config
	if s.Linux.Seccomp, err = seccompFor(s, o); err != nil {
		return nil, err
	}
	securityAnnotations(&g, o)
	if err := withSELinux(s, o); err != nil {
		return nil, err
	}
	for k, v := range o.Annotations {
		g.AddAnnotation(k, v)
	}
	return s, nil
}

func withProcess(g *generate.Generator, o *Options) error {
	g.SetProcessArgs(o.Args)
	g.ClearProcessEnv()
	g.AddMultipleProcessEnv(o.Env)
	g.SetProcessCwd(o.WorkDir)
	g.SetProcessTerminal(o.Terminal)
	g.SetProcessNoNewPrivileges(o.NoNewPrivileges)
	g.SetHostname(o.Hostname)
	g.SetRootReadonly(o.ReadOnly)
	g.SetLinuxCgroupsPath(o.CgroupsPath)
	if o.User != "" {
		g.SetProcessUsername(o.User)
	}
	return nil
}

func withCapabilities(g *generate.Generator, o *Options) error {
	caps := map[string]bool{}
	if o.Privileged {
		for _, c := range allCaps() {
			caps[c] = true
		}
	} else {
		for _, c := range defaultCaps {
			caps[c] = true
		}
	}
	for _, c := range o.CapAdd {
		if strings.EqualFold(c, "all") {
			for _, c := range allCaps() {
				caps[c] = true
			}
			continue
		}
		name, err := capName(c)
		if err != nil {
			return err
		}
		caps[name] = true
	}
	for _, c := range o.CapDrop {
		if strings.EqualFold(c, "all") {
			caps = map[string]bool{}
			continue
		}
		name, err := capName(c)
		if err != nil {
			return err
		}
		delete(caps, name)
	}
	list := sortedKeys(caps)
	s := g.Config
	s.Process.Capabilities = &specs.LinuxCapabilities{
		Bounding: list, Effective: list, Permitted: list,
	}
	return nil
}

func withMounts(g *generate.Generator, o *Options) error {
	s := g.Config
	if o.ShmSize > 0 {
		for i := range s.Mounts {
			if s.Mounts[i].Destination == "/dev/shm" {
				s.Mounts[i].Options = replaceOption(s.Mounts[i].Options, "size=", fmt.Sprintf("size=%dk", o.ShmSize/1024))
			}
		}
	}
	// runtime-tools leaves out the cgroup mount podman gives every container.
	g.AddMount(specs.Mount{
		Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup",
		Options: []string{"nosuid", "noexec", "nodev", "relatime", "ro"},
	})
	if o.Privileged {
		for i := range s.Mounts {
			if s.Mounts[i].Destination == "/sys" || s.Mounts[i].Destination == "/sys/fs/cgroup" {
				s.Mounts[i].Options = removeOption(s.Mounts[i].Options, "ro")
			}
		}
	} else {
		s.Linux.MaskedPaths = append([]string(nil), maskedPaths...)
		s.Linux.ReadonlyPaths = append([]string(nil), readonlyPaths...)
	}
	for _, m := range o.Mounts {
		// A user mount replaces a default one at the same destination.
		g.RemoveMount(m.Destination)
		g.AddMount(m)
	}
	return nil
}

func withNamespaces(g *generate.Generator, o *Options) error {
	switch o.NetNS {
	case "":
	case "host":
		if err := g.RemoveLinuxNamespace("network"); err != nil {
			return err
		}
	default:
		if err := g.AddOrReplaceLinuxNamespace("network", o.NetNS); err != nil {
			return err
		}
	}
	if o.Hostname == "" && o.NetNS == "host" {
		g.RemoveHostname()
	}
	return nil
}

func withResources(g *generate.Generator, o *Options) error {
	if o.Privileged {
		g.Config.Linux.Resources.Devices = []specs.LinuxDeviceCgroup{{Allow: true, Access: "rwm"}}
	}
	if o.Memory > 0 {
		g.SetLinuxResourcesMemoryLimit(o.Memory)
	}
	if o.CPUs > 0 {
		const period = 100000
		g.SetLinuxResourcesCPUPeriod(period)
		g.SetLinuxResourcesCPUQuota(int64(o.CPUs * period))
	}
	if o.PidsLimit > 0 {
		g.SetLinuxResourcesPidsLimit(o.PidsLimit)
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func replaceOption(opts []string, prefix, value string) []string {
	out := removeOptionPrefix(opts, prefix)
	return append(out, value)
}

func removeOptionPrefix(opts []string, prefix string) []string {
	var out []string
	for _, o := range opts {
		if !strings.HasPrefix(o, prefix) {
			out = append(out, o)
		}
	}
	return out
}

func removeOption(opts []string, opt string) []string {
	var out []string
	for _, o := range opts {
		if o != opt {
			out = append(out, o)
		}
	}
	return out
}
