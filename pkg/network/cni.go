package network

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/invoke"
	"github.com/containernetworking/cni/pkg/version"

	"github.com/podlite/podlite/libpod/define"
)

// DefaultPluginDirs are searched for CNI plugins when Options names none.
var DefaultPluginDirs = []string{"/usr/local/libexec/cni", "/usr/libexec/cni", "/usr/local/lib/cni", "/usr/lib/cni", "/opt/cni/bin"}

// Options configure a CNI manager.
type Options struct {
	// ConfigDir holds the conflists, one NAME.conflist per network, and
	// the domain's lock file. With StateDir it makes a network domain,
	// which every podlite root configured with both shares (doc.go).
	ConfigDir string
	// PluginDirs are searched for plugin binaries (DefaultPluginDirs if empty).
	PluginDirs []string
	// StateDir is the domain's persistent state: host-local leases in
	// StateDir/ipam/NETWORK/IP, shared by every root of the domain so
	// that no two containers get one address.
	StateDir string
	// CacheDir is libcni's record of what each ADD added, which DEL uses,
	// also after a reboot. It belongs to one podlite root (ROOT/networks/
	// cache), whose containers are the only ones it describes; empty
	// means StateDir/cache.
	CacheDir string
	// OwnLeaseDir is where an older podlite kept this root's leases
	// (ROOT/networks/ipam): New moves them into the domain's, once, so
	// that the domain sees the addresses the root's containers hold.
	OwnLeaseDir string
	// DefaultInterface and DefaultSubnet are the bridge and subnet the
	// default network is created with (podlite0 and 10.90.0.0/16 if
	// empty). They apply when the domain's default network is created:
	// an existing one keeps what it has.
	DefaultInterface, DefaultSubnet string
	// RunDir is for state that dies with a reboot (under the runroot):
	// the firewall marker.
	RunDir string
	// TuningDir is where the tuning plugin keeps a container's original
	// link settings when it sets a MAC (a static one, or the saved one a
	// restore asks for again). Empty is the plugin's /run/cni/tuning,
	// which only root can write: an ordinary user's is under the runroot.
	TuningDir string
	// Trace, if set, is called after every plugin execution with the
	// plugin, the CNI command (ADD, DEL...) and how long it ran. Plugin runs
	// are also logged with slog at debug level.
	Trace func(plugin, command string, d time.Duration, err error)
}

// CNI is the Manager that runs CNI plugins through libcni. Its methods
// are safe for concurrent use; see Manager for the locking contract.
type CNI struct {
	opts Options
	cni  *libcni.CNIConfig
}

var _ Manager = (*CNI)(nil)

// New returns a CNI manager, creating its directories.
func New(opts Options) (*CNI, error) {
	if opts.ConfigDir == "" || opts.StateDir == "" {
		return nil, fmt.Errorf("network: ConfigDir and StateDir are required: %w", define.ErrInvalidArg)
	}
	if len(opts.PluginDirs) == 0 {
		opts.PluginDirs = DefaultPluginDirs
	}
	if opts.CacheDir == "" {
		opts.CacheDir = filepath.Join(opts.StateDir, "cache")
	}
	if opts.DefaultInterface == "" {
		opts.DefaultInterface = defaultBridge
	}
	if opts.DefaultSubnet == "" {
		opts.DefaultSubnet = defaultSubnet
	}
	// RunDir is made when something is written there: a rootless one
	// belongs to a namespace that may not exist.
	for _, d := range []string{opts.ConfigDir, opts.StateDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("creating network directory %s: %w", d, err)
		}
	}
	exec := &timedExec{
		DefaultExec: invoke.DefaultExec{RawExec: &invoke.RawExec{Stderr: os.Stderr}, PluginDecoder: version.PluginDecoder{}},
		trace:       opts.Trace,
	}
	c := &CNI{
		opts: opts,
		cni:  libcni.NewCNIConfigWithCacheDir(opts.PluginDirs, opts.CacheDir, exec),
	}
	if opts.OwnLeaseDir != "" && filepath.Clean(opts.OwnLeaseDir) != c.ipamDir() {
		if err := c.adoptLeases(opts.OwnLeaseDir); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *CNI) ipamDir() string { return filepath.Join(c.opts.StateDir, "ipam") }

// timedExec runs plugins like libcni's default and reports how long each
// took: network setup time is mostly plugin executions.
type timedExec struct {
	invoke.DefaultExec
	trace func(plugin, command string, d time.Duration, err error)
}

func (e *timedExec) ExecPlugin(ctx context.Context, pluginPath string, stdin []byte, environ []string) ([]byte, error) {
	start := time.Now()
	out, err := e.DefaultExec.ExecPlugin(ctx, pluginPath, stdin, environ)
	d := time.Since(start)
	command := ""
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, "CNI_COMMAND="); ok {
			command = v
		}
	}
	plugin := filepath.Base(pluginPath)
	slog.Debug("cni plugin", "plugin", plugin, "command", command, "duration", d, "error", err)
	if e.trace != nil {
		e.trace(plugin, command, d, err)
	}
	return out, err
}
