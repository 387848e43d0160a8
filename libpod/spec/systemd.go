package spec

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// SystemdStopSignal is SIGRTMIN+3, which makes systemd shut down.
const SystemdStopSignal = 37

// systemdInits are the commands --systemd=true takes for systemd.
var systemdInits = []string{"/sbin/init", "/usr/sbin/init", "/usr/local/sbin/init"}

func parseSystemd(mode, shmSize string) (int64, error) {
	switch mode {
	case "", "true", "false", "always":
	default:
		return 0, badFlag("--systemd", mode, "use true, false or always", define.ErrInvalidArg)
	}
	if shmSize == "" {
		return 0, nil
	}
	n, err := units.RAMInBytes(shmSize)
	if err != nil || n <= 0 {
		return 0, badFlag("--shm-size-systemd", shmSize, "not a size", define.ErrInvalidArg)
	}
	return n, nil
}

// RunsSystemd reports whether o's container runs in systemd mode: with
// --systemd=always, or by default (true) when its command is an init or
// systemd, as podman decides.
func (o *Options) RunsSystemd() bool {
	if o.Shape == nil || len(o.Args) == 0 {
		return false
	}
	switch o.Shape.Systemd {
	case "always":
		return true
	case "false":
		return false
	}
	return slices.Contains(systemdInits, o.Args[0]) || filepath.Base(o.Args[0]) == "systemd"
}

// withSystemd prepares what systemd needs as podman does: tmpfs on /run,
// /run/lock, /tmp and /var/log/journal (unless the user mounts them), a
// writable cgroup tree, and container_uuid.
func withSystemd(g *generate.Generator, o *Options) {
	if !o.RunsSystemd() {
		return
	}
	opts := []string{"rw", "rprivate", "nosuid", "nodev"}
	if n := o.Shape.ShmSizeSystemd; n > 0 {
		opts = append(opts, fmt.Sprintf("size=%dk", n/1024))
	}
	for _, dest := range []string{"/run", "/run/lock", "/tmp", "/var/log/journal"} {
		if slices.ContainsFunc(o.Mounts, func(m specs.Mount) bool { return m.Destination == dest }) {
			continue
		}
		g.RemoveMount(dest)
		insertMount(g.Config, specs.Mount{Destination: dest, Type: "tmpfs", Source: "tmpfs", Options: slices.Clone(opts)})
	}
	g.RemoveMount("/sys/fs/cgroup")
	g.AddMount(specs.Mount{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"private", "rw"}})
	g.AddLinuxMaskedPaths("/sys/fs/cgroup/systemd/release_agent")
	if !hasEnv(g.Config.Process.Env, "container_uuid") {
		g.AddProcessEnv("container_uuid", o.ID[:32])
	}
}

// insertMount puts m before the first mount below its destination (such
// as /run/.containerenv under /run), which it would hide otherwise.
func insertMount(s *specs.Spec, m specs.Mount) {
	prefix := m.Destination + "/"
	i := slices.IndexFunc(s.Mounts, func(o specs.Mount) bool { return strings.HasPrefix(o.Destination, prefix) })
	if i < 0 {
		i = len(s.Mounts)
	}
	s.Mounts = slices.Insert(s.Mounts, i, m)
}
