package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/rootless"
)

// Environment variables naming config files, as podman's CONTAINERS_CONF
// and CONTAINERS_CONF_OVERRIDE: the first replaces the system and user
// files, the second is read last, over everything else.
const (
	EnvConfig   = "PODLITE_CONFIG"
	EnvOverride = "PODLITE_CONFIG_OVERRIDE"
)

// System paths; variables so that tests can move them.
var (
	SystemFile       = "/etc/podlite/podlite.conf"
	systemModuleDirs = []string{"/etc/podlite/podlite.conf.modules", "/usr/share/podlite/podlite.conf.modules"}
)

// Layers are the config files read in order, lowest precedence first:
// the main files (a missing one is skipped), then modules, then the
// override file (both must exist).
type Layers struct {
	Main     []string
	Modules  []string
	Override string
	// Explicit is the main file named by --config or PODLITE_CONFIG.
	Explicit string
}

// Resolve returns the layers podlite reads, as podman does for
// containers.conf: explicit (--config), else $PODLITE_CONFIG, else the
// system file and, for an ordinary user, ~/.config/podlite/podlite.conf
// (root reads system files only); then the modules (--module; a relative
// name is looked up in the podlite.conf.modules directories); then
// $PODLITE_CONFIG_OVERRIDE.
func Resolve(explicit string, modules []string) (*Layers, error) {
	return resolve(explicit, modules, rootless.IsRootless())
}

func resolve(explicit string, modules []string, rootless bool) (*Layers, error) {
	l := &Layers{Explicit: explicit, Override: os.Getenv(EnvOverride)}
	if l.Explicit == "" {
		l.Explicit = os.Getenv(EnvConfig)
	}
	switch {
	case l.Explicit != "":
		l.Main = []string{l.Explicit}
	case rootless:
		l.Main = []string{SystemFile, userFile()}
	default:
		l.Main = []string{SystemFile}
	}
	for _, m := range modules {
		p, err := findModule(m, rootless)
		if err != nil {
			return nil, err
		}
		l.Modules = append(l.Modules, p)
	}
	return l, nil
}

func userFile() string {
	return filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "podlite", "podlite.conf")
}

// findModule returns the absolute path of module name.
func findModule(name string, rootless bool) (string, error) {
	if filepath.IsAbs(name) {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("config module %s: %w", name, define.ErrNotFound)
		}
		return name, nil
	}
	dirs := systemModuleDirs
	if rootless {
		user := filepath.Join(xdgDir("XDG_CONFIG_HOME", ".config"), "podlite", "podlite.conf.modules")
		dirs = append([]string{user}, dirs...)
	}
	for _, d := range dirs {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("config module %s not found in %v: %w", name, dirs, define.ErrNotFound)
}

// LoadLayers returns the defaults overlaid with each layer in turn.
func LoadLayers(l *Layers) (*Config, error) {
	c := Default()
	c.File, c.Modules = l.Explicit, l.Modules
	for _, p := range l.Main {
		if err := c.decode(p, true); err != nil {
			return nil, err
		}
	}
	for _, p := range l.Modules {
		if err := c.decode(p, false); err != nil {
			return nil, err
		}
	}
	if l.Override != "" {
		if err := c.decode(l.Override, false); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvOverride, err)
		}
	}
	return c, nil
}

// decode overlays c with the file at path; a missing file is skipped when
// optional.
func (c *Config) decode(path string, optional bool) error {
	meta, err := toml.DecodeFile(path, c)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			if optional {
				return nil
			}
			return fmt.Errorf("reading config file %s: %w", path, define.ErrNotFound)
		}
		return fmt.Errorf("reading config file %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	c.Files = append(c.Files, path)
	if meta.IsDefined("network_config_dir") && !meta.IsDefined("network_state_dir") {
		// Another domain's networks must not share the default domain's
		// leases (host-local keeps them by network name), nor those of
		// the domain a lower layer named.
		c.NetworkStateDir = filepath.Join(c.NetworkConfigDir, "state")
	}
	return nil
}
