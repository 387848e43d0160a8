package networktest

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// Call is one Setup or Teardown the fake received.
type Call struct {
	Op      string // "Setup" or "Teardown"
	Request network.Request
}

// Manager is an in-memory network.Manager for libpod's unit tests. The
// default network is 10.99.0.0/24 (gateway 10.99.0.1) and hands out
// 10.99.0.2, 10.99.0.3, ... in order; other networks without a subnet get
// 10.99.N.0/24. It keeps leases per network (held ones survive
// Teardown, as host-local's held lease files do), honours static IPs and
// MACs with the same errors as the CNI manager, and records every Setup
// and Teardown. It is safe for concurrent use.
type Manager struct {
	// SetupErr, if set, is returned by Setup (after validation) without
	// attaching anything; TeardownErr likewise by Teardown.
	SetupErr, TeardownErr error

	mu       sync.Mutex
	networks map[string]*network.Network
	leases   map[string]map[string]string // network -> IP -> container ID
	held     map[string]bool              // network/IP of held leases
	calls    []Call
	nextID   int
}

var _ network.Manager = (*Manager)(nil)

// New returns an empty fake.
func New() *Manager {
	return &Manager{networks: map[string]*network.Network{}, leases: map[string]map[string]string{}, held: map[string]bool{}}
}

// Calls returns the Setup and Teardown calls so far.
func (m *Manager) Calls() []Call {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Call(nil), m.calls...)
}

// Leases implements network.Manager.
func (m *Manager) Leases(name string) (map[string]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]string{}
	for ip, id := range m.leases[name] {
		out[ip] = id
	}
	return out, nil
}

// Setup implements network.Manager.
func (m *Manager) Setup(_ context.Context, req network.Request) (network.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, Call{"Setup", req})
	if req.ContainerID == "" {
		return nil, fmt.Errorf("network request without container ID: %w", define.ErrInvalidArg)
	}
	for _, p := range req.Ports {
		if p.ContainerPort == 0 || (p.Protocol != "" && p.Protocol != "tcp" && p.Protocol != "udp" && p.Protocol != "sctp") {
			return nil, fmt.Errorf("port mapping %+v: %w", p, define.ErrInvalidArg)
		}
	}
	names := sortedKeys(req.Networks)
	if _, ok := req.Networks[network.DefaultName]; ok && m.networks[network.DefaultName] == nil {
		if _, err := m.createLocked(defaultNetwork()); err != nil {
			return nil, err
		}
	}
	// The container's held leases are its to take again.
	for _, name := range names {
		m.dropLeasesLocked(name, req.ContainerID, true)
	}
	// Validate everything first: nothing is leased on failure.
	for _, name := range names {
		n, ok := m.networks[name]
		if !ok {
			return nil, fmt.Errorf("network %s: %w", name, define.ErrNotFound)
		}
		att := req.Networks[name]
		if att.StaticMAC != "" {
			if _, err := net.ParseMAC(att.StaticMAC); err != nil {
				return nil, fmt.Errorf("mac address %q: %w", att.StaticMAC, define.ErrInvalidArg)
			}
		}
		_, ipnet, _ := net.ParseCIDR(n.Subnets[0].Subnet)
		for _, ip := range att.StaticIPs {
			if !ipnet.Contains(ip) {
				return nil, fmt.Errorf("ip %s is not in subnet %s of network %s: %w", ip, ipnet, name, define.ErrInvalidArg)
			}
			if owner, ok := m.leases[name][ip.String()]; ok && owner != req.ContainerID || ip.String() == n.Subnets[0].Gateway {
				return nil, fmt.Errorf("ip %s is already in use on network %s: %w", ip, name, define.ErrExists)
			}
		}
	}
	if m.SetupErr != nil {
		return nil, m.SetupErr
	}
	st := network.Status{}
	for i, name := range names {
		n, att := m.networks[name], req.Networks[name]
		_, ipnet, _ := net.ParseCIDR(n.Subnets[0].Subnet)
		ip := firstOf(att.StaticIPs, ipnet)
		if ip == nil {
			ip = m.freeIP(name, ipnet, n.Subnets[0].Gateway)
		}
		if ip == nil {
			m.releaseLocked(req.ContainerID)
			return nil, fmt.Errorf("network %s is full: %w", name, define.ErrUnavailable)
		}
		if m.leases[name] == nil {
			m.leases[name] = map[string]string{}
		}
		m.leases[name][ip.String()] = req.ContainerID
		ifname := att.InterfaceName
		if ifname == "" {
			ifname = fmt.Sprintf("eth%d", i)
		}
		mac := att.StaticMAC
		if mac == "" {
			v4 := ip.To4()
			mac = fmt.Sprintf("02:42:%02x:%02x:%02x:%02x", v4[0], v4[1], v4[2], v4[3])
		}
		ones, _ := ipnet.Mask.Size()
		st[name] = network.NetworkStatus{
			Interface: ifname,
			MAC:       strings.ToLower(mac),
			Addresses: []network.Address{{IP: fmt.Sprintf("%s/%d", ip, ones), Gateway: n.Subnets[0].Gateway}},
		}
	}
	return st, nil
}

