// Package config resolves podlite's settings: built-in defaults, then the
// config files in layers (see layers.go), then command-line flags (applied
// by the caller).
package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/pkg/rootless"
)

// Config is every setting that decides where podlite keeps things and how it
// runs containers.
type Config struct {
	// Root holds persistent data: state DB, storage, volumes, checkpoints.
	Root string `toml:"root"`
	// RunRoot holds data that must not survive a reboot (tmpfs in real life):
	// locks, runtime state, mounts, supervisor sockets.
	RunRoot string `toml:"runroot"`
	// StorageDriver is the containers/storage graph driver ("overlay", "vfs").
	// Empty means overlay where it works, vfs otherwise.
	StorageDriver string `toml:"storage_driver"`
	// VolumePath is where named volumes live; default Root/volumes.
	VolumePath string `toml:"volume_path"`
	// NetworkConfigDir holds CNI conflists. With NetworkStateDir it makes
	// a network domain, shared by every root configured with the same
	// two: the networks, their leases, bridges and firewall chains.
	NetworkConfigDir string `toml:"network_config_dir"`
	// NetworkStateDir holds the domain's address leases (ipam/NETWORK/IP);
	// a config file that names network_config_dir alone gets
	// NETWORK_CONFIG_DIR/state, a domain's leases being its own.
	NetworkStateDir string `toml:"network_state_dir"`
	// DefaultNetworkInterface and DefaultSubnet are the bridge and subnet
	// the default network is created with, on first use in its domain.
	DefaultNetworkInterface string `toml:"default_network_interface"`
	DefaultSubnet           string `toml:"default_subnet"`
	// CNIPluginDirs are searched for CNI plugin binaries.
	CNIPluginDirs []string `toml:"cni_plugin_dirs"`
	// HooksDirs are the directories of OCI hook files (oci-hooks(5)),
	// podman's hooks_dir; later directories' files replace earlier ones'
	// of the same name.
	HooksDirs []string `toml:"hooks_dir"`
	// InitPath is the static init binary --init mounts into the container.
	InitPath string `toml:"init_path"`
	// Runtime is the OCI runtime: podlite has one, runc's libcontainer
	// built in, so only its name is accepted (see Validate).
	Runtime string `toml:"runtime"`
	// CgroupManager is how container cgroups are made: cgroupfs only.
	CgroupManager string `toml:"cgroup_manager"`
	// EventsLogger is where events go: "file" or "none".
	EventsLogger string `toml:"events_logger"`
	// PullRetries is how often pull, push, create and run try again after a
	// network failure (podman's containers.conf retry), unless --retry
	// says.
	PullRetries uint `toml:"retry"`
	// StorageOptions are containers/storage driver options
	// ("overlay.mount_program=...", "vfs.ignore_chown_errors=true").
	StorageOptions []string `toml:"storage_options"`
	// Rootless is true when podlite runs as a non-root user.
	Rootless bool `toml:"-"`
	// File is the main config file named by --config or PODLITE_CONFIG
	// ("" when the system and user files were read), and Modules the
	// modules read after it: the podlite processes this one starts are
	// handed both, to read the same layers (the override file's variable
	// they inherit).
	File    string   `toml:"-"`
	Modules []string `toml:"-"`
	// Files are the files read, lowest precedence first (for info).
	Files []string `toml:"-"`
}

// Default returns the built-in settings for the calling user: system paths
// for root, XDG paths for everyone else.
func Default() *Config {
	c := &Config{
		Root:             "/var/lib/podlite",
		RunRoot:          "/run/podlite",
		NetworkConfigDir: "/etc/podlite/net.d",
		// The default root's ROOT/networks, where leases were kept when
		// they belonged to each root: the default root's carry over.
		NetworkStateDir:         "/var/lib/podlite/networks",
		DefaultNetworkInterface: "podlite0",
		DefaultSubnet:           "10.90.0.0/16",
		CNIPluginDirs:           []string{"/usr/local/libexec/cni", "/usr/libexec/cni", "/usr/lib/cni", "/opt/cni/bin"},
		HooksDirs:               []string{"/usr/share/podlite/oci/hooks.d", "/etc/podlite/oci/hooks.d"},
		InitPath:                "/usr/bin/tini-static",
		Runtime:                 RuntimeName,
		CgroupManager:           CgroupManagerCgroupfs,
		EventsLogger:            EventsFile,
		PullRetries:             3,
	}
	if rootless.IsRootless() {
		c.Rootless = true
		c.Root = filepath.Join(xdgDir("XDG_DATA_HOME", ".local/share"), "podlite")
		c.RunRoot = filepath.Join(runtimeDir(), "podlite")
		c.NetworkConfigDir = filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "podlite", "net.d")
		c.NetworkStateDir = filepath.Join(c.Root, "networks")
	}
	return c
}

// Load returns the defaults overlaid with the config file at path alone
// (no system, user or override file). A missing file is not an error.
func Load(path string) (*Config, error) {
	c, err := LoadLayers(&Layers{Main: []string{path}})
	if err != nil {
		return nil, err
	}
	c.File = path
	return c, nil
}

// Volumes returns the directory holding named volumes.
func (c *Config) Volumes() string {
	if c.VolumePath != "" {
		return c.VolumePath
	}
	return filepath.Join(c.Root, "volumes")
}

// StorageRoot is where the image store keeps images and layers.
func (c *Config) StorageRoot() string { return filepath.Join(c.Root, "storage") }

// StorageRunRoot is the image store's volatile bookkeeping.
func (c *Config) StorageRunRoot() string { return filepath.Join(c.RunRoot, "storage") }

func xdgDir(env, fallback string) string {
	if d := os.Getenv(env); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = "/tmp"
	}
	return filepath.Join(home, fallback)
}

func runtimeDir() string {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
		return d
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("podlite-run-%d", rootless.UID()))
}
