// Package common holds what every podlite command shares: the global flags,
// the lazily opened libpod Runtime, and output formatting.
package common

import (
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/config"
)

// Globals are the root command's persistent flags and the runtime they open.
type Globals struct {
	ConfigPath    string
	Root          string
	RunRoot       string
	StorageDriver string
	LogLevel      string

	rt *libpod.Runtime
}

// AddFlags registers the global flags on the root command.
func (g *Globals) AddFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.StringVar(&g.ConfigPath, "config", "", "path to the podlite config file")
	f.StringVar(&g.Root, "root", "", "path to the persistent storage root")
	f.StringVar(&g.RunRoot, "runroot", "", "path to the volatile runtime state root")
	f.StringVar(&g.StorageDriver, "storage-driver", "", "storage driver: overlay or vfs")
	f.StringVar(&g.LogLevel, "log-level", "error", "log messages at or above this level: debug, info, warn, error")
}

// Config returns the effective configuration: file, then flags.
func (g *Globals) Config() (*config.Config, error) {
	path := g.ConfigPath
	if path == "" {
		path = config.Path()
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if g.Root != "" {
		cfg.Root = g.Root
	}
	if g.RunRoot != "" {
		cfg.RunRoot = g.RunRoot
	}
	if g.StorageDriver != "" {
		cfg.StorageDriver = g.StorageDriver
	}
	return cfg, nil
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
	// libcontainer logs through logrus; at warn it would copy whole CRIU
	// logs onto stderr, which podlite's errors summarise instead.
	if lvl, err := logrus.ParseLevel(g.LogLevel); err == nil {
		logrus.SetLevel(lvl)
	}
	cfg, err := g.Config()
	if err != nil {
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
