package containers

import (
	"fmt"
	"os"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/system"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// createFlags are the flags `create` and `run` share.
type createFlags struct {
	name, entrypoint, workdir, user, hostname   string
	memory, shmSize, stopSignal, restart        string
	logDriver, network, cidfile                 string
	pull, pidfile, conmonPidfile, tz            string
	env, envFile, volumes, mounts, tmpfs        []string
	labels, capAdd, capDrop, securityOpt, ulims []string
	publish, expose, dns, dnsSearch, dnsOption  []string
	addHost, labelFile, annotations             []string
	ip, mac                                     string
	publishAll, quiet, tlsVerify, envHost       bool
	interactive, tty, rm, init, privileged      bool
	readOnly, replace, rmi                      bool
	cpus                                        float64
	pidsLimit                                   int64
	stopTimeout                                 uint
	io                                          ioFlags
	health                                      healthFlags
	secret                                      secretFlags
	pullFlags
	specFlags
	systemd systemdFlags
}

// netAlias makes --net podman's other spelling of --network.
func netAlias(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	if name == "net" {
		name = "network"
	}
	return pflag.NormalizedName(name)
}

func (f *createFlags) register(fs *pflag.FlagSet) {
	fs.SetInterspersed(false) // everything after IMAGE belongs to the container's command
	fs.StringVar(&f.name, "name", "", "assign a name to the container")
	fs.StringVar(&f.entrypoint, "entrypoint", "", "overwrite the image's entrypoint")
	fs.StringVarP(&f.workdir, "workdir", "w", "", "working directory inside the container")
	fs.StringVarP(&f.user, "user", "u", "", "user[:group] to run the command as")
	fs.StringVarP(&f.hostname, "hostname", "h", "", "container host name")
	fs.StringArrayVarP(&f.env, "env", "e", nil, "set environment variables (KEY=VALUE, or KEY to copy the host's)")
	fs.StringArrayVar(&f.envFile, "env-file", nil, "read environment variables from a file")
	fs.BoolVarP(&f.interactive, "interactive", "i", false, "keep stdin open")
	fs.BoolVarP(&f.tty, "tty", "t", false, "allocate a pseudo-terminal")
	fs.StringArrayVarP(&f.volumes, "volume", "v", nil, "bind mount a host path or named volume (SRC:DEST[:OPTS])")
	fs.StringArrayVar(&f.mounts, "mount", nil, "attach a mount: type=bind|volume|tmpfs,source=…,target=…")
	fs.StringArrayVar(&f.tmpfs, "tmpfs", nil, "mount a tmpfs (DEST[:OPTS])")
	fs.StringArrayVarP(&f.labels, "label", "l", nil, "set a label (KEY=VALUE)")
	fs.StringVarP(&f.memory, "memory", "m", "", "memory limit (e.g. 512m)")
	fs.Float64Var(&f.cpus, "cpus", 0, "number of CPUs")
	fs.Int64Var(&f.pidsLimit, "pids-limit", 0, "limit the number of processes")
	fs.StringVar(&f.shmSize, "shm-size", "", "size of /dev/shm (e.g. 64m)")
	fs.StringArrayVar(&f.ulims, "ulimit", nil, "set a resource limit (NAME=SOFT[:HARD])")
	fs.StringVar(&f.stopSignal, "stop-signal", "", "signal that stops the container")
	fs.UintVar(&f.stopTimeout, "stop-timeout", 10, "seconds to wait for a stop before killing")
	fs.StringVar(&f.restart, "restart", "", "restart policy: no, on-failure[:N], always, unless-stopped")
	fs.BoolVar(&f.init, "init", false, "run an init inside the container that reaps zombies and forwards signals")
	fs.StringVar(&f.logDriver, "log-driver", "k8s-file", "logging driver: k8s-file (json-file is its alias), journald, none, passthrough, passthrough-tty")
	fs.StringVar(&f.network, "network", "", "network (--net too): bridge (default), none, host, ns:PATH, container:NAME, or NAME[:ip=IP,mac=MAC][,NAME...]")
	fs.StringVar(&f.ip, "ip", "", "static IPv4 address on the container's network")
	fs.StringVar(&f.mac, "mac-address", "", "static MAC address on the container's network")
	fs.StringArrayVarP(&f.publish, "publish", "p", nil, "publish a port: [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO]")
	fs.BoolVarP(&f.publishAll, "publish-all", "P", false, "publish every exposed port to a random host port")
	fs.StringArrayVar(&f.expose, "expose", nil, "expose a port (PORT[/PROTO]) for -P")
	fs.StringArrayVar(&f.dns, "dns", nil, "DNS server for the container's resolv.conf")
	fs.StringArrayVar(&f.dnsSearch, "dns-search", nil, "DNS search domain")
	fs.StringArrayVar(&f.dnsOption, "dns-option", nil, "DNS resolver option")
	fs.StringArrayVar(&f.addHost, "add-host", nil, "add a NAME:IP line to /etc/hosts")
	fs.BoolVar(&f.privileged, "privileged", false, "give the container all capabilities and devices")
	fs.BoolVar(&f.readOnly, "read-only", false, "mount the root filesystem read-only")
	fs.StringArrayVar(&f.capAdd, "cap-add", nil, "add a capability")
	fs.StringArrayVar(&f.capDrop, "cap-drop", nil, "drop a capability")
	fs.StringArrayVar(&f.securityOpt, "security-opt", nil, "security options: apparmor=unconfined, label=…, mask=PATHS, no-new-privileges[=BOOL], proc-opts=OPTS, seccomp=unconfined|PROFILE.json, systempaths=unconfined, unmask=ALL|PATHS")
	fs.BoolVar(&f.rm, "rm", false, "remove the container when it exits")
	fs.StringVar(&f.cidfile, "cidfile", "", "write the container ID to this file, which must not exist")
	fs.BoolVar(&f.replace, "replace", false, "replace an existing container of the same name")
	fs.StringVar(&f.pull, "pull", "missing", "pull the image: always, missing, never or newer")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "do not show the image pull's progress")
	fs.BoolVar(&f.tlsVerify, "tls-verify", true, "pull over HTTPS with verified certificates (false also allows plain HTTP)")
	fs.StringVar(&f.pidfile, "pidfile", "", "write the container's PID to this file at each start")
	fs.StringVar(&f.conmonPidfile, "conmon-pidfile", "", "write the supervisor's PID to this file at each start")
	fs.StringArrayVar(&f.labelFile, "label-file", nil, "read labels from a file of KEY=VALUE lines")
	fs.StringArrayVar(&f.annotations, "annotation", nil, "add an annotation to the OCI spec (KEY=VALUE)")
	fs.BoolVar(&f.envHost, "env-host", false, "copy the host's environment into the container")
	fs.StringVar(&f.tz, "tz", "", "the container's time zone: local or an IANA zone (e.g. Europe/Paris)")
	f.io.register(fs)
	f.health.register(fs)
	f.secret.register(fs)
	f.registerPull(fs)
	f.registerSpec(fs)
	f.systemd.register(fs)
	fs.SetNormalizeFunc(netAlias)
}

