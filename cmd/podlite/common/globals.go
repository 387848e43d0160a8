// Package common holds what every podlite command shares: the global flags,
// the lazily opened libpod Runtime, and output formatting.
package common

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/config"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/logging"
	"github.com/podlite/podlite/pkg/rootless"
)

// Globals are the root command's persistent flags and the runtime they open.
type Globals struct {
	ConfigPath    string
	Modules       []string
	Root          string
	RunRoot       string
	StorageDriver string
	StorageOpts   []string
	LogLevel      string
	Syslog        bool
	NoOut         bool
	Out           string
	OCIRuntime    string
	RuntimeFlags  []string
	CgroupManager string
	EventsBackend string
	HooksDirs     []string
	TmpDir        string
	// NetworkConfigDir and VolumePath are podman's --network-config-dir
	// and --volumepath: the config keys of the same meaning.
	NetworkConfigDir string
	VolumePath       string
	DBBackend        string
	Remote           bool
	TransientStore   bool
	// refused holds the flags of podman's that name something podlite
	// does not have (a service, conmon, CDI…), each with its reason.
	refused map[string]*string

	cmd *cobra.Command
	rt  *libpod.Runtime
}

// AddFlags registers the global flags on the root command.
func (g *Globals) AddFlags(cmd *cobra.Command) {
	g.cmd = cmd
	f := cmd.PersistentFlags()
	f.StringVar(&g.ConfigPath, "config", "", "path to the podlite config file (replaces the system and user files, as $"+config.EnvConfig+")")
	f.StringArrayVar(&g.Modules, "module", nil, "load a config module after the config files (may be set multiple times)")
	f.StringVar(&g.Root, "root", "", "path to the persistent storage root")
	f.StringVar(&g.RunRoot, "runroot", "", "path to the volatile runtime state root")
	f.StringVar(&g.StorageDriver, "storage-driver", "", "storage driver: overlay or vfs")
	f.StringArrayVar(&g.StorageOpts, "storage-opt", nil, "pass an option to the storage driver (may be set multiple times; \"\" clears the configured ones)")
	f.StringVar(&g.LogLevel, "log-level", "warn", "log messages at or above this level: trace, debug, info, warn, error, fatal, panic")
	f.BoolVar(&g.Syslog, "syslog", false, "log to the system log as well as to stderr")
	f.BoolVar(&g.NoOut, "noout", false, "send podlite's output (not containers') to /dev/null")
	f.StringVar(&g.Out, "out", "", "send podlite's output (not containers') to this file")
	f.StringVar(&g.OCIRuntime, "runtime", "", "OCI runtime: only "+config.RuntimeName+", the embedded one")
	f.StringArrayVar(&g.RuntimeFlags, "runtime-flag", nil, "refused: the embedded runtime takes no flags")
	f.StringVar(&g.CgroupManager, "cgroup-manager", "", "cgroup manager: cgroupfs")
	f.StringVar(&g.EventsBackend, "events-backend", "", "events backend: file or none")
	f.StringArrayVar(&g.HooksDirs, "hooks-dir", nil, "directory of OCI hook files, replacing the configured ones (may be set multiple times)")
	f.StringVar(&g.TmpDir, "tmpdir", "", "refused: podlite keeps its volatile state under --runroot")
	f.StringVar(&g.NetworkConfigDir, "network-config-dir", "", "directory of the network configuration files")
	f.StringVar(&g.VolumePath, "volumepath", "", "directory of named volumes")
	f.BoolVar(&g.Remote, "remote", false, "refused: podlite has no service to connect to")
	f.BoolVar(&g.TransientStore, "transient-store", false, "refused: podlite keeps every container record in its state database")
	f.StringVar(&g.DBBackend, "db-backend", "", "state database: boltdb (the only one)")
	g.refused = map[string]*string{}
	for _, r := range refusedGlobals {
		g.refused[r.flag] = f.String(r.flag, "", "refused: "+r.why)
	}
}

// refusedGlobals are podman's global flags that cannot mean anything for a
// daemon-less engine with an embedded runtime; each is refused with why.
var refusedGlobals = []struct{ flag, why string }{
	{"url", "podlite has no service to connect to: it manages this host's containers directly"},
	{"connection", "podlite has no service connections: it manages this host's containers directly"},
	{"identity", "podlite has no service connections: it manages this host's containers directly"},
	{"ssh", "podlite has no service connections: it manages this host's containers directly"},
	{"conmon", "podlite supervises containers with its own supervisor, not conmon"},
	{"network-cmd-path", "podlite runs no rootless network command yet"},
	{"cdi-spec-dir", "podlite has no CDI device support"},
	{"imagestore", "podlite keeps images in its --root storage only"},
}

// Setup acts on the global flags before cmd runs: it checks them, sets up
// logging, moves an ordinary user's process into the rootless namespace
// and redirects podlite's output.
func (g *Globals) Setup(cmd *cobra.Command) error {
	if err := logging.Setup(g.LogLevel, os.Stderr, g.Syslog); err != nil {
		return err
	}
	if err := g.refuse(); err != nil {
		return err
	}
	if err := g.enterNamespace(cmd); err != nil {
		return err
	}
	return g.redirect()
}

// enterNamespace re-executes an ordinary user's command inside the user's
// rootless namespace (it does not return then), as podman does before
// every command that touches containers or storage.
func (g *Globals) enterNamespace(cmd *cobra.Command) error {
	if os.Geteuid() == 0 || !needsNamespace(cmd) {
		return nil
	}
	cfg, err := g.Config()
	if err != nil {
		return err
	}
	if strings.Contains(cmd.CommandPath(), " checkpoint") {
		return rootless.EnsureWithCRIUBroker(cfg.RunRoot)
	}
	return rootless.Ensure(cfg.RunRoot)
}

