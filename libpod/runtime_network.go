package libpod

import (
	"path/filepath"
	"sync"

	"github.com/podlite/podlite/pkg/network"
)

// networkManager is opened on first use, like storage: commands that never
// touch CNI networks do not pay for it.
type networkManager struct {
	once sync.Once
	mgr  network.Manager
	err  error
}

// Network returns the CNI network manager, opening it on first use.
func (r *Runtime) Network() (network.Manager, error) {
	r.net.once.Do(func() {
		r.net.mgr, r.net.err = network.New(network.Options{
			ConfigDir:  r.cfg.NetworkConfigDir,
			PluginDirs: r.cfg.CNIPluginDirs,
			StateDir:   filepath.Join(r.cfg.Root, "networks"),
			RunDir:     filepath.Join(r.cfg.RunRoot, "networks"),
		})
	})
	return r.net.mgr, r.net.err
}

// netnsDir holds the containers' bind-mounted network namespaces.
func (r *Runtime) netnsDir() string { return filepath.Join(r.cfg.RunRoot, "netns") }
