package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// networkChoice is what --network, --ip and --mac-address ask for.
type networkChoice struct {
	mode string // define.NetworkNone, NetworkHost, NetworkBridge, "ns:PATH", "container:ID"
	// netNS is the spec's network namespace: "" for a new one, "host", or
	// a path.
	netNS    string
	networks map[string]define.NetworkAttachment
}

// parseNetworkMode reads --network: bridge (the default network), none,
// host, ns:PATH, container:NAME, or NAME[:ip=IP,mac=MAC][,NAME…].
func parseNetworkMode(n, ip, mac string) (networkChoice, error) {
	switch n {
	case "none", "private":
		return networkChoice{mode: define.NetworkNone}, onlyWithCNI(ip, mac, n)
	case "host":
		return networkChoice{mode: define.NetworkHost, netNS: "host"}, onlyWithCNI(ip, mac, n)
	case "", define.NetworkBridge:
		n = network.DefaultName
	}
	if path, ok := strings.CutPrefix(n, "ns:"); ok {
		if !filepath.IsAbs(path) {
			return networkChoice{}, fmt.Errorf("network namespace path %q is not absolute: %w", path, define.ErrInvalidArg)
		}
		return networkChoice{mode: n, netNS: path}, onlyWithCNI(ip, mac, n)
	}
	if strings.HasPrefix(n, "container:") {
		return networkChoice{mode: n}, onlyWithCNI(ip, mac, n)
	}
	c := networkChoice{mode: define.NetworkBridge, networks: map[string]define.NetworkAttachment{}}
	var order []string
	for _, item := range splitNetworks(n) {
		name, opts, _ := strings.Cut(item, ":")
		if name == "" || c.networks[name].InterfaceName != "" {
			return networkChoice{}, fmt.Errorf("invalid --network %q: empty or repeated network name: %w", n, define.ErrInvalidArg)
		}
		att := define.NetworkAttachment{InterfaceName: "eth" + strconv.Itoa(len(order))}
		for _, kv := range strings.Split(opts, ",") {
			if kv == "" {
				continue
			}
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "ip":
				if net.ParseIP(v) == nil {
					return networkChoice{}, fmt.Errorf("invalid --network %q: %q is not an IP address: %w", n, v, define.ErrInvalidArg)
				}
				att.StaticIPs = append(att.StaticIPs, v)
			case "mac":
				if _, err := net.ParseMAC(v); err != nil {
					return networkChoice{}, fmt.Errorf("invalid --network %q: %q is not a MAC address: %w", n, v, define.ErrInvalidArg)
				}
				att.StaticMAC = v
			case "alias":
				att.Aliases = append(att.Aliases, v)
			case "interface_name":
				att.InterfaceName = v
			default:
				return networkChoice{}, fmt.Errorf("invalid --network %q: unknown option %q: %w", n, k, define.ErrInvalidArg)
			}
		}
		c.networks[name] = att
		order = append(order, name)
	}
	if ip != "" || mac != "" {
		if len(order) != 1 {
			return networkChoice{}, fmt.Errorf("--ip and --mac-address need exactly one network: %w", define.ErrInvalidArg)
		}
		att := c.networks[order[0]]
		if ip != "" {
			if net.ParseIP(ip) == nil {
				return networkChoice{}, fmt.Errorf("invalid --ip %q: %w", ip, define.ErrInvalidArg)
			}
			att.StaticIPs = append(att.StaticIPs, ip)
		}
		if mac != "" {
			if _, err := net.ParseMAC(mac); err != nil {
				return networkChoice{}, fmt.Errorf("invalid --mac-address %q: %w", mac, define.ErrInvalidArg)
			}
			att.StaticMAC = mac
		}
		c.networks[order[0]] = att
	}
	return c, nil
}

// splitNetworks splits "a:ip=1,mac=2,b" into "a:ip=1,mac=2" and "b": a
// comma starts a new network unless what follows is an option.
func splitNetworks(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if k, _, ok := strings.Cut(part, "="); ok && len(out) > 0 && !strings.Contains(k, ":") {
			out[len(out)-1] += "," + part
			continue
		}
		out = append(out, part)
	}
	return out
}

func onlyWithCNI(ip, mac, mode string) error {
	if ip != "" || mac != "" {
		return fmt.Errorf("--ip and --mac-address need a CNI network, not --network %s: %w", mode, define.ErrInvalidArg)
	}
	return nil
}