// NoNamespace, set in a command's Annotations, keeps an ordinary user's
// command out of the rootless namespace: it reads no store (systemd
// generate runs as a systemd generator, before any login).
const NoNamespace = "podlite.no-namespace"

// needsNamespace is false for the commands that read nothing of the
// user's store: help, completion scripts and the version.
func needsNamespace(cmd *cobra.Command) bool {
	if !cmd.HasParent() {
		return false
	}
	switch cmd.Name() {
	case "help", "completion", "version":
		return false
	}
	if cmd.Annotations[NoNamespace] != "" {
		return false
	}
	return true
}

// refuse rejects the podman flags that cannot mean anything here.
func (g *Globals) refuse() error {
	for _, r := range refusedGlobals {
		if g.flagSet(r.flag) {
			return fmt.Errorf("--%s: %s: %w", r.flag, r.why, define.ErrNotSupported)
		}
	}
	if g.Remote {
		return fmt.Errorf("--remote: podlite has no service to connect to: it manages this host's containers directly: %w", define.ErrNotSupported)
	}
	switch {
	case g.TransientStore:
		return fmt.Errorf("--transient-store: podlite keeps every container record in its persistent state database, which a reboot refresh reconciles: %w", define.ErrNotSupported)
	case len(g.RuntimeFlags) > 0:
		return fmt.Errorf("--runtime-flag %q: podlite runs containers with its embedded runtime, which takes no flags: %w", g.RuntimeFlags[0], define.ErrNotSupported)
	case g.TmpDir != "":
		return fmt.Errorf("--tmpdir %q: podlite keeps its volatile state under --runroot, use that instead: %w", g.TmpDir, define.ErrNotSupported)
	case g.DBBackend != "" && g.DBBackend != "boltdb":
		return fmt.Errorf("--db-backend %q: podlite keeps its state in boltdb only: %w", g.DBBackend, define.ErrNotSupported)
	case g.NoOut && g.Out != "":
		return fmt.Errorf("--noout and --out cannot be used together: %w", define.ErrInvalidArg)
	}
	return nil
}

// containerStdout is the process's stdout before --noout or --out: a
// container's own output goes there, as podman's does.
var containerStdout = os.Stdout

// ContainerStdout is where a container's output goes (run, attach, exec,
// logs): the real stdout, whatever --out or --noout did to podlite's own.
func ContainerStdout() *os.File { return containerStdout }

func (g *Globals) redirect() error {
	path := g.Out
	if g.NoOut {
		path = os.DevNull
	}
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("opening --out file: %w", err)
	}
	os.Stdout = f
	return nil
}

// Config returns the effective configuration: the layered files, then flags.
func (g *Globals) Config() (*config.Config, error) {
	layers, err := config.Resolve(g.ConfigPath, g.Modules)
	if err != nil {
		return nil, err
	}
	cfg, err := config.LoadLayers(layers)
	if err != nil {
		return nil, err
	}
	// A flag given replaces the files' setting.
	for _, set := range []struct {
		dst  *string
		flag string
	}{
		{&cfg.Root, g.Root}, {&cfg.RunRoot, g.RunRoot}, {&cfg.StorageDriver, g.StorageDriver},
		{&cfg.Runtime, g.OCIRuntime}, {&cfg.CgroupManager, g.CgroupManager}, {&cfg.EventsLogger, g.EventsBackend},
		{&cfg.VolumePath, g.VolumePath},
	} {
		if set.flag != "" {
			*set.dst = set.flag
		}
	}
	if g.NetworkConfigDir != "" && g.NetworkConfigDir != cfg.NetworkConfigDir {
		// As a config layer naming only the config directory: a domain of
		// its own, whose leases never mix with the configured domain's.
		cfg.NetworkConfigDir = g.NetworkConfigDir
		cfg.NetworkStateDir = filepath.Join(g.NetworkConfigDir, "state")
	}
	if g.flagSet("hooks-dir") {
		cfg.HooksDirs = nonEmpty(g.HooksDirs)
	}
	if g.flagSet("storage-opt") {
		cfg.StorageOptions = nonEmpty(g.StorageOpts)
	}
	return cfg, cfg.Validate()
}

func (g *Globals) flagSet(name string) bool {
	if g.cmd == nil {
		return false
	}
	f := g.cmd.PersistentFlags().Lookup(name)
	return f != nil && f.Changed
}

// nonEmpty drops the "" podman users pass to clear the configured list.
func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Container opens the runtime and looks up the container nameOrID.
func (g *Globals) Container(nameOrID string) (*libpod.Container, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	return rt.LookupContainer(nameOrID)
}

// Runtime opens the libpod runtime once per process.
func (g *Globals) Runtime() (*libpod.Runtime, error) {
	if g.rt != nil {
		return g.rt, nil
	}
	cfg, err := g.Config()
	if err != nil {
		return nil, err
	}
	// Completion functions open the runtime without Setup: an ordinary
	// user's store is only usable inside the rootless namespace.
	if err := rootless.Ensure(cfg.RunRoot); err != nil {
		return nil, err
	}
	rt, err := libpod.NewRuntime(cfg)
	if err != nil {
		return nil, err
	}
	g.rt = rt
	return rt, nil
}

// Shutdown releases what the runtime holds (storage mounts bookkeeping).
func (g *Globals) Shutdown() {
	if g.rt != nil {
		g.rt.Shutdown()
	}
}
