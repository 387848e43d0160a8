package libpod

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/rootlessnetns"
)

// CreateNetwork writes a new CNI network; the manager validates it and
// fills in what n leaves empty (subnet, gateway, bridge name, ID). Without
// a name the network gets the first free podliteN, N from 1, as podman
// names its networks podmanN. Bad subnets, gateways and overlaps are
// ErrInvalidArg, a taken name ErrExists.
func (r *Runtime) CreateNetwork(n network.Network) (*network.Network, error) {
	created, err := r.createNetwork(n)
	if err != nil {
		return nil, err
	}
	r.networkEvent(events.Create, created.ID, created.Name, created.Driver)
	return created, nil
}

func (r *Runtime) createNetwork(n network.Network) (*network.Network, error) {
	mgr, err := r.Network()
	if err != nil {
		return nil, err
	}
	if n.Name != "" {
		// The manager's errors name the network and what is wrong with it.
		return mgr.CreateNetwork(n)
	}
	existing, err := mgr.Networks()
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, e := range existing {
		taken[e.Name] = true
	}
	for i := 1; ; i++ {
		n.Name = network.DefaultName + strconv.Itoa(i)
		if taken[n.Name] {
			continue
		}
		created, err := mgr.CreateNetwork(n)
		// Another process may have taken the name since we listed: try on.
		if !errors.Is(err, define.ErrExists) || i > len(existing)+maxNameRetries {
			return created, err
		}
	}
}

// maxNameRetries bounds how many generated names CreateNetwork tries past
// the ones it saw taken.
const maxNameRetries = 16

// NetworkByName returns a network by name, full ID or unique ID prefix.
// The default network is created on first look, as podman always lists
// its default network.
func (r *Runtime) NetworkByName(name string) (*network.Network, error) {
	mgr, err := r.Network()
	if err != nil {
		return nil, err
	}
	if name == network.DefaultName {
		return mgr.EnsureDefault()
	}
	return mgr.Network(name)
}