// checkNetworks makes sure the container's networks exist, creating the
// default network on first use.
func (r *Runtime) checkNetworks(nets map[string]define.NetworkAttachment) error {
	if len(nets) == 0 {
		return nil
	}
	mgr, err := r.Network()
	if err != nil {
		return err
	}
	for name := range nets {
		if name == network.DefaultName {
			if _, err := mgr.EnsureDefault(); err != nil {
				return err
			}
			continue
		}
		if _, err := mgr.Network(name); err != nil {
			return err
		}
	}
	return nil
}

// resolvePorts fills in random host ports and refuses a host port another
// container already publishes.
func (r *Runtime) resolvePorts(ports []define.PortMapping) error {
	recs, err := r.store.AllContainers()
	if err != nil {
		return err
	}
	for i := range ports {
		p := &ports[i]
		if p.HostPort == 0 {
			if p.HostPort, err = freeHostPort(p.Protocol, p.HostIP); err != nil {
				return fmt.Errorf("choosing a host port for %d/%s: %w", p.ContainerPort, p.Protocol, err)
			}
			p.Range = 1
		}
		for _, rec := range recs {
			for _, q := range rec.Config.Network.Ports {
				if portsOverlap(*p, q) {
					return fmt.Errorf("host port %d/%s is already published by container %s: %w", p.HostPort, p.Protocol, rec.Config.Name, define.ErrExists)
				}
			}
		}
	}
	return nil
}

// networks is the container's current CNI network list.
func (c *Container) networks() map[string]define.NetworkAttachment {
	if c.state != nil && c.state.Networks != nil {
		return c.state.Networks
	}
	return c.config.Network.Networks
}

// usesCNI reports whether the container's networking goes through CNI.
func (c *Container) usesCNI() bool { return len(c.networks()) > 0 }

// request is the container's CNI request for a namespace.
func (c *Container) request(netns string) network.Request {
	req := network.Request{ContainerID: c.config.ID, ContainerName: c.config.Name, NetNS: netns,
		Networks: map[string]network.Attachment{}}
	for name, a := range c.networks() {
		req.Networks[name] = toAttachment(a)
	}
	for _, p := range c.config.Network.Ports {
		req.Ports = append(req.Ports, network.PortMapping{HostIP: p.HostIP, HostPort: p.HostPort,
			ContainerPort: p.ContainerPort, Protocol: p.Protocol, Range: max(p.Range, 1)})
	}
	return req
}

func toAttachment(a define.NetworkAttachment) network.Attachment {
	att := network.Attachment{InterfaceName: a.InterfaceName, StaticMAC: a.StaticMAC, Aliases: a.Aliases}
	for _, ip := range a.StaticIPs {
		att.StaticIPs = append(att.StaticIPs, net.ParseIP(ip))
	}
	return att
}

// withSavedAddresses asks each network of req for the address and MAC a
// checkpointed container had there (restore --ignore-static-ip/mac clear
// them from saved beforehand).
func withSavedAddresses(req network.Request, saved network.Status) {
	for name, att := range req.Networks {
		st, ok := saved[name]
		if !ok {
			continue
		}
		if len(att.StaticIPs) == 0 {
			for _, a := range st.Addresses {
				if ip, _, err := net.ParseCIDR(a.IP); err == nil {
					att.StaticIPs = append(att.StaticIPs, ip)
				}
			}
		}
		if att.StaticMAC == "" {
			att.StaticMAC = st.MAC
		}
		req.Networks[name] = att
	}
}

// setupNetworkLocked gives a starting container its network namespace:
// a new one joined to its CNI networks, another container's, or the path it
// was created with. It sets the spec's namespace path accordingly.
func (c *Container) setupNetworkLocked(ctx context.Context, s *specs.Spec, restore *network.Status) error {
	var path string
	switch {
	case c.usesCNI():
		mgr, err := c.rt.Network()
		if err != nil {
			return err
		}
		ns, err := network.NewNamespace(c.rt.netnsDir(), c.config.ID)
		if err != nil {
			return err
		}
		req := c.request(ns)
		if restore != nil {
			withSavedAddresses(req, *restore)
		}
		status, err := mgr.Setup(ctx, req)
		if err != nil {
			_ = network.RemoveNamespace(ns)
			return fmt.Errorf("connecting container %s to its networks: %w", c.config.Name, err)
		}
		raw, _ := json.Marshal(status)
		c.state.Network = define.NetworkState{NetNS: ns, Status: raw}
		if err := writeFileAtomic(filepath.Join(c.userDir(), "network.status"), raw); err != nil {
			return err
		}
		if err := c.writeHostsWithIPs(status); err != nil {
			return err
		}
		path = ns
	case strings.HasPrefix(c.config.NetworkMode, "container:"):
		other, err := c.rt.containerByID(strings.TrimPrefix(c.config.NetworkMode, "container:"))
		if err != nil {
			return fmt.Errorf("joining the network of another container: %w", err)
		}
		if other.state.Status != define.StatusRunning {
			return fmt.Errorf("container %s shares the network of %s, which is not running: %w", c.config.Name, other.config.Name, define.ErrInvalidState)
		}
		path = fmt.Sprintf("/proc/%d/ns/net", other.state.PID)
	case strings.HasPrefix(c.config.NetworkMode, "ns:"):
		path = strings.TrimPrefix(c.config.NetworkMode, "ns:")
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("network namespace %s of container %s: %w", path, c.config.Name, define.ErrNotFound)
		}
	default:
		return nil
	}
	for i, ns := range s.Linux.Namespaces {
		if ns.Type == specs.NetworkNamespace {
			s.Linux.Namespaces[i].Path = path
		}
	}
	return nil
}

