package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/health"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/crashpoint"
	"github.com/podlite/podlite/pkg/network/pasta"
)

// CreateOptions is everything `podlite create` and `run` accept. Slices
// of raw flag values (Volumes, Mounts, …) are parsed here, so that bad input
// fails before anything is created.
type CreateOptions struct {
	Name  string
	Image string
	// Command replaces the image's Cmd when non-empty.
	Command []string
	// Entrypoint replaces the image's Entrypoint when non-nil; "" clears it.
	Entrypoint *string
	Env        []string
	WorkDir    string
	User       string
	Hostname   string

	Interactive, TTY bool

	Volumes []string
	Mounts  []string
	Tmpfs   []string
	Labels  map[string]string

	Memory    int64
	CPUs      float64
	PidsLimit int64
	ShmSize   int64
	Ulimits   []string

	StopSignal  string
	StopTimeout *uint
	Restart     string
	Init        bool
	LogDriver   string
	// Network is --network; IP and MAC are --ip and --mac-address.
	Network, IP, MAC string
	// Publish are -p values; PublishAll publishes the image's exposed ports
	// and Expose to random host ports (-P).
	Publish    []string
	PublishAll bool
	Expose     []string
	DNS        []string
	DNSSearch  []string
	DNSOption  []string
	AddHost    []string

	Privileged      bool
	ReadOnly        bool
	CapAdd, CapDrop []string
	SecurityOpt     []string

	AutoRemove bool
	// RemoveImage (--rmi) removes the image once the --rm container is
	// gone, unless another container uses it.
	RemoveImage bool
	// Replace removes an existing container of the same name first.
	Replace       bool
	CreateCommand []string

	// EnvFiles are --env-file paths, read in order under Env; EnvHost
	// copies the host's environment under both.
	EnvFiles []string
	EnvHost  bool
	// LabelFiles are --label-file paths, read in order under Labels.
	LabelFiles []string
	// Annotations are --annotation KEY=VALUE values for the OCI spec.
	Annotations []string
	// Timezone is --tz: "local" or an IANA zone, /etc/localtime inside.
	Timezone string
	// CIDFile receives the new container's ID and must not exist yet.
	CIDFile string
	// PidFile and ConmonPidFile receive the container's and its
	// supervisor's PID at every start.
	PidFile, ConmonPidFile string
	// Pull is the pull policy: always, missing (the default), never or
	// newer; PullOptions tune the pull.
	Pull        string
	PullOptions storage.PullOptions
	// Engine names the engine in /run/.containerenv ("podlite-VERSION").
	Engine string
	// IO are the log options, --timeout, --init-path and the mounts
	// taken from elsewhere (container_create_io.go).
	IO IOOptions
	// Health are the --health-* flags.
	Health health.Options
	// Secrets are --secret values.
	Secrets []string
	// Shape holds the namespace, device, resource and process flags.
	Shape spec.ShapeFlags
	// Pod is --pod: the pod the container joins, or new:NAME for a new
	// one (pod_member.go).
	Pod string
	// infraOf is the ID of the pod whose infra container this is.
	infraOf string
	// takesPortsOf is a container whose host ports this one may publish
	// too: the infra of the pod that pod clone --destroy replaces.
	takesPortsOf string
}

