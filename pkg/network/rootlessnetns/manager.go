package rootlessnetns

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/podlite/podlite/pkg/network"
)

// Manager is a network.Manager whose links and firewall live in the
// rootless network namespace ns. Reading calls (Network, Networks,
// Leases) and lease bookkeeping (Hold, Release) touch files only and go
// straight to the CNI manager.
type Manager struct {
	network.Manager
	ns *NS
}

var _ network.Manager = (*Manager)(nil)

// NewManager wraps cni, a CNI manager whose RunDir is ns.RunDir(). It
// adds network.SbinDirs to $PATH, as podman does for its rootless
// netns: an ordinary user's PATH often lacks them, and podlite's firewall
// and the plugins run iptables from there.
func NewManager(cni network.Manager, ns *NS) *Manager {
	path := os.Getenv("PATH")
	for _, dir := range network.SbinDirs {
		if !slices.Contains(filepath.SplitList(path), dir) {
			path += string(os.PathListSeparator) + dir
		}
	}
	if err := os.Setenv("PATH", path); err != nil {
		slog.Warn("adding /usr/sbin to PATH", "error", err)
	}
	return &Manager{Manager: cni, ns: ns}
}

// Setup implements network.Manager: the namespace (and pasta, with the
// request's ports) first, then the plugins inside it. A failed setup
// leaves no namespace nobody uses. A request without ports (network
// connect) leaves the container's published ports as they are.
func (m *Manager) Setup(ctx context.Context, req network.Request) (st network.Status, retErr error) {
	unlock, err := m.ns.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	defer func() {
		if retErr != nil && len(req.Ports) > 0 {
			if err := m.ns.setPorts(req.ContainerID, nil); err != nil {
				slog.Warn("restoring the rootless network namespace's ports", "error", err)
			}
		}
		if retErr != nil {
			m.removeIfUnused()
		}
	}()
	if err := m.ns.Ensure(); err != nil {
		return nil, err
	}
	if len(req.Ports) > 0 {
		if err := m.ns.setPorts(req.ContainerID, req.Ports); err != nil {
			return nil, fmt.Errorf("publishing the ports of container %s: %w", req.ContainerID, err)
		}
	}
	err = m.ns.Do(func() error {
		var err error
		st, err = m.Manager.Setup(ctx, req)
		return err
	})
	return st, err
}

// Teardown implements network.Manager, and removes the namespace once
// no container is connected to it. The container's published ports go
// with a request that names them (not with network disconnect's).
func (m *Manager) Teardown(ctx context.Context, req network.Request) error {
	unlock, err := m.ns.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	err = m.ns.Do(func() error { return m.Manager.Teardown(ctx, req) })
	if len(req.Ports) > 0 {
		if perr := m.ns.setPorts(req.ContainerID, nil); perr != nil {
			err = errors.Join(err, perr)
		}
	}
	m.removeIfUnused()
	return err
}

// removeIfUnused removes the namespace and its pasta when no container
// has an interface in it. The caller holds the lock.
func (m *Manager) removeIfUnused() {
	used, err := m.ns.InUse()
	if err != nil {
		slog.Warn("checking whether the rootless network namespace is in use", "error", err)
		return
	}
	if !used {
		if err := m.ns.Remove(); err != nil {
			slog.Warn("removing the rootless network namespace", "error", err)
		}
	}
}

// inside runs fn under the lock in the namespace (a throwaway one when
// there is none).
func (m *Manager) inside(fn func() error) error {
	unlock, err := m.ns.Lock()
	if err != nil {
		return err
	}
	defer unlock()
	return m.ns.Do(fn)
}

// CreateNetwork implements network.Manager.
func (m *Manager) CreateNetwork(n network.Network) (created *network.Network, err error) {
	err = m.inside(func() error {
		created, err = m.Manager.CreateNetwork(n)
		return err
	})
	return created, err
}

// EnsureDefault implements network.Manager.
func (m *Manager) EnsureDefault() (n *network.Network, err error) {
	if n, err := m.Manager.Network(network.DefaultName); err == nil {
		return n, nil
	}
	err = m.inside(func() error {
		n, err = m.Manager.EnsureDefault()
		return err
	})
	return n, err
}

// RemoveNetwork implements network.Manager.
func (m *Manager) RemoveNetwork(name string) error {
	return m.inside(func() error { return m.Manager.RemoveNetwork(name) })
}

// RemoveUnused implements network.Manager, and removes the namespace if
// no container is connected to it.
func (m *Manager) RemoveUnused() (inUse []string, err error) {
	unlock, err := m.ns.Lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	err = m.ns.Do(func() error {
		inUse, err = m.Manager.RemoveUnused()
		return err
	})
	m.removeIfUnused()
	return inUse, err
}

// Run runs fn on a thread in the namespace, creating it (and pasta) if
// needed, and removes it afterwards if no container is connected
// (unshare --rootless-netns). The lock is not held while fn runs, which
// may be a shell.
func (m *Manager) Run(fn func() error) error {
	unlock, err := m.ns.Lock()
	if err != nil {
		return err
	}
	err = m.ns.Ensure()
	unlock()
	if err != nil {
		return err
	}
	err = network.InNamespace(m.ns.Path(), fn)
	if unlock, lerr := m.ns.Lock(); lerr == nil {
		m.removeIfUnused()
		unlock()
	} else {
		err = errors.Join(err, lerr)
	}
	return err
}

// ReloadFirewall implements network.Manager.
func (m *Manager) ReloadFirewall() error {
	return m.inside(m.Manager.ReloadFirewall)
}
