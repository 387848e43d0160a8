package network

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// Drivers podlite writes plugin chains for.
const (
	DriverBridge  = "bridge"
	DriverMacvlan = "macvlan"
)

var nameRegexp = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// ValidateName checks a network name: it becomes a file name and the CNI
// network name, so it is [a-zA-Z0-9][a-zA-Z0-9_.-]*.
func ValidateName(name string) error {
	if !nameRegexp.MatchString(name) || len(name) > 200 {
		return fmt.Errorf("network name %q must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: %w", name, define.ErrInvalidArg)
	}
	return nil
}

// CreateNetwork implements Manager.
func (c *CNI) CreateNetwork(n Network) (*Network, error) {
	unlock, err := c.lockDomain(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return c.createAndIsolateLocked(n)
}

// createAndIsolateLocked creates a network and brings the isolation rules
// up to date; a failure of the latter is retried by the next Setup.
func (c *CNI) createAndIsolateLocked(n Network) (*Network, error) {
	created, err := c.createLocked(n)
	if err != nil {
		return nil, err
	}
	if err := c.syncFirewall(); err != nil {
		slog.Warn("adding the new network to the firewall", "network", created.Name, "error", err)
	}
	return created, nil
}

// EnsureDefault implements Manager: a lock-free look first, then under
// the configuration lock a second look before creating.
func (c *CNI) EnsureDefault() (*Network, error) {
	if n, err := c.Network(DefaultName); err == nil || !errors.Is(err, define.ErrNotFound) {
		return n, err
	}
	unlock, err := c.lockDomain(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if n, err := c.Network(DefaultName); err == nil || !errors.Is(err, define.ErrNotFound) {
		return n, err
	}
	return c.createAndIsolateLocked(Network{Name: DefaultName, NetworkInterface: c.opts.DefaultInterface,
		Subnets: []Subnet{{Subnet: c.opts.DefaultSubnet}}})
}

func (c *CNI) createLocked(n Network) (*Network, error) {
	if err := ValidateName(n.Name); err != nil {
		return nil, err
	}
	existing, err := c.Networks()
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if e.Name == n.Name {
			return nil, fmt.Errorf("network %s: %w", n.Name, define.ErrExists)
		}
	}
	if err := fillDefaults(&n, existing, hostNetworks(), linkExists); err != nil {
		return nil, err
	}
	id := make([]byte, 32)
	if _, err := rand.Read(id); err != nil {
		return nil, fmt.Errorf("network %s: generating ID: %w", n.Name, err)
	}
	n.ID = hex.EncodeToString(id)
	n.Created = time.Now().UTC()
	cl, err := conflistFor(&n, c.ipamDir())
	if err != nil {
		return nil, err
	}
	if err := writeConflist(c.opts.ConfigDir, cl); err != nil {
		return nil, err
	}
	return &n, nil
}

// fillDefaults validates n against the existing networks and fills in
// driver, interface and subnets. hostNets are the host's own networks,
// which automatic subnets avoid; hostLink says whether a link exists.
func fillDefaults(n *Network, existing []*Network, hostNets []*net.IPNet, hostLink func(string) bool) error {
	if n.Driver == "" {
		n.Driver = DriverBridge
	}
	if err := validateOptions(n); err != nil {
		return err
	}
	switch n.Driver {
	case DriverBridge:
		if err := chooseBridge(n, existing, hostLink); err != nil {
			return err
		}
	case DriverMacvlan:
		if n.NetworkInterface == "" {
			n.NetworkInterface = defaultRouteInterface()
		}
		if n.NetworkInterface == "" || !hostLink(n.NetworkInterface) {
			return fmt.Errorf("network %s: macvlan parent interface %q does not exist: %w", n.Name, n.NetworkInterface, define.ErrInvalidArg)
		}
		if len(n.Subnets) == 0 {
			return fmt.Errorf("network %s: a macvlan network needs a subnet: %w", n.Name, define.ErrInvalidArg)
		}
	default:
		return fmt.Errorf("network %s: unknown driver %q (bridge, macvlan): %w", n.Name, n.Driver, define.ErrInvalidArg)
	}
	if err := chooseSubnets(n, existing, hostNets); err != nil {
		return err
	}
	return validateRoutes(n)
}

func validateOptions(n *Network) error {
	allowed := map[string][]string{DriverBridge: {"mtu"}, DriverMacvlan: {"mtu", "mode"}}[n.Driver]
	for k, v := range n.Options {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return fmt.Errorf("network %s: unsupported option %q for driver %s: %w", n.Name, k, n.Driver, define.ErrInvalidArg)
		}
		if k == "mode" && v != "bridge" && v != "private" && v != "vepa" && v != "passthru" {
			return fmt.Errorf("network %s: macvlan mode %q: %w", n.Name, v, define.ErrInvalidArg)
		}
	}
	_, err := mtuOption(n)
	return err
}