// CreateContainer creates a container from opts: its rootfs in storage, its
// generated spec and its record. On any error nothing is left behind.
func (r *Runtime) CreateContainer(ctx context.Context, opts *CreateOptions) (_ *Container, retErr error) {
	undoPod, err := r.newPodFor(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			undoPod()
		}
	}()
	podID, unlockPod, err := r.joinPod(opts)
	if err != nil {
		return nil, err
	}
	defer unlockPod()
	cfg, specOpts, mounts, err := r.containerConfig(opts)
	if err != nil {
		return nil, err
	}
	cfg.Pod = podID
	if opts.Replace && opts.Name != "" {
		if old, err := r.LookupContainer(opts.Name); err == nil && old.Name() == opts.Name {
			if err := r.RemoveContainer(ctx, old.ID(), true, false); err != nil {
				return nil, fmt.Errorf("replacing container %s: %w", opts.Name, err)
			}
		}
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	img, err := r.createImage(ctx, store, opts)
	if err != nil {
		return nil, err
	}
	if cfg.Health, err = r.healthConfig(ctx, store, img.ID, opts.Health); err != nil {
		return nil, err
	}
	cidDone, err := createCIDFile(opts.CIDFile)
	if err != nil {
		return nil, err
	}
	defer func() { cidDone(cfg.ID, retErr) }()
	// The new ID's lock is held until the record is stored (or everything
	// is undone), so that RemoveOrphans never takes a create in progress
	// for the leftovers of a crashed one.
	unlock, err := r.lockNewContainer(cfg.ID)
	if err != nil {
		return nil, err
	}
	defer func() { unlock(retErr != nil) }()
	applyImageConfig(cfg, specOpts, opts, img.Config.Env, img.Config.Entrypoint, img.Config.Cmd, img.Config.WorkingDir, img.Config.User, img.Config.StopSignal)
	applyShapeImage(cfg, specOpts, opts, img.Config.StopSignal)
	if err := specOpts.UseImageSeccomp(opts.Shape.SeccompPolicy, img.Config.Labels); err != nil {
		return nil, err
	}
	cfg.ImageName, cfg.ImageID = opts.Image, img.ID
	if len(cfg.Command) == 0 {
		return nil, fmt.Errorf("no command or entrypoint specified for image %s: %w", opts.Image, define.ErrInvalidArg)
	}

	from, err := r.volumesFromMounts(opts.IO.VolumesFrom, mounts)
	if err != nil {
		return nil, err
	}
	if mounts, cfg.Mounts.Images, err = splitImageMounts(store, mounts); err != nil {
		return nil, err
	}
	cfg.Mounts.UserVolumes = userVolumes(mounts, cfg.Mounts.Images, from)
	mounts, imageVolumes, err := imageVolumeMounts(opts.IO.ImageVolume, append(mounts, from...), img.Config.Volumes)
	if err != nil {
		return nil, err
	}
	vols, mounts, err := r.resolveVolumes(mounts, imageVolumes)
	if err != nil {
		return nil, err
	}
	defer func() { vols.release(retErr != nil) }()
	cfg.Volumes, cfg.AnonymousVolumes = vols.names(mounts), vols.anonymous
	for _, m := range mounts {
		specOpts.Mounts = append(specOpts.Mounts, m.Mount)
	}

	if err := ensureDir(filepath.Join(r.cfg.Root, "containers", cfg.ID)); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			if err := os.RemoveAll(filepath.Join(r.cfg.Root, "containers", cfg.ID)); err != nil {
				slog.Warn("cleaning up the files of a failed create", "container", cfg.Name, "error", err)
			}
		}
	}()
	c := &Container{rt: r, config: cfg}
	if err := r.finishNetworkConfig(cfg, opts, img.Config.ExposedPorts); err != nil {
		return nil, err
	}
	if err := c.addSecrets(specOpts, opts.Secrets); err != nil {
		return nil, err
	}
	if err := c.generateSpec(specOpts, mounts); err != nil {
		return nil, err
	}
	crashpoint.Hit(crashpoint.CreateFilesWritten)

	if err := r.addRootfsAndRecord(store, cfg, img.ID, opts.Name == ""); err != nil {
		return nil, err
	}
	crashpoint.Hit(crashpoint.CreateStateSaved)
	c.newEvent(events.Create)
	return r.containerByID(cfg.ID)
}

// addRootfsAndRecord creates the new container's rootfs layer and stores
// its record, deleting the layer again if the record cannot be stored.
func (r *Runtime) addRootfsAndRecord(store *storage.Store, cfg *define.ContainerConfig, imageID string, generatedName bool) (retErr error) {
	if cfg.IO.Rootfs != "" { // --rootfs: nothing in storage
		return r.addContainerWithName(cfg, &define.ContainerState{Status: define.StatusCreated}, generatedName)
	}
	storageID, err := store.CreateContainerMapped(cfg.ID, imageID, cfg.Spec.Linux.UIDMappings, cfg.Spec.Linux.GIDMappings)
	if err != nil {
		return fmt.Errorf("creating the rootfs of %s: %w", cfg.Name, err)
	}
	cfg.StorageID = storageID
	defer func() {
		if retErr != nil {
			if err := store.DeleteContainer(storageID); err != nil {
				slog.Warn("cleaning up the rootfs of a failed create", "container", cfg.Name, "error", err)
			}
		}
	}()
	crashpoint.Hit(crashpoint.CreateRootfsCreated)
	if err := r.copyUpImageVolumes(store, cfg); err != nil {
		return err
	}
	return r.addContainerWithName(cfg, &define.ContainerState{Status: define.StatusCreated}, generatedName)
}