// options turns the flags and positional arguments into libpod's options.
func (f *createFlags) options(cmd *cobra.Command, args []string) (*libpod.CreateOptions, error) {
	o := &libpod.CreateOptions{
		Name: f.name, Image: args[0], Command: args[1:], WorkDir: f.workdir, User: f.user,
		Hostname: f.hostname, Interactive: f.interactive, TTY: f.tty, Volumes: f.volumes,
		Mounts: f.mounts, Tmpfs: f.tmpfs, CPUs: f.cpus, PidsLimit: f.pidsLimit, Ulimits: f.ulims,
		StopSignal: f.stopSignal, Restart: f.restart, Init: f.init, LogDriver: f.logDriver,
		Network: f.network, IP: f.ip, MAC: f.mac, Publish: f.publish, PublishAll: f.publishAll,
		Expose: f.expose, DNS: f.dns, DNSSearch: f.dnsSearch, DNSOption: f.dnsOption, AddHost: f.addHost,
		Privileged: f.privileged, ReadOnly: f.readOnly, CapAdd: f.capAdd,
		CapDrop: f.capDrop, SecurityOpt: f.securityOpt, AutoRemove: f.rm || f.rmi, RemoveImage: f.rmi,
		Replace: f.replace, CreateCommand: os.Args, Env: f.env, EnvFiles: f.envFile, EnvHost: f.envHost,
		LabelFiles: f.labelFile, Annotations: f.annotations, Timezone: f.tz, CIDFile: f.cidfile,
		PidFile: f.pidfile, ConmonPidFile: f.conmonPidfile, Pull: f.pull,
		PullOptions: storage.PullOptions{Quiet: f.quiet}, Engine: "podlite-" + system.Version,
		Health: f.health.options(cmd.Flags()), Secrets: f.secret.secrets,
	}
	if f.rmi && cmd.Flags().Changed("rm") && !f.rm {
		return nil, fmt.Errorf("the --rmi option does not work with --rm=false: %w", define.ErrInvalidArg)
	}
	if err := f.io.options(cmd, o); err != nil {
		return nil, err
	}
	var err error
	if o.SdNotifyMode, err = f.systemd.mode(); err != nil {
		return nil, err
	}
	if !f.quiet {
		o.PullOptions.Progress = os.Stderr
	}
	if cmd.Flags().Changed("tls-verify") {
		o.PullOptions.TLSVerify = &f.tlsVerify
	}
	if err := f.applyPull(o); err != nil {
		return nil, err
	}
	if cmd.Flags().Changed("entrypoint") {
		o.Entrypoint = &f.entrypoint
	}
	if cmd.Flags().Changed("stop-timeout") {
		o.StopTimeout = &f.stopTimeout
	}
	if o.Shape, err = f.shape(cmd); err != nil {
		return nil, err
	}
	if o.Labels, err = common.KeyValues("label", f.labels); err != nil {
		return nil, err
	}
	if f.memory != "" {
		if o.Memory, err = units.RAMInBytes(f.memory); err != nil {
			return nil, fmt.Errorf("invalid --memory %q: %w", f.memory, define.ErrInvalidArg)
		}
	}
	if f.shmSize != "" {
		if o.ShmSize, err = units.RAMInBytes(f.shmSize); err != nil {
			return nil, fmt.Errorf("invalid --shm-size %q: %w", f.shmSize, define.ErrInvalidArg)
		}
	}
	return o, nil
}

// create creates the container.
func (f *createFlags) create(cmd *cobra.Command, g *common.Globals, args []string) (*libpod.Container, error) {
	opts, err := f.options(cmd, args)
	if err != nil {
		return nil, err
	}
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	return rt.CreateContainer(cmd.Context(), opts)
}

func newCreateCommand(g *common.Globals) *cobra.Command {
	f := &createFlags{}
	cmd := &cobra.Command{
		Use:   "create [options] IMAGE [COMMAND [ARG...]]",
		Short: "Create a container without starting it",
		Args:  common.MinArgs(1),
		Example: `  podlite create --name web localhost/busybox httpd -f
  podlite create -it -v data:/data localhost/busybox sh`,
		ValidArgsFunction: common.Complete(g, common.ImageNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := f.create(cmd, g, args)
			if err != nil {
				return err
			}
			fmt.Println(c.ID())
			return nil
		},
	}
	f.register(cmd.Flags())
	return cmd
}
