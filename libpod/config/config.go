// Package config resolves podlite's settings: built-in defaults, then the
// config file, then command-line flags (applied by the caller).
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"github.com/podlite/podlite/libpod/define"
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
	// InitPath is the static init binary --init mounts into the container.
	InitPath string `toml:"init_path"`
	// Rootless is true when podlite runs as a non-root user.
	Rootless bool `toml:"-"`
	// File is the config file these settings were read from (it may not
	// exist), for the podlite processes this one starts.
	File string `toml:"-"`
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
		InitPath:                "/usr/bin/tini-static",
	}
	if os.Geteuid() != 0 {
		c.Rootless = true
		c.Root = filepath.Join(xdgDir("XDG_DATA_HOME", ".local/share"), "podlite")
		c.RunRoot = filepath.Join(runtimeDir(), "podlite")
		c.NetworkConfigDir = filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "podlite", "net.d")
		c.NetworkStateDir = filepath.Join(c.Root, "networks")
	}
	return c
}

// Path returns the config file podlite reads for the calling user.
func Path() string {
	if p := os.Getenv("PODLITE_CONFIG"); p != "" {
		return p
	}
	if os.Geteuid() != 0 {
		return filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "podlite", "podlite.conf")
	}
	return "/etc/podlite/podlite.conf"
}

// Load returns the defaults overlaid with the config file at path. A missing
// file is not an error.
func Load(path string) (*Config, error) {
	c := Default()
	c.File = path
	meta, err := toml.DecodeFile(path, c)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		return nil, fmt.Errorf("reading config file %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	if meta.IsDefined("network_config_dir") && !meta.IsDefined("network_state_dir") {
		// Another domain's networks must not share the default domain's
		// leases (host-local keeps them by network name).
		c.NetworkStateDir = filepath.Join(c.NetworkConfigDir, "state")
	}
	return c, nil
}

// Volumes returns the directory holding named volumes.
func (c *Config) Volumes() string {
	if c.VolumePath != "" {
		return c.VolumePath
	}
	return filepath.Join(c.Root, "volumes")
}

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
	return filepath.Join(os.TempDir(), fmt.Sprintf("podlite-run-%d", os.Geteuid()))
}
