package containers

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// createFlags are the flags `create` and `run` share.
type createFlags struct {
	name, entrypoint, workdir, user, hostname   string
	memory, shmSize, stopSignal, restart        string
	logDriver, network, cidfile                 string
	env, envFile, volumes, mounts, tmpfs        []string
	labels, capAdd, capDrop, securityOpt, ulims []string
	publish, expose, dns, dnsSearch, dnsOption  []string
	addHost                                     []string
	ip, mac                                     string
	publishAll                                  bool
	interactive, tty, rm, init, privileged      bool
	readOnly, replace                           bool
	cpus                                        float64
	pidsLimit                                   int64
	stopTimeout                                 uint
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
	fs.StringVar(&f.logDriver, "log-driver", "", "logging driver: k8s-file, none, passthrough")
	fs.StringVar(&f.network, "network", "", "network: bridge (default), none, host, ns:PATH, container:NAME, or NAME[:ip=IP,mac=MAC][,NAME...]")
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
	fs.StringArrayVar(&f.securityOpt, "security-opt", nil, "security options: no-new-privileges, seccomp=unconfined")
	fs.BoolVar(&f.rm, "rm", false, "remove the container when it exits")
	fs.StringVar(&f.cidfile, "cidfile", "", "write the container ID to this file")
	fs.BoolVar(&f.replace, "replace", false, "replace an existing container of the same name")
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
		CapDrop: f.capDrop, SecurityOpt: f.securityOpt, AutoRemove: f.rm, Replace: f.replace,
		CreateCommand: os.Args,
	}
	if cmd.Flags().Changed("entrypoint") {
		o.Entrypoint = &f.entrypoint
	}
	if cmd.Flags().Changed("stop-timeout") {
		o.StopTimeout = &f.stopTimeout
	}
	for _, file := range f.envFile {
		env, err := readEnvFile(file)
		if err != nil {
			return nil, err
		}
		o.Env = append(o.Env, env...)
	}
	o.Env = append(o.Env, f.env...)
	var err error
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

// create creates the container and writes --cidfile.
func (f *createFlags) create(cmd *cobra.Command, g *common.Globals, args []string) (*libpod.Container, error) {
	opts, err := f.options(cmd, args)
	if err != nil {
		return nil, err
	}
	if f.cidfile != "" {
		if _, err := os.Stat(f.cidfile); err == nil {
			return nil, fmt.Errorf("container ID file %s already exists: %w", f.cidfile, define.ErrExists)
		}
	}
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	c, err := rt.CreateContainer(context.Background(), opts)
	if err != nil {
		return nil, err
	}
	if f.cidfile != "" {
		if err := os.WriteFile(f.cidfile, []byte(c.ID()), 0o644); err != nil {
			_ = rt.RemoveContainer(context.Background(), c.ID(), true, true)
			return nil, fmt.Errorf("writing container ID file %s: %w", f.cidfile, err)
		}
	}
	return c, nil
}

func readEnvFile(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading env file %s: %w", path, define.ErrNotFound)
	}
	defer f.Close()
	var env []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		env = append(env, line)
	}
	return env, sc.Err()
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