// lockNewContainer takes the lock of a container being created. The
// returned function releases it, freeing the lock file too when the create
// failed and left no container behind.
func (r *Runtime) lockNewContainer(id string) (func(failed bool), error) {
	l, err := r.locks.Locker(id)
	if err != nil {
		return nil, err
	}
	if err := l.Lock(); err != nil {
		return nil, fmt.Errorf("locking new container %s: %w", id, err)
	}
	return func(failed bool) {
		if failed {
			if err := r.locks.Free(id); err != nil {
				slog.Warn("freeing the lock of a failed create", "container", id, "error", err)
			}
		}
		if err := l.Unlock(); err != nil {
			slog.Warn("unlocking a new container", "container", id, "error", err)
		}
	}, nil
}

// addContainerWithName stores the container, picking another random name
// when a generated one is taken.
func (r *Runtime) addContainerWithName(cfg *define.ContainerConfig, st *define.ContainerState, generated bool) error {
	for range 100 {
		err := r.store.AddContainer(cfg, st)
		if err == nil || !generated || !errors.Is(err, define.ErrExists) {
			return err
		}
		cfg.Name = names.Random()
	}
	return fmt.Errorf("could not find a free container name: %w", define.ErrExists)
}

// containerConfig validates opts and turns them into a config and spec
// options, touching nothing on disk.
func (r *Runtime) containerConfig(opts *CreateOptions) (*define.ContainerConfig, *spec.Options, []spec.Mount, error) {
	if opts.Image == "" && opts.IO.Rootfs == "" {
		return nil, nil, nil, fmt.Errorf("an image is required: %w", define.ErrInvalidArg)
	}
	id := names.NewID()
	name, err := names.Clean(opts.Name)
	switch {
	case opts.Name == "":
		name = names.Random()
	case err != nil:
		// podman's words, which scripts match.
		return nil, nil, nil, fmt.Errorf("running container create option: %w", err)
	}
	restart, err := parseRestartPolicy(opts.Restart)
	if err != nil {
		return nil, nil, nil, err
	}
	if opts.AutoRemove && restart.Name != "no" && restart.Name != "" {
		return nil, nil, nil, fmt.Errorf("the --rm option conflicts with --restart %s: %w", opts.Restart, define.ErrInvalidArg)
	}
	netChoice, ports, err := networkFlags(opts, r.cfg.Rootless)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := r.checkRootlessNetwork(netChoice, ports); err != nil {
		return nil, nil, nil, err
	}
	netMode := netChoice.Mode
	mounts, err := mountFlags(opts)
	if err != nil {
		return nil, nil, nil, err
	}
	so, err := specOptions(opts, id, netChoice.NetNS)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := r.shapeOptions(so, opts); err != nil {
		return nil, nil, nil, err
	}
	labels, err := runFlags(opts)
	if err != nil {
		return nil, nil, nil, err
	}
	if so.Hostname == "" && netMode != "host" && !sharedUTS(so) {
		so.Hostname = id[:12]
	}
	cfg := &define.ContainerConfig{
		ID: id, Name: name, Labels: labels, CreatedAt: time.Now(),
		RestartPolicy: restart, AutoRemove: opts.AutoRemove, Interactive: opts.Interactive,
		Terminal: opts.TTY, Init: opts.Init, NetworkMode: netMode,
		Network: define.NetworkConfig{Networks: netChoice.Networks, Ports: ports, NetworkOptions: netChoice.NetworkOptions, DNSServers: opts.DNS,
			DNSSearch: opts.DNSSearch, DNSOptions: opts.DNSOption, HostAdd: opts.AddHost},
		StopTimeout: 10, CreateCommand: opts.CreateCommand, RemoveImage: opts.RemoveImage,
		Timezone: opts.Timezone, PidFile: absPath(opts.PidFile), ConmonPidFile: absPath(opts.ConmonPidFile),
		CIDFile: absPath(opts.CIDFile), Privileged: opts.Privileged, Engine: opts.Engine,
	}
	if opts.StopTimeout != nil {
		cfg.StopTimeout = *opts.StopTimeout
	}
	if err := r.ioConfig(cfg, opts); err != nil {
		return nil, nil, nil, err
	}
	return cfg, so, mounts, nil
}

// generateSpec writes the new container's etc and run files, adds them and --init
// to the spec options, generates its spec and relabels its mounts.
func (c *Container) generateSpec(specOpts *spec.Options, mounts []spec.Mount) error {
	etcMounts, err := c.writeEtcFiles(specOpts.Hostname)
	if err != nil {
		return err
	}
	runMounts, err := c.runFileMounts()
	if err != nil {
		return err
	}
	specOpts.Mounts = append(append(etcMounts, runMounts...), specOpts.Mounts...)
	if c.config.Init {
		m, err := initMount(c.initPath())
		if err != nil {
			return err
		}
		specOpts.Mounts = append(specOpts.Mounts, m)
		specOpts.Args = append([]string{initTarget, "--"}, specOpts.Args...)
	}
	if c.config.Spec, err = spec.Generate(specOpts); err != nil {
		return err
	}
	for _, m := range mounts {
		if err := spec.Relabel(m, c.config.Spec.Linux.MountLabel); err != nil {
			return err
		}
	}
	return nil
}

