package libpod

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/spec"
)

// shapeOptions parses the namespace, device, resource and process flags
// into so, with the checks that need the rest of the command line: a
// --hostname in the host's UTS namespace, the containers of
// container:NAME modes (recorded by ID).
func (r *Runtime) shapeOptions(so *spec.Options, opts *CreateOptions) error {
	sh, err := spec.ParseShape(&opts.Shape, so.NetNS == define.NetworkHost, opts.Memory)
	if err != nil {
		return err
	}
	if opts.CPUs > 0 && sh.Resources.CPU != nil && (sh.Resources.CPU.Period != nil || sh.Resources.CPU.Quota != nil) {
		return fmt.Errorf("--cpu-period and --cpu-quota cannot be used with --cpus: %w", define.ErrInvalidArg)
	}
	for i, n := range sh.Namespaces {
		if n.Mode != spec.NSContainer {
			continue
		}
		other, err := r.LookupContainer(n.Path)
		if err != nil {
			return fmt.Errorf("%s container:%s: %w", n.Flag(), n.Path, err)
		}
		if n.Type == specs.IPCNamespace && other.config.Mounts.IPCPrivate {
			return define.Worded(define.ErrInvalidArg, fmt.Sprintf("joining IPC of container %s is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)", other.ID()))
		}
		sh.Namespaces[i].Path = other.ID()
	}
	so.Shape = sh
	if opts.Shape.NoHosts && len(opts.AddHost) > 0 {
		return fmt.Errorf("--no-hosts and --add-host cannot be set together: %w", define.ErrInvalidArg)
	}
	if opts.Shape.NoHosts && opts.Shape.HostsFile != "" {
		return fmt.Errorf("--no-hosts and --hosts-file cannot be set together: %w", define.ErrInvalidArg)
	}
	switch so.NamespaceMode(specs.UTSNamespace) {
	case spec.NSHost:
		if so.Hostname != "" {
			return fmt.Errorf("cannot set hostname when running in the host UTS namespace: %w", define.ErrInvalidArg)
		}
	case spec.NSContainer, spec.NSPath:
		if so.Hostname != "" {
			return fmt.Errorf("cannot set hostname when joining another UTS namespace: %w", define.ErrInvalidArg)
		}
	}
	return nil
}

// sharedUTS reports whether the container joins a UTS namespace it does
// not own (the host's or another's), whose name it keeps.
func sharedUTS(so *spec.Options) bool {
	m := so.NamespaceMode(specs.UTSNamespace)
	return m == spec.NSHost || m == spec.NSContainer || m == spec.NSPath
}

// applyShapeImage completes what the shaping flags decide once the
// image's config is merged: systemd mode's stop signal, SIGRTMIN+3, unless
// the user or the image chose one; the --group-add groups.
func applyShapeImage(cfg *define.ContainerConfig, so *spec.Options, opts *CreateOptions, imgStopSignal string) {
	if so.RunsSystemd() && opts.StopSignal == "" && imgStopSignal == "" {
		cfg.StopSignal = spec.SystemdStopSignal
	}
	cfg.GroupAdd, cfg.UserFiles = opts.Shape.GroupAdd, opts.Shape.UserFiles
	cfg.HostsFile = opts.Shape.HostsFile
	cfg.Mounts.IPCPrivate = opts.Shape.IPC == spec.NSPrivate
}

// hostsFileBase is the base of a container's /etc/hosts for --hosts-file:
// the file's text, nothing for "none", def for the default.
func hostsFileBase(hostsFile, def string) (string, error) {
	switch hostsFile {
	case "":
		return def, nil
	case "none":
		return "", nil
	}
	b, err := os.ReadFile(hostsFile)
	if err != nil {
		return "", fmt.Errorf("--hosts-file %s: %w", hostsFile, define.ErrNotFound)
	}
	return string(b), nil
}