// teardownNetworkLocked disconnects the container from its networks (CNI
// DEL) and removes its namespace; once done, it does nothing. The saved
// network.status stays for a later restore.
func (c *Container) teardownNetworkLocked(ctx context.Context) error {
	st := c.state.Network
	if st.NetNS == "" && len(st.Status) == 0 {
		return nil
	}
	mgr, err := c.rt.Network()
	if err != nil {
		return err
	}
	if err := mgr.Teardown(ctx, c.request(st.NetNS)); err != nil {
		return fmt.Errorf("disconnecting container %s from its networks: %w", c.config.Name, err)
	}
	if st.NetNS != "" {
		if err := network.RemoveNamespace(st.NetNS); err != nil {
			return err
		}
	}
	c.state.Network = define.NetworkState{}
	return nil
}

// NetworkStatus returns the container's current CNI status (empty when it
// is not connected).
func (c *Container) NetworkStatus() (network.Status, error) {
	if len(c.state.Network.Status) == 0 {
		return network.Status{}, nil
	}
	var st network.Status
	if err := json.Unmarshal(c.state.Network.Status, &st); err != nil {
		return nil, fmt.Errorf("reading the network status of %s: %w", c.config.Name, err)
	}
	return st, nil
}

// writeHostsWithIPs adds the container's own addresses and the host's
// address on its first network (host.containers.internal) to its
// /etc/hosts, before the container starts.
func (c *Container) writeHostsWithIPs(status network.Status) error {
	path := filepath.Join(c.userDir(), "hosts")
	base, err := os.ReadFile(filepath.Join(c.userDir(), "hosts.base"))
	if err != nil {
		return err
	}
	var b strings.Builder
	b.Write(base)
	names := slices.Sorted(maps.Keys(status))
	hostname := c.config.Spec.Hostname
	for _, name := range names {
		for _, a := range status[name].Addresses {
			ip, _, _ := net.ParseCIDR(a.IP)
			if ip == nil {
				continue
			}
			fmt.Fprintf(&b, "%s\t%s %s\n", ip, hostname, c.config.Name)
		}
	}
	for _, name := range names {
		for _, a := range status[name].Addresses {
			if a.Gateway != "" {
				fmt.Fprintf(&b, "%s\thost.containers.internal\n", a.Gateway)
				return os.WriteFile(path, []byte(b.String()), 0o644)
			}
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// finishNetworkConfig completes the network part of a new container's
// config with what needs the image or the system: -P's exposed ports,
// random host ports, the networks' existence and the other container of
// --network container:NAME.
func (r *Runtime) finishNetworkConfig(cfg *define.ContainerConfig, opts *CreateOptions, exposed []string) error {
	n := &cfg.Network
	if opts.PublishAll {
		for _, e := range append(append([]string{}, exposed...), opts.Expose...) {
			port, proto, _ := strings.Cut(e, "/")
			if proto == "" {
				proto = "tcp"
			}
			m, err := ParsePortMappings([]string{port + "/" + proto})
			if err != nil {
				return fmt.Errorf("exposed port %q: %w", e, err)
			}
			if !slices.ContainsFunc(n.Ports, func(p define.PortMapping) bool {
				return p.ContainerPort == m[0].ContainerPort && p.Protocol == m[0].Protocol
			}) {
				n.Ports = append(n.Ports, m[0])
			}
		}
	}
	if name, ok := strings.CutPrefix(cfg.NetworkMode, "container:"); ok {
		other, err := r.LookupContainer(name)
		if err != nil {
			return fmt.Errorf("--network container:%s: %w", name, err)
		}
		cfg.NetworkMode = "container:" + other.ID()
	}
	if err := r.checkNetworks(n.Networks); err != nil {
		return err
	}
	return r.resolvePorts(n.Ports)
}