// chooseBridge names the bridge: podlite0 for the default network, else
// the first podliteN used neither by a network nor by a host link.
func chooseBridge(n *Network, existing []*Network, hostLink func(string) bool) error {
	inUse := func(name string) bool {
		for _, e := range existing {
			if e.Driver == DriverBridge && e.NetworkInterface == name {
				return true
			}
		}
		return false
	}
	switch {
	case n.NetworkInterface != "":
		if len(n.NetworkInterface) > 15 || strings.ContainsAny(n.NetworkInterface, "/ \t\n:") {
			return fmt.Errorf("network %s: bad bridge name %q: %w", n.Name, n.NetworkInterface, define.ErrInvalidArg)
		}
		if inUse(n.NetworkInterface) {
			return fmt.Errorf("network %s: bridge %s is used by another network: %w", n.Name, n.NetworkInterface, define.ErrExists)
		}
	case n.Name == DefaultName:
		n.NetworkInterface = defaultBridge
	default:
		for i := 1; ; i++ {
			name := "podlite" + strconv.Itoa(i)
			if !inUse(name) && !hostLink(name) {
				n.NetworkInterface = name
				break
			}
		}
	}
	return nil
}

// chooseSubnets validates the requested subnets (no overlap with each
// other or with another network) or picks a free one.
func chooseSubnets(n *Network, existing []*Network, hostNets []*net.IPNet) error {
	type owned struct {
		net   *net.IPNet
		owner string
	}
	var used []owned
	for _, e := range existing {
		for _, s := range e.Subnets {
			if _, ipnet, err := net.ParseCIDR(s.Subnet); err == nil {
				used = append(used, owned{ipnet, e.Name})
			}
		}
	}
	if len(n.Subnets) == 0 {
		if n.Name == DefaultName {
			n.Subnets = []Subnet{{Subnet: defaultSubnet, Gateway: defaultGateway}}
		} else {
			avoid := append([]*net.IPNet(nil), hostNets...)
			for _, u := range used {
				avoid = append(avoid, u.net)
			}
			free, err := freeSubnet(avoid)
			if err != nil {
				return fmt.Errorf("network %s: %w", n.Name, err)
			}
			n.Subnets = []Subnet{{Subnet: free.String()}}
		}
	}
	subnets := append([]Subnet(nil), n.Subnets...)
	for i := range subnets {
		ipnet, err := validateSubnet(n.Name, &subnets[i])
		if err != nil {
			return err
		}
		for _, u := range used {
			if overlaps(ipnet, u.net) {
				return fmt.Errorf("network %s: subnet %s overlaps subnet %s of %s: %w",
					n.Name, ipnet, u.net, u.owner, define.ErrInvalidArg)
			}
		}
		used = append(used, owned{ipnet, n.Name})
	}
	n.Subnets = subnets
	return nil
}

// Network implements Manager: name is a network name, a full ID or an
// unambiguous ID prefix.
func (c *CNI) Network(name string) (*Network, error) {
	if ValidateName(name) == nil {
		n, _, err := readConflist(c.conflistPath(name))
		if err == nil || !errors.Is(err, define.ErrNotFound) {
			return n, err
		}
	}
	all, err := c.Networks()
	if err != nil {
		return nil, err
	}
	var found *Network
	for _, n := range all {
		if name != "" && strings.HasPrefix(n.ID, name) {
			if found != nil {
				return nil, fmt.Errorf("network ID prefix %s is ambiguous: %w", name, define.ErrInvalidArg)
			}
			found = n
		}
	}
	if found == nil {
		return nil, fmt.Errorf("network %s: %w", name, define.ErrNotFound)
	}
	return found, nil
}