// Teardown implements network.Manager: it frees the container's leases.
func (m *Manager) Teardown(_ context.Context, req network.Request) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = append(m.calls, Call{"Teardown", req})
	if m.TeardownErr != nil {
		return m.TeardownErr
	}
	for name := range req.Networks {
		m.dropLeasesLocked(name, req.ContainerID, false)
	}
	return nil
}

// dropLeasesLocked frees the container's leases on a network; held ones
// too if withHeld.
func (m *Manager) dropLeasesLocked(name, containerID string, withHeld bool) {
	for ip, id := range m.leases[name] {
		if id == containerID && (withHeld || !m.held[name+"/"+ip]) {
			delete(m.leases[name], ip)
			delete(m.held, name+"/"+ip)
		}
	}
}

// CreateNetwork implements network.Manager (bridge driver only).
func (m *Manager) CreateNetwork(n network.Network) (*network.Network, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.createLocked(n)
}

func (m *Manager) createLocked(n network.Network) (*network.Network, error) {
	if err := network.ValidateName(n.Name); err != nil {
		return nil, err
	}
	if _, ok := m.networks[n.Name]; ok {
		return nil, fmt.Errorf("network %s: %w", n.Name, define.ErrExists)
	}
	if n.Driver == "" {
		n.Driver = network.DriverBridge
	}
	if n.Driver != network.DriverBridge {
		return nil, fmt.Errorf("network %s: driver %q: %w", n.Name, n.Driver, define.ErrInvalidArg)
	}
	if len(n.Subnets) == 0 {
		third := 0
		if n.Name != network.DefaultName {
			third = m.nextID + 1
		}
		n.Subnets = []network.Subnet{{Subnet: fmt.Sprintf("10.99.%d.0/24", third)}}
	}
	for i := range n.Subnets {
		s := &n.Subnets[i]
		ip, ipnet, err := net.ParseCIDR(s.Subnet)
		if err != nil || !ip.Equal(ipnet.IP) || ip.To4() == nil {
			return nil, fmt.Errorf("network %s: subnet %q: %w", n.Name, s.Subnet, define.ErrInvalidArg)
		}
		if s.Gateway == "" {
			gw := make(net.IP, 4)
			binary.BigEndian.PutUint32(gw, binary.BigEndian.Uint32(ipnet.IP.To4())+1)
			s.Gateway = gw.String()
		} else if !ipnet.Contains(net.ParseIP(s.Gateway)) {
			return nil, fmt.Errorf("network %s: gateway %s is not in subnet %s: %w", n.Name, s.Gateway, s.Subnet, define.ErrInvalidArg)
		}
		for _, e := range m.networks {
			_, other, _ := net.ParseCIDR(e.Subnets[0].Subnet)
			if other.Contains(ipnet.IP) || ipnet.Contains(other.IP) {
				return nil, fmt.Errorf("network %s: subnet %s overlaps subnet %s of %s: %w", n.Name, ipnet, other, e.Name, define.ErrInvalidArg)
			}
		}
	}
	if n.NetworkInterface == "" {
		n.NetworkInterface = fmt.Sprintf("podlite%d", m.nextID)
	}
	m.nextID++
	id := make([]byte, 32)
	_, _ = rand.Read(id)
	n.ID = hex.EncodeToString(id)
	n.Created = time.Now().UTC()
	m.networks[n.Name] = &n
	c := n
	return &c, nil
}

