package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func writeConf(t *testing.T, path, text string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// confDirs moves the system file, module directory and user config
// directory into a test directory, and clears the variables.
func confDirs(t *testing.T) (sys, user, modules string) {
	dir := t.TempDir()
	oldFile, oldDirs := SystemFile, systemModuleDirs
	t.Cleanup(func() { SystemFile, systemModuleDirs = oldFile, oldDirs })
	SystemFile = filepath.Join(dir, "etc", "podlite.conf")
	modules = filepath.Join(dir, "etc", "podlite.conf.modules")
	systemModuleDirs = []string{modules}
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "home"))
	t.Setenv(EnvConfig, "")
	t.Setenv(EnvOverride, "")
	return SystemFile, filepath.Join(dir, "home", "podlite", "podlite.conf"), modules
}

func load(t *testing.T, explicit string, modules []string, rootless bool) *Config {
	t.Helper()
	l, err := resolve(explicit, modules, rootless)
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadLayers(l)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLayerPrecedence: system, then user (rootless only), then modules,
// then the override file; PODLITE_CONFIG or --config replace the system
// and user files but not modules and override.
func TestLayerPrecedence(t *testing.T) {
	sys, user, modDir := confDirs(t)
	writeConf(t, sys, "root = \"/sys\"\nrunroot = \"/sys-run\"\ninit_path = \"/sys-init\"\nvolume_path = \"/sys-vol\"")
	writeConf(t, user, "runroot = \"/user-run\"\ninit_path = \"/user-init\"")
	mod := writeConf(t, filepath.Join(modDir, "m.conf"), `init_path = "/mod-init"`)
	over := writeConf(t, filepath.Join(t.TempDir(), "over.conf"), `volume_path = "/over-vol"`)

	c := load(t, "", nil, false)
	if c.Root != "/sys" || c.RunRoot != "/sys-run" || c.File != "" {
		t.Errorf("root reads the system file only: %+v", c)
	}
	c = load(t, "", nil, true)
	if c.Root != "/sys" || c.RunRoot != "/user-run" || c.InitPath != "/user-init" {
		t.Errorf("rootless: user file over system file: %+v", c)
	}
	if want := []string{sys, user}; !reflect.DeepEqual(c.Files, want) {
		t.Errorf("Files = %v, want %v", c.Files, want)
	}
	c = load(t, "", []string{"m.conf"}, true)
	if c.InitPath != "/mod-init" || !reflect.DeepEqual(c.Modules, []string{mod}) {
		t.Errorf("module over user file: %+v", c)
	}
	t.Setenv(EnvOverride, over)
	c = load(t, "", []string{mod}, true)
	if c.VolumePath != "/over-vol" || c.InitPath != "/mod-init" {
		t.Errorf("override over everything: %+v", c)
	}
	explicit := writeConf(t, filepath.Join(t.TempDir(), "main.conf"), `runroot = "/main-run"`)
	t.Setenv(EnvConfig, explicit)
	c = load(t, "", nil, true)
	if c.Root != Default().Root || c.RunRoot != "/main-run" || c.VolumePath != "/over-vol" || c.File != explicit {
		t.Errorf("PODLITE_CONFIG replaces system and user files, not the override: %+v", c)
	}
	flag := writeConf(t, filepath.Join(t.TempDir(), "flag.conf"), `runroot = "/flag-run"`)
	if c = load(t, flag, nil, true); c.RunRoot != "/flag-run" || c.File != flag {
		t.Errorf("--config over PODLITE_CONFIG: %+v", c)
	}
}

// TestLayerErrors: the main files may be missing; a named module or
// override file must exist.
func TestLayerErrors(t *testing.T) {
	confDirs(t)
	if c := load(t, "", nil, true); !reflect.DeepEqual(c, withFile(Default(), "")) {
		t.Errorf("no files: %+v", c)
	}
	if _, err := resolve("", []string{"nosuch.conf"}, false); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("missing module: %v", err)
	}
	t.Setenv(EnvOverride, filepath.Join(t.TempDir(), "nosuch.conf"))
	l, err := resolve("", nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadLayers(l); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("missing override file: %v", err)
	}
}

func withFile(c *Config, f string) *Config { c.File = f; return c }

// TestLayerNetworkDomain: a layer naming network_config_dir alone gets
// NETWORK_CONFIG_DIR/state, even over a lower layer's state dir; a layer
// naming only the state dir keeps a lower layer's config dir.
func TestLayerNetworkDomain(t *testing.T) {
	sys, user, _ := confDirs(t)
	writeConf(t, sys, "network_config_dir = \"/sys/net.d\"\nnetwork_state_dir = \"/sys/leases\"")
	writeConf(t, user, `network_config_dir = "/user/net.d"`)
	if c := load(t, "", nil, false); c.NetworkStateDir != "/sys/leases" {
		t.Errorf("system file: state %q", c.NetworkStateDir)
	}
	if c := load(t, "", nil, true); c.NetworkConfigDir != "/user/net.d" || c.NetworkStateDir != "/user/net.d/state" {
		t.Errorf("user file's own domain: %q %q", c.NetworkConfigDir, c.NetworkStateDir)
	}
	t.Setenv(EnvOverride, writeConf(t, filepath.Join(t.TempDir(), "o.conf"), `network_state_dir = "/o/leases"`))
	if c := load(t, "", nil, true); c.NetworkConfigDir != "/user/net.d" || c.NetworkStateDir != "/o/leases" {
		t.Errorf("override's state dir: %q %q", c.NetworkConfigDir, c.NetworkStateDir)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		set  func(*Config)
		want error
	}{
		{func(*Config) {}, nil},
		{func(c *Config) { c.Runtime = "crun" }, define.ErrNotSupported},
		{func(c *Config) { c.Runtime = "/usr/bin/runc" }, define.ErrNotSupported},
		{func(c *Config) { c.CgroupManager = "systemd" }, define.ErrNotSupported},
		{func(c *Config) { c.CgroupManager = "bogus" }, define.ErrInvalidArg},
		{func(c *Config) { c.EventsLogger = "none" }, nil},
		{func(c *Config) { c.EventsLogger = "journald" }, define.ErrNotSupported},
		{func(c *Config) { c.EventsLogger = "bogus" }, define.ErrInvalidArg},
	} {
		c := Default()
		tc.set(c)
		if err := c.Validate(); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%+v: Validate() = %v, want %v", c, err, tc.want)
		}
	}
}