// addUserEntries adds the --user, --passwd-entry, --group-entry and
// --hostuser lines to the rootfs mounted at mnt before its user is
// resolved.
func (c *Container) addUserEntries(s *specs.Spec, mnt string) error {
	return spec.AddUserEntries(mnt, s.Process.User.Username, s.Process.Cwd, c.config.UserFiles)
}

// proxyEnv are the host variables --http-proxy (on by default) copies.
var proxyEnv = []string{"http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "ftp_proxy", "FTP_PROXY", "no_proxy", "NO_PROXY"}

// shapeEnv joins the default and image environment base with the user's
// as podman 4.3.1 does: --env-merge values expanded against base and set
// over the user's; --unsetenv and --unsetenv-all removing from base only;
// the host's proxy variables under the rest (unless --http-proxy=false or
// --env-host), kept by --unsetenv-all.
func shapeEnv(base, user []string, opts *CreateOptions) []string {
	f := &opts.Shape
	lookup := map[string]string{}
	for _, kv := range base {
		k, v, _ := strings.Cut(kv, "=")
		lookup[k] = v
	}
	var merged []string
	for _, e := range f.EnvMerge {
		merged = append(merged, os.Expand(e, func(k string) string { return lookup[k] }))
	}
	base = slices.DeleteFunc(base, func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return f.UnsetEnvAll || slices.Contains(f.UnsetEnv, k)
	})
	if !f.NoHTTPProxy && !opts.EnvHost {
		var proxies []string
		for _, k := range proxyEnv {
			if v, ok := os.LookupEnv(k); ok {
				proxies = append(proxies, k+"="+v)
			}
		}
		base = mergeEnv(proxies, base)
	}
	return mergeEnv(mergeEnv(base, user), merged)
}

// prepareShapeLocked completes a finalized spec for one start: the
// namespaces a container shares with others (--pid, --ipc, --uts,
// --cgroupns container:NAME) point at those containers' running
// processes (with --ipc, its /dev/shm too), and a rootfs in a user
// namespace of its own is made reachable by its root.
func (c *Container) prepareShapeLocked(s *specs.Spec) error {
	for _, m := range s.Linux.UIDMappings {
		if m.ContainerID == 0 {
			if err := makeSearchable(s.Root.Path, m.HostID); err != nil {
				return err
			}
		}
	}
	// podman lists a chosen user's primary group among its groups too.
	if c.config.Spec.Process.User.Username != "" && !slices.Contains(s.Process.User.AdditionalGids, s.Process.User.GID) {
		s.Process.User.AdditionalGids = append([]uint32{s.Process.User.GID}, s.Process.User.AdditionalGids...)
	}
	if err := spec.AddGroupEntries(s.Root.Path, c.config.Spec.Process.User.Username, c.config.UserFiles); err != nil {
		return err
	}
	if err := spec.AddGroups(s, c.config.GroupAdd); err != nil {
		return err
	}
	pidOf := func(id string) (int, error) {
		other, err := c.rt.containerByID(id)
		if err != nil {
			return 0, err
		}
		if other.state.Status != define.StatusRunning {
			return 0, fmt.Errorf("container %s is not running: %w", other.config.Name, define.ErrInvalidState)
		}
		return other.state.PID, nil
	}
	if err := c.shareShmLocked(s, pidOf); err != nil {
		return err
	}
	return spec.ResolveContainerPaths(s, pidOf)
}

// makeSearchable adds the search bits to every directory above dir (dir
// included) that host user uid does not own, as podman does, so that the
// root of a user namespace can reach its rootfs (storage dirs are 0700).
func makeSearchable(dir string, uid uint32) error {
	for ; dir != "/"; dir = filepath.Dir(dir) {
		st, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("making the rootfs reachable in its user namespace: %w", err)
		}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Uid == uid {
			continue
		}
		if st.Mode().Perm()&0o111 != 0o111 {
			if err := os.Chmod(dir, st.Mode().Perm()|0o111); err != nil {
				return fmt.Errorf("making the rootfs reachable in its user namespace: %w", err)
			}
		}
	}
	return nil
}