// EnsureDefault implements network.Manager.
func (m *Manager) EnsureDefault() (*network.Network, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.networks[network.DefaultName]; ok {
		c := *n
		return &c, nil
	}
	return m.createLocked(defaultNetwork())
}

func defaultNetwork() network.Network {
	return network.Network{Name: network.DefaultName, NetworkInterface: "podlite0"}
}

// Network implements network.Manager: by name, full ID or ID prefix.
func (m *Manager) Network(name string) (*network.Network, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookupLocked(name)
	if err != nil {
		return nil, err
	}
	c := *n
	return &c, nil
}

func (m *Manager) lookupLocked(name string) (*network.Network, error) {
	if n, ok := m.networks[name]; ok {
		return n, nil
	}
	var found *network.Network
	for _, n := range m.networks {
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

// Networks implements network.Manager.
func (m *Manager) Networks() ([]*network.Network, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*network.Network
	for _, name := range sortedKeys(m.networks) {
		c := *m.networks[name]
		out = append(out, &c)
	}
	return out, nil
}

// RemoveNetwork implements network.Manager.
func (m *Manager) RemoveNetwork(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, err := m.lookupLocked(name)
	if err != nil {
		return err
	}
	if n.Name == network.DefaultName {
		return fmt.Errorf("network %s is the default network and cannot be removed: %w", n.Name, define.ErrInvalidArg)
	}
	if len(m.leases[n.Name]) > 0 {
		return fmt.Errorf("network %s: containers hold addresses on it: %w", n.Name, define.ErrInvalidState)
	}
	delete(m.networks, n.Name)
	return nil
}

// Hold implements network.Manager.
func (m *Manager) Hold(containerID string, st network.Status) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, ns := range st {
		for _, a := range ns.Addresses {
			ip, _, err := net.ParseCIDR(a.IP)
			if err != nil {
				continue
			}
			if owner, ok := m.leases[name][ip.String()]; ok && owner != containerID {
				return fmt.Errorf("holding %s on network %s: leased to %s: %w", ip, name, owner, define.ErrExists)
			}
			if m.leases[name] == nil {
				m.leases[name] = map[string]string{}
			}
			m.leases[name][ip.String()] = containerID
			m.held[name+"/"+ip.String()] = true
		}
	}
	return nil
}

// Release implements network.Manager.
func (m *Manager) Release(containerID string, st network.Status) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for name, ns := range st {
		for _, a := range ns.Addresses {
			if ip, _, err := net.ParseCIDR(a.IP); err == nil && m.leases[name][ip.String()] == containerID {
				delete(m.leases[name], ip.String())
				delete(m.held, name+"/"+ip.String())
			}
		}
	}
	return nil
}

// ReloadFirewall implements network.Manager: the fake has no firewall.
func (m *Manager) ReloadFirewall() error { return nil }

// RemoveUnused implements network.Manager.
func (m *Manager) RemoveUnused() ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var inUse []string
	for _, name := range sortedKeys(m.networks) {
		if len(m.leases[name]) > 0 {
			inUse = append(inUse, name)
			continue
		}
		delete(m.networks, name)
	}
	return inUse, nil
}

func (m *Manager) freeIP(name string, ipnet *net.IPNet, gateway string) net.IP {
	base := binary.BigEndian.Uint32(ipnet.IP.To4())
	ones, bits := ipnet.Mask.Size()
	for off := uint32(1); off < 1<<(bits-ones)-1; off++ {
		ip := make(net.IP, 4)
		binary.BigEndian.PutUint32(ip, base+off)
		if _, taken := m.leases[name][ip.String()]; !taken && ip.String() != gateway {
			return ip
		}
	}
	return nil
}

func (m *Manager) releaseLocked(containerID string) {
	for name := range m.leases {
		m.dropLeasesLocked(name, containerID, false)
	}
}

func firstOf(ips []net.IP, in *net.IPNet) net.IP {
	for _, ip := range ips {
		if in.Contains(ip) {
			return ip.To4()
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