// Networks implements Manager: every conflist with podlite metadata in
// the configuration directory, sorted by name. Other files are skipped.
func (c *CNI) Networks() ([]*Network, error) {
	paths, err := filepath.Glob(filepath.Join(c.opts.ConfigDir, "*.conflist"))
	if err != nil {
		return nil, fmt.Errorf("listing networks in %s: %w", c.opts.ConfigDir, err)
	}
	var out []*Network
	for _, p := range paths {
		n, _, err := readConflist(p)
		if err != nil {
			if !errors.Is(err, define.ErrNotFound) {
				slog.Warn("skipping network config", "path", p, "error", err)
			}
			continue
		}
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveNetwork implements Manager. It deletes the conflist, the
// network's lease directory and, for bridge networks, the bridge; the
// caller has checked that none of its containers uses the network. A
// network on which any container holds an address (one of another root
// of the domain) is refused with define.ErrInvalidState, and the default
// network cannot be removed (define.ErrInvalidArg), as in podman.
func (c *CNI) RemoveNetwork(name string) error {
	unlock, err := c.lockDomain(true)
	if err != nil {
		return err
	}
	defer unlock()
	n, err := c.Network(name)
	if err != nil {
		return err
	}
	if n.Name == DefaultName {
		return fmt.Errorf("network %s is the default network and cannot be removed: %w", n.Name, define.ErrInvalidArg)
	}
	if err := c.refuseInUse(n); err != nil {
		return err
	}
	if err := c.removeLocked(n); err != nil {
		return err
	}
	if err := c.syncFirewall(); err != nil {
		slog.Warn("updating the networks' firewall", "network", n.Name, "error", err)
	}
	return nil
}

// RemoveUnused implements Manager: every network nobody holds an address
// on goes, the default one included, with its leases directory, bridge
// and firewall rules; the others stay and are returned.
func (c *CNI) RemoveUnused() (inUse []string, _ error) {
	unlock, err := c.lockDomain(true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	nets, err := c.Networks()
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, n := range nets {
		if err := c.refuseInUse(n); err != nil {
			if !errors.Is(err, define.ErrInvalidState) {
				errs = append(errs, err)
			}
			inUse = append(inUse, n.Name)
			continue
		}
		if err := c.removeLocked(n); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.syncFirewall(); err != nil {
		errs = append(errs, err)
	}
	return inUse, errors.Join(errs...)
}

// refuseInUse fails with define.ErrInvalidState when a container holds
// an address on the network, or has an interface on its bridge: a root
// of an older podlite keeps its leases under its own root, where this
// domain cannot see them.
func (c *CNI) refuseInUse(n *Network) error {
	leases, err := c.Leases(n.Name)
	if err != nil {
		return err
	}
	if len(leases) > 0 {
		return fmt.Errorf("network %s: %d container(s) hold addresses on it: %w", n.Name, len(holders(leases)), define.ErrInvalidState)
	}
	if n.Driver == DriverBridge {
		if ports := bridgePorts(n.NetworkInterface); ports > 0 {
			return fmt.Errorf("network %s: %d interface(s) are on its bridge %s: %w", n.Name, ports, n.NetworkInterface, define.ErrInvalidState)
		}
	}
	return nil
}

// bridgePorts counts the links whose master is the bridge name.
func bridgePorts(name string) int {
	br, err := netlink.LinkByName(name)
	if err != nil {
		return 0
	}
	links, err := netlink.LinkList()
	if err != nil {
		slog.Warn("listing links", "error", err)
		return 0
	}
	ports := 0
	for _, l := range links {
		if l.Attrs().MasterIndex == br.Attrs().Index {
			ports++
		}
	}
	return ports
}

// removeLocked deletes a network's conflist, leases directory and bridge.
// The caller holds the domain lock and syncs the firewall afterwards.
func (c *CNI) removeLocked(n *Network) error {
	if err := os.Remove(c.conflistPath(n.Name)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing network %s: %w", n.Name, err)
	}
	if err := os.RemoveAll(filepath.Join(c.ipamDir(), n.Name)); err != nil {
		slog.Warn("removing leases of network", "network", n.Name, "error", err)
	}
	if n.Driver == DriverBridge {
		if err := deleteBridge(n.NetworkInterface); err != nil {
			slog.Warn("removing bridge of network", "network", n.Name, "bridge", n.NetworkInterface, "error", err)
		}
	}
	return nil
}

func linkExists(name string) bool {
	_, err := net.InterfaceByName(name)
	return err == nil
}

// deleteBridge removes the bridge link name if it exists and is a bridge.
func deleteBridge(name string) error {
	link, err := netlink.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil
		}
		return err
	}
	if link.Type() != "bridge" {
		return nil
	}
	return netlink.LinkDel(link)
}

func (c *CNI) conflistPath(name string) string {
	return filepath.Join(c.opts.ConfigDir, name+".conflist")
}

// lockDomain takes the cross-process lock of the network domain (a file
// in the configuration directory): shared by every CNI ADD, exclusive for
// creating and removing networks and for freeing a lease and taking it
// again in one step (Setup of a container that holds addresses), so that
// no ADD slips in between. A process takes it once at a time: flock
// locks of one process on two descriptors conflict.
func (c *CNI) lockDomain(exclusive bool) (func(), error) {
	return LockFile(filepath.Join(c.opts.ConfigDir, ".podlite-networks.lock"), exclusive)
}

// LockFile takes an flock on path (made if missing), shared or exclusive,
// and returns its release.
func LockFile(path string, exclusive bool) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening network lock %s: %w", path, err)
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { _ = f.Close() }, nil
}