// checkRootlessNetwork stops an ordinary user's container that would
// join CNI networks (podlite cannot make them without root yet) or publish
// a port the user cannot bind, and root's on pasta (an ordinary user's
// network here).
func (r *Runtime) checkRootlessNetwork(c netconf.Choice, ports []define.PortMapping) error {
	if !r.cfg.Rootless {
		if c.Mode == define.NetworkPasta || c.Mode == define.NetworkSlirp {
			return fmt.Errorf("--network %s is for ordinary users (rootless); root's containers use CNI networks: %w", c.Mode, define.ErrNotSupported)
		}
		return nil
	}
	if c.Networks != nil {
		return fmt.Errorf("rootless CNI networks are not implemented yet: use --network pasta, none, host, ns:PATH or container:NAME: %w", define.ErrNotSupported)
	}
	return pasta.CheckPorts(networkPorts(ports))
}

// networkFlags reads --network (pasta by default for an ordinary user, as
// podman 5), --ip, --mac-address and -p, and checks --add-host and --dns.
func networkFlags(opts *CreateOptions, rootless bool) (netconf.Choice, []define.PortMapping, error) {
	mode := opts.Network
	if mode == "" && rootless {
		mode = define.NetworkPasta
	}
	netChoice, err := netconf.ParseNetwork(mode, opts.IP, opts.MAC)
	if err != nil {
		return netconf.Choice{}, nil, err
	}
	ports, err := netconf.ParsePorts(opts.Publish)
	if err != nil {
		return netconf.Choice{}, nil, err
	}
	userNet := netChoice.Mode == define.NetworkPasta || netChoice.Mode == define.NetworkSlirp
	if (len(ports) > 0 || opts.PublishAll) && netChoice.Networks == nil && !userNet {
		return netconf.Choice{}, nil, fmt.Errorf("publishing ports needs a CNI network, pasta or slirp4netns, not --network %s: %w", netChoice.Mode, define.ErrInvalidArg)
	}
	for _, h := range opts.AddHost {
		if name, ip, ok := strings.Cut(h, ":"); !ok || name == "" || net.ParseIP(ip) == nil {
			return netconf.Choice{}, nil, fmt.Errorf("invalid --add-host %q: want NAME:IP: %w", h, define.ErrInvalidArg)
		}
	}
	for _, d := range opts.DNS {
		if net.ParseIP(d) == nil {
			return netconf.Choice{}, nil, fmt.Errorf("invalid --dns %q: not an IP address: %w", d, define.ErrInvalidArg)
		}
	}
	return netChoice, ports, nil
}

// mountFlags reads -v, --mount and --tmpfs, and checks that bind mount
// sources exist.
func mountFlags(opts *CreateOptions) ([]spec.Mount, error) {
	var mounts []spec.Mount
	one := func(parse func(string) (spec.Mount, error)) func(string) ([]spec.Mount, error) {
		return func(v string) ([]spec.Mount, error) {
			m, err := parse(v)
			return []spec.Mount{m}, err
		}
	}
	for _, flag := range []struct {
		vals  []string
		parse func(string) ([]spec.Mount, error)
	}{{opts.Volumes, one(spec.ParseVolume)}, {opts.Mounts, spec.ParseMounts}, {opts.Tmpfs, one(spec.ParseTmpfs)}} {
		for _, v := range flag.vals {
			m, err := flag.parse(v)
			if err != nil {
				return nil, err
			}
			mounts = append(mounts, m...)
		}
	}
	for _, m := range mounts {
		if m.VolumeName == "" && m.Type == "bind" {
			if _, err := os.Stat(m.Source); err != nil {
				return nil, fmt.Errorf("bind mount source %s: %w", m.Source, define.ErrNotFound)
			}
		}
	}
	return mounts, nil
}