// Networks returns the networks that pass every filter, ordered by name;
// the default network is always among them. Filters are KEY=VALUE as
// `network ls --filter` takes them: name=REGEXP, id=PREFIX,
// label=KEY[=VALUE], label!=KEY[=VALUE], driver=NAME. Different keys must
// all match; several values of one key match if any does, except labels,
// which must all hold. A malformed filter is an ErrInvalidArg.
func (r *Runtime) Networks(filters ...string) ([]*network.Network, error) {
	match, err := filter.Networks(filters)
	if err != nil {
		return nil, err
	}
	mgr, err := r.Network()
	if err != nil {
		return nil, err
	}
	if _, err := mgr.EnsureDefault(); err != nil {
		// Listing must work on a read-only configuration directory too.
		slog.Warn("creating the default network", "network", network.DefaultName, "error", err)
	}
	all, err := mgr.Networks()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, n := range all {
		if match(n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// NetworkUsers returns the IDs of the containers that use the network
// (name, ID or ID prefix), in creation order.
func (r *Runtime) NetworkUsers(name string) ([]string, error) {
	n, err := r.NetworkByName(name)
	if err != nil {
		return nil, err
	}
	users, err := r.networkUsers()
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(users[n.Name]))
	for _, u := range users[n.Name] {
		ids = append(ids, u.id)
	}
	return ids, nil
}

// RemoveNetwork removes a network (name, ID or ID prefix). A network that
// containers use is refused with an ErrInvalidState naming them, unless
// force is set: then those containers are removed first (killed, or with
// stopTimeout stopped as `stop -t` does). The
// default network cannot be removed (ErrInvalidArg), and no container is
// touched trying.
//
// The in-use check and the removal are not one transaction: a container
// created in between keeps a network that is gone, and fails to start.
func (r *Runtime) RemoveNetwork(ctx context.Context, name string, force bool, stopTimeout *uint) error {
	n, err := r.NetworkByName(name)
	if err != nil {
		return fmt.Errorf("removing network: %w", err)
	}
	if n.Name == network.DefaultName {
		return fmt.Errorf("removing network %s: the default network cannot be removed: %w", n.Name, define.ErrInvalidArg)
	}
	users, err := r.networkUsers()
	if err != nil {
		return err
	}
	if u := users[n.Name]; len(u) > 0 {
		if !force {
			names := make([]string, 0, len(u))
			for _, c := range u {
				names = append(names, c.name)
			}
			return fmt.Errorf("removing network %s: in use by container(s) %s: %w", n.Name, strings.Join(names, ", "), define.ErrInvalidState)
		}
		for _, c := range u {
			err := r.removeWith(ctx, c.id, RemoveOptions{Force: true, Timeout: stopTimeout})
			if err != nil && !errors.Is(err, define.ErrNotFound) {
				return fmt.Errorf("removing network %s: %w", n.Name, err)
			}
		}
	}
	mgr, err := r.Network()
	if err != nil {
		return err
	}
	if err := mgr.RemoveNetwork(n.Name); err != nil {
		if errors.Is(err, define.ErrInvalidState) {
			return fmt.Errorf("removing network %s: it is in use by containers of another podlite root sharing %s: %w", n.Name, r.cfg.NetworkConfigDir, err)
		}
		return fmt.Errorf("removing network %s: %w", n.Name, err)
	}
	r.networkEvent(events.Remove, n.ID, n.Name, n.Driver)
	return nil
}

// PruneNetworks removes every network but the default that passes the
// filters (see Networks) and that no container uses, and returns the names
// it removed. A network containers of another root of the domain hold
// addresses on stays, with a warning. It keeps going past a network it
// cannot remove and returns all such errors joined.
func (r *Runtime) PruneNetworks(filters ...string) ([]string, error) {
	nets, err := r.Networks(filters...)
	if err != nil || len(nets) == 0 {
		return nil, err
	}
	users, err := r.networkUsers()
	if err != nil {
		return nil, err
	}
	mgr, err := r.Network()
	if err != nil {
		return nil, err
	}
	var pruned []string
	var errs []error
	for _, n := range nets {
		if n.Name == network.DefaultName || len(users[n.Name]) > 0 {
			continue
		}
		err := mgr.RemoveNetwork(n.Name)
		switch {
		case err == nil:
			pruned = append(pruned, n.Name)
			r.networkEvent(events.Remove, n.ID, n.Name, n.Driver)
		case errors.Is(err, define.ErrNotFound):
			// Removed by someone else since we listed it.
		case errors.Is(err, define.ErrInvalidState):
			r.noteNetworkInUse(n.Name)
		default:
			errs = append(errs, fmt.Errorf("pruning network %s: %w", n.Name, err))
		}
	}
	return pruned, errors.Join(errs...)
}

// noteNetworkInUse says, in one line, why a network another root uses
// was not removed.
func (r *Runtime) noteNetworkInUse(name string) {
	slog.Warn(fmt.Sprintf("network %s is in use by containers of another podlite root sharing %s: left in place", name, r.cfg.NetworkConfigDir))
}

// NetworkIPRange turns an --ip-range CIDR into the first and last address
// a network may hand out, as podman does: from the address after the
// range's network address up to its last address, leaving out the
// subnet's own network and broadcast addresses. The range must lie within
// subnet.
func NetworkIPRange(subnet, ipRange string) (start, end string, err error) {
	_, sn, err := net.ParseCIDR(subnet)
	if err != nil {
		return "", "", fmt.Errorf("subnet %q: %w", subnet, define.ErrInvalidArg)
	}
	_, rn, err := net.ParseCIDR(ipRange)
	if err != nil {
		return "", "", fmt.Errorf("ip range %q: %w", ipRange, define.ErrInvalidArg)
	}
	rIP, sIP := rn.IP.To4(), sn.IP.To4()
	if rIP == nil || sIP == nil {
		return "", "", fmt.Errorf("ip range %s: only IPv4 ranges are supported: %w", ipRange, define.ErrNotSupported)
	}
	rOnes, _ := rn.Mask.Size()
	sOnes, _ := sn.Mask.Size()
	if !sn.Contains(rIP) || rOnes < sOnes {
		return "", "", fmt.Errorf("ip range %s is not within subnet %s: %w", ipRange, sn, define.ErrInvalidArg)
	}
	first := binary.BigEndian.Uint32(rIP)
	last := first | ^binary.BigEndian.Uint32(net.IP(rn.Mask).To4())
	subnetLast := binary.BigEndian.Uint32(sIP) | ^binary.BigEndian.Uint32(net.IP(sn.Mask).To4())
	if rOnes < 31 || first == binary.BigEndian.Uint32(sIP) {
		first++
	}
	if last == subnetLast {
		last--
	}
	if first > last {
		return "", "", fmt.Errorf("ip range %s leaves no addresses in subnet %s: %w", ipRange, sn, define.ErrInvalidArg)
	}
	return uint32IP(first).String(), uint32IP(last).String(), nil
}

func uint32IP(v uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, v)
	return ip
}

// networkUser is a container that uses a network.
type networkUser struct {
	id, name string
}

// networkUsers maps each network name to the containers using it, read
// from every container record in one store transaction. A container
// recorded under "bridge" uses the default network.
func (r *Runtime) networkUsers() (map[string][]networkUser, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	users := map[string][]networkUser{}
	for _, rec := range recs {
		nets := rec.Config.Network.Networks
		if rec.State.Networks != nil {
			nets = rec.State.Networks
		}
		for name := range nets {
			if name == define.NetworkBridge {
				name = network.DefaultName
			}
			users[name] = append(users[name], networkUser{id: rec.Config.ID, name: rec.Config.Name})
		}
	}
	return users, nil
}

// networkManager is opened on first use, like storage: commands that never
// touch CNI networks do not pay for it.
type networkManager struct {
	once sync.Once
	mgr  network.Manager
	err  error
}

// Network returns the CNI network manager, opening it on first use. An
// ordinary user's networks live in the rootless network namespace of the
// runroot (pkg/network/rootlessnetns), their leases under the user's
// network state directory.
func (r *Runtime) Network() (network.Manager, error) {
	r.net.once.Do(func() {
		runDir, tuningDir := filepath.Join(r.cfg.RunRoot, "networks"), ""
		if r.cfg.Rootless {
			runDir = r.rootlessNetNS().RunDir()
			// Its links live and die with the namespace, as RunDir.
			tuningDir = filepath.Join(runDir, "tuning")
		}
		cni, err := network.New(network.Options{
			ConfigDir:        r.cfg.NetworkConfigDir,
			PluginDirs:       r.cfg.CNIPluginDirs,
			StateDir:         r.networkStateDir(),
			CacheDir:         r.networkCacheDir(),
			OwnLeaseDir:      filepath.Join(r.cfg.Root, "networks", "ipam"),
			RunDir:           runDir,
			TuningDir:        tuningDir,
			DefaultInterface: r.cfg.DefaultNetworkInterface,
			DefaultSubnet:    r.cfg.DefaultSubnet,
		})
		r.net.mgr, r.net.err = cni, err
		if err == nil && r.cfg.Rootless {
			r.net.mgr = rootlessnetns.NewManager(cni, r.rootlessNetNS())
		}
	})
	return r.net.mgr, r.net.err
}

// rootlessNetNS is the runroot's rootless network namespace.
func (r *Runtime) rootlessNetNS() *rootlessnetns.NS { return rootlessnetns.New(r.cfg.RunRoot) }

// InRootlessNetNS runs fn on a thread in the user's rootless network
// namespace (processes fn starts run there too), creating the namespace
// for it and removing it afterwards unless a container uses it, as
// `unshare --rootless-netns` does.
func (r *Runtime) InRootlessNetNS(fn func() error) error {
	if !r.cfg.Rootless {
		return fmt.Errorf("--rootless-netns: please use unshare with rootless: %w", define.ErrInvalidArg)
	}
	mgr, err := r.Network()
	if err != nil {
		return err
	}
	rn, ok := mgr.(*rootlessnetns.Manager)
	if !ok {
		return fmt.Errorf("--rootless-netns: the network manager has no rootless network namespace: %w", define.ErrInvalidState)
	}
	return rn.Run(fn)
}

// networkStateDir is the network domain's lease directory's parent,
// shared by the roots of the domain; ROOT/networks when not configured.
func (r *Runtime) networkStateDir() string {
	if r.cfg.NetworkStateDir != "" {
		return r.cfg.NetworkStateDir
	}
	return filepath.Join(r.cfg.Root, "networks")
}

// networkCacheDir is libcni's record of this root's ADDs.
func (r *Runtime) networkCacheDir() string { return filepath.Join(r.cfg.Root, "networks", "cache") }

// netnsDir holds the containers' bind-mounted network namespaces.
func (r *Runtime) netnsDir() string { return filepath.Join(r.cfg.RunRoot, "netns") }
