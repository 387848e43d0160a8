package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/moby/sys/user"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// FileFlags are the flags that change the files podlite mounts into a
// container.
type FileFlags struct {
	NoReadOnlyTmpfs, NoHosts, NoHostname bool
	ChrootDirs                           []string
}

// refuseFlags refuses the flags that cannot mean anything here, in one
// line each.
func refuseFlags(f *ShapeFlags) error {
	var why string
	switch {
	case len(f.GPUs) > 0:
		why = "--gpus is not supported: podlite has no GPU device support; pass the device nodes with --device"
	case f.RDTClass != "":
		why = "--rdt-class is not supported: podlite does not manage resctrl classes"
	case len(f.IP6) > 0:
		why = "--ip6 is not supported: podlite's networks assign no static IPv6 addresses"
	case len(f.LinkLocalIP) > 0:
		why = "--link-local-ip is not supported (podman does not implement it either)"
	case len(f.NetworkAliases) > 0:
		why = "--network-alias is not supported: podlite's networks have no DNS server to answer aliases"
	case slices.Contains(f.GroupAdd, "keep-groups"):
		why = "--group-add keep-groups is only supported in rootless mode"
	}
	if why != "" {
		return fmt.Errorf("%s: %w", why, define.ErrNotSupported)
	}
	if f.SeccompPolicy != "" && f.SeccompPolicy != "default" && f.SeccompPolicy != "image" {
		return badFlag("--seccomp-policy", f.SeccompPolicy, "use default or image", define.ErrInvalidArg)
	}
	if h := f.HostsFile; h != "" && h != "none" && h != "image" {
		if !filepath.IsAbs(h) {
			return badFlag("--hosts-file", h, "use an absolute path, none or image", define.ErrInvalidArg)
		}
		if _, err := os.Stat(h); err != nil {
			return fmt.Errorf("--hosts-file %s: %w", h, define.ErrNotFound)
		}
	}
	for _, d := range f.ChrootDirs {
		if !filepath.IsAbs(d) {
			return badFlag("--chrootdirs", d, "the path must be absolute", define.ErrInvalidArg)
		}
	}
	return nil
}

// podliteFiles are the files podlite bind-mounts into every container,
// which --chrootdirs repeats in each chroot.
var podliteFiles = []string{"/etc/hosts", "/etc/hostname", "/etc/resolv.conf", "/run/.containerenv", "/etc/localtime"}

// withFiles applies --read-only-tmpfs (on by default: a read-only
// container gets tmpfs on /run, /tmp and /var/tmp, as podman gives),
// --no-hosts, --no-hostname and --chrootdirs.
func withFiles(g *generate.Generator, o *Options) {
	f := o.Shape.Files
	if o.ReadOnly && !f.NoReadOnlyTmpfs {
		for _, dest := range []string{"/run", "/tmp", "/var/tmp"} {
			if !slices.ContainsFunc(o.Mounts, func(m specs.Mount) bool { return m.Destination == dest }) {
				insertMount(g.Config, specs.Mount{Destination: dest, Type: "tmpfs", Source: "tmpfs", Options: []string{"rw", "rprivate", "nosuid", "nodev"}})
			}
		}
	}
	s := g.Config
	s.Mounts = slices.DeleteFunc(s.Mounts, func(m specs.Mount) bool {
		return f.NoHosts && m.Destination == "/etc/hosts" || f.NoHostname && m.Destination == "/etc/hostname"
	})
	for _, dir := range f.ChrootDirs {
		for _, m := range s.Mounts {
			if m.Type == "bind" && slices.Contains(podliteFiles, m.Destination) {
				m.Destination = filepath.Join(dir, m.Destination)
				m.Options = slices.Clone(m.Options)
				s.Mounts = append(s.Mounts, m)
			}
		}
	}
}

// AddGroups gives a finalized spec's process the --group-add groups,
// names resolved against the container's own /etc/group.
func AddGroups(s *specs.Spec, groups []string) error {
	if len(groups) == 0 {
		return nil
	}
	path, err := securejoin.SecureJoin(s.Root.Path, "/etc/group")
	if err != nil {
		return fmt.Errorf("resolving /etc/group: %w", err)
	}
	gids, err := user.GetAdditionalGroupsPath(groups, path)
	if err != nil {
		return fmt.Errorf("--group-add %v in the container: %v: %w", groups, err, define.ErrInvalidArg)
	}
	for _, gid := range gids {
		if !slices.Contains(s.Process.User.AdditionalGids, uint32(gid)) {
			s.Process.User.AdditionalGids = append(s.Process.User.AdditionalGids, uint32(gid))
		}
	}
	return nil
}