// specOptions are the spec generator's options for container id from the
// flags, --ulimit and --security-opt parsed.
func specOptions(opts *CreateOptions, id, netNS string) (*spec.Options, error) {
	var err error
	ulimits := make([]specs.POSIXRlimit, 0, len(opts.Ulimits))
	for _, u := range opts.Ulimits {
		rl, err := spec.ParseUlimit(u)
		if err != nil {
			return nil, err
		}
		ulimits = append(ulimits, rl)
	}
	so := &spec.Options{
		ID: id, Hostname: opts.Hostname, Terminal: opts.TTY, User: opts.User, WorkDir: opts.WorkDir,
		Privileged: opts.Privileged, CapAdd: opts.CapAdd, CapDrop: opts.CapDrop, ReadOnly: opts.ReadOnly,
		Memory: opts.Memory, CPUs: opts.CPUs, PidsLimit: opts.PidsLimit, ShmSize: opts.ShmSize,
		Ulimits: ulimits, NetNS: netNS, CgroupsPath: "/podlite/" + id,
	}
	if so.Env, err = userEnv(opts); err != nil {
		return nil, err
	}
	if so.Annotations, err = annotations(opts.Annotations); err != nil {
		return nil, err
	}
	if err := so.ParseSecurityOpts(opts.SecurityOpt); err != nil {
		return nil, err
	}
	return so, nil
}

// applyImageConfig merges the image's defaults under the user's choices,
// with podman's rules: --entrypoint drops the image's Cmd; a command given
// on the command line replaces the image's Cmd.
func applyImageConfig(cfg *define.ContainerConfig, so *spec.Options, opts *CreateOptions, imgEnv, imgEntrypoint, imgCmd []string, imgWorkDir, imgUser, imgStopSignal string) {
	entrypoint, cmd := imgEntrypoint, imgCmd
	if opts.Entrypoint != nil {
		entrypoint, cmd = nil, nil
		if *opts.Entrypoint != "" {
			entrypoint = []string{*opts.Entrypoint}
		}
	}
	if len(opts.Command) > 0 {
		cmd = opts.Command
	}
	cfg.Entrypoint, cfg.Cmd = entrypoint, cmd
	cfg.Command = append(append([]string{}, entrypoint...), cmd...)
	so.Args = cfg.Command

	// podman's defaults (containers.conf's env has TERM=xterm, tty or not).
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "container=podlite", "TERM=xterm"}
	env = shapeEnv(mergeEnv(env, imgEnv), so.Env, opts)
	if so.Hostname != "" {
		env = mergeEnv(env, []string{"HOSTNAME=" + so.Hostname})
	}
	so.Env = env
	if so.WorkDir == "" {
		so.WorkDir = imgWorkDir
	}
	if so.WorkDir == "" {
		so.WorkDir = "/"
	}
	if so.User == "" {
		so.User = imgUser
	}
	stop := opts.StopSignal
	if stop == "" {
		stop = imgStopSignal
	}
	cfg.StopSignal = int(syscall.SIGTERM)
	if sig, err := ParseSignal(stop); stop != "" && err == nil {
		cfg.StopSignal = int(sig)
	}
}

// mergeEnv overlays KEY=VALUE entries of over onto base.
func mergeEnv(base, over []string) []string {
	out := append([]string{}, base...)
	for _, kv := range over {
		key, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, e := range out {
			if k, _, _ := strings.Cut(e, "="); k == key {
				out[i], replaced = kv, true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return out
}

func parseRestartPolicy(s string) (define.RestartPolicy, error) {
	name, count, hasCount := strings.Cut(s, ":")
	p := define.RestartPolicy{Name: name}
	switch name {
	case "", "no":
		p.Name = "no"
	case "always", "unless-stopped":
	case "on-failure":
		if hasCount {
			n, err := strconv.ParseUint(count, 10, 32)
			if err != nil {
				return p, fmt.Errorf("invalid restart policy %q: bad retry count: %w", s, define.ErrInvalidArg)
			}
			p.MaxRetries = uint(n)
		}
		return p, nil
	default:
		return p, fmt.Errorf("invalid restart policy %q: use no, on-failure[:N], always or unless-stopped: %w", s, define.ErrInvalidArg)
	}
	if hasCount {
		return p, fmt.Errorf("invalid restart policy %q: only on-failure takes a retry count: %w", s, define.ErrInvalidArg)
	}
	return p, nil
}

// initTarget is where --init mounts the init binary.
const initTarget = "/run/podlite-init"

// initMount bind-mounts the static init binary for --init.
func initMount(path string) (specs.Mount, error) {
	if _, err := os.Stat(path); err != nil {
		return specs.Mount{}, fmt.Errorf("--init needs the static init binary %s (Debian package tini): %w", path, define.ErrNotFound)
	}
	return specs.Mount{Destination: initTarget, Type: "bind", Source: path, Options: []string{"bind", "ro"}}, nil
}
