package rootlessnetns

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/pasta"
)

// NS is the rootless network namespace of one runroot.
type NS struct {
	dir, netnsDir string
}

// New returns runRoot's rootless network namespace (not created yet).
func New(runRoot string) *NS {
	return &NS{dir: filepath.Join(runRoot, "rootless-netns"), netnsDir: filepath.Join(runRoot, "netns")}
}

// Dir is the namespace's directory under the runroot.
func (n *NS) Dir() string { return n.dir }

// Path is the namespace's nsfs bind mount, beside the containers' own
// (RUNROOT/netns, a shared mount).
func (n *NS) Path() string { return filepath.Join(n.netnsDir, Name) }

// Name is the namespace's file name in RUNROOT/netns.
const Name = "rootless-netns"

// RunDir is the CNI manager's RunDir: its firewall marker describes this
// namespace's chains, so it goes when the namespace goes.
func (n *NS) RunDir() string { return filepath.Join(n.dir, "run") }

func (n *NS) pidFile() string            { return filepath.Join(n.dir, "pasta.pid") }
func (n *NS) portsDir() string           { return filepath.Join(n.dir, "ports") }
func (n *NS) portsFile(id string) string { return filepath.Join(n.portsDir(), id) }

// Exists reports whether the namespace is there.
func (n *NS) Exists() bool { return network.IsNamespace(n.Path()) }

// Lock takes the namespace's lock (exclusive) and returns its release.
func (n *NS) Lock() (func(), error) {
	if err := os.MkdirAll(n.dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", n.dir, err)
	}
	return network.LockFile(filepath.Join(n.dir, "lock"), true)
}

// Do runs fn on a thread in the namespace, or in a throwaway empty one
// when it does not exist: the firewall marker fn may write then goes
// with that namespace. The caller holds the lock.
func (n *NS) Do(fn func() error) error {
	if n.Exists() {
		return network.InNamespace(n.Path(), fn)
	}
	err := network.InNamespace("", fn)
	if rmErr := os.RemoveAll(n.RunDir()); rmErr != nil {
		err = errors.Join(err, rmErr)
	}
	return err
}

// Ensure creates the namespace and starts its pasta, whichever is
// missing. A new namespace starts with no firewall chains: the marker
// that says they are written goes with the old one. The caller holds the
// lock.
func (n *NS) Ensure() error {
	if !n.Exists() {
		// A pasta still running serves a namespace that is gone (its
		// mount went with an earlier pause process's mount namespace).
		if err := pasta.Stop(n.pidFile()); err != nil {
			return err
		}
		if err := os.RemoveAll(n.RunDir()); err != nil {
			return fmt.Errorf("clearing %s: %w", n.RunDir(), err)
		}
		// A stale file (the namespace was unmounted behind podlite's back).
		if err := network.RemoveNamespace(n.Path()); err != nil {
			return err
		}
		if _, err := network.NewNamespace(n.netnsDir, Name); err != nil {
			return fmt.Errorf("creating the rootless network namespace: %w", err)
		}
		slog.Debug("created the rootless network namespace", "path", n.Path())
	}
	if pasta.Running(n.pidFile()) {
		return nil
	}
	ports, err := n.allPorts()
	if err != nil {
		return err
	}
	return n.startPasta(ports)
}

// startPasta attaches pasta to the namespace, forwarding ports from the
// host to the same ports inside, where portmap's DNAT takes over.
func (n *NS) startPasta(ports []network.PortMapping) error {
	var fwd []network.PortMapping
	for _, p := range ports {
		p.ContainerPort = p.HostPort
		fwd = append(fwd, p)
	}
	err := pasta.Start(pasta.Options{NetNS: n.Path(), PIDFile: n.pidFile(),
		LogFile: filepath.Join(n.dir, "pasta.log"), Ports: fwd})
	if err != nil {
		return fmt.Errorf("connecting the rootless network namespace: %w", err)
	}
	return nil
}

// Remove ends pasta and removes the namespace and its files, but not the
// lock, which the caller holds.
func (n *NS) Remove() error {
	if err := pasta.Stop(n.pidFile()); err != nil {
		return err
	}
	if err := network.RemoveNamespace(n.Path()); err != nil {
		return err
	}
	for _, p := range []string{n.RunDir(), n.portsDir(), filepath.Join(n.dir, "pasta.log")} {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	slog.Debug("removed the rootless network namespace", "path", n.Path())
	return nil
}

// InUse reports whether any container has an interface in the namespace:
// each connected container leaves its veth's host end there.
func (n *NS) InUse() (bool, error) {
	if !n.Exists() {
		return false, nil
	}
	used := false
	err := network.InNamespace(n.Path(), func() error {
		links, err := netlink.LinkList()
		if err != nil {
			return fmt.Errorf("listing the rootless network namespace's links: %w", err)
		}
		used = slices.ContainsFunc(links, func(l netlink.Link) bool { return l.Type() == "veth" })
		return nil
	})
	return used, err
}

// setPorts records a container's published ports (none: removes the
// record) and restarts pasta when the union of all of them changed.
func (n *NS) setPorts(id string, ports []network.PortMapping) error {
	before, err := n.allPorts()
	if err != nil {
		return err
	}
	if len(ports) == 0 {
		if err := os.Remove(n.portsFile(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	} else {
		b, err := json.Marshal(ports)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(n.portsDir(), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(n.portsFile(id), b, 0o600); err != nil {
			return err
		}
	}
	after, err := n.allPorts()
	if err != nil || slices.Equal(before, after) || !n.Exists() {
		return err
	}
	if err := pasta.Stop(n.pidFile()); err != nil {
		return err
	}
	return n.startPasta(after)
}

// allPorts is the union of the recorded ports, in a fixed order.
func (n *NS) allPorts() ([]network.PortMapping, error) {
	entries, err := os.ReadDir(n.portsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var all []network.PortMapping
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(n.portsDir(), e.Name()))
		if err != nil {
			return nil, err
		}
		var ports []network.PortMapping
		if err := json.Unmarshal(b, &ports); err != nil {
			return nil, fmt.Errorf("reading the published ports of %s: %w", e.Name(), err)
		}
		all = append(all, ports...)
	}
	slices.SortFunc(all, func(a, b network.PortMapping) int {
		if c := strings.Compare(a.Protocol, b.Protocol); c != 0 {
			return c
		}
		return int(a.HostPort) - int(b.HostPort)
	})
	return all, nil
}
