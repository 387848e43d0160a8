package netconf

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// Choice is what --network, --ip and --mac-address ask for.
type Choice struct {
	// Mode is the container's network mode: define.NetworkNone,
	// NetworkHost, NetworkBridge, "ns:PATH" or "container:NAME".
	Mode string
	// NetNS is the spec's network namespace: "" for a new one, "host", or
	// a path.
	NetNS string
	// Networks are the CNI networks to join (NetworkBridge only), each
	// with its interface name and static addresses.
	Networks map[string]define.NetworkAttachment
	// NetworkOptions are pasta's extra options or slirp4netns's
	// KEY=VALUE options (NetworkPasta, NetworkSlirp only).
	NetworkOptions []string
}

// ParseNetwork reads --network: bridge (the default network), none,
// host, ns:PATH, container:NAME, pasta[:OPT,OPT],
// slirp4netns[:KEY=VALUE,...], or NAME[:ip=IP,mac=MAC][,NAME…].
func ParseNetwork(n, ip, mac string) (Choice, error) {
	if mode, opts, _ := strings.Cut(n, ":"); mode == define.NetworkPasta || mode == define.NetworkSlirp {
		c := Choice{Mode: mode}
		if opts != "" {
			c.NetworkOptions = strings.Split(opts, ",")
		}
		if mode == define.NetworkSlirp {
			if err := checkSlirpOptions(c.NetworkOptions); err != nil {
				return Choice{}, err
			}
		}
		return c, onlyWithCNI(ip, mac, n)
	}
	switch n {
	case "none", "private":
		return Choice{Mode: define.NetworkNone}, onlyWithCNI(ip, mac, n)
	case "host":
		return Choice{Mode: define.NetworkHost, NetNS: "host"}, onlyWithCNI(ip, mac, n)
	case "", define.NetworkBridge:
		n = network.DefaultName
	}
	if path, ok := strings.CutPrefix(n, "ns:"); ok {
		if !filepath.IsAbs(path) {
			return Choice{}, fmt.Errorf("network namespace path %q is not absolute: %w", path, define.ErrInvalidArg)
		}
		return Choice{Mode: n, NetNS: path}, onlyWithCNI(ip, mac, n)
	}
	if strings.HasPrefix(n, "container:") {
		return Choice{Mode: n}, onlyWithCNI(ip, mac, n)
	}
	c := Choice{Mode: define.NetworkBridge, Networks: map[string]define.NetworkAttachment{}}
	var order []string
	for _, item := range splitNetworks(n) {
		name, opts, _ := strings.Cut(item, ":")
		if name == "" || c.Networks[name].InterfaceName != "" {
			return Choice{}, fmt.Errorf("invalid --network %q: empty or repeated network name: %w", n, define.ErrInvalidArg)
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
					return Choice{}, fmt.Errorf("invalid --network %q: %q is not an IP address: %w", n, v, define.ErrInvalidArg)
				}
				att.StaticIPs = append(att.StaticIPs, v)
			case "mac":
				if _, err := net.ParseMAC(v); err != nil {
					return Choice{}, fmt.Errorf("invalid --network %q: %q is not a MAC address: %w", n, v, define.ErrInvalidArg)
				}
				att.StaticMAC = v
			case "alias":
				att.Aliases = append(att.Aliases, v)
			case "interface_name":
				att.InterfaceName = v
			default:
				return Choice{}, fmt.Errorf("invalid --network %q: unknown option %q: %w", n, k, define.ErrInvalidArg)
			}
		}
		c.Networks[name] = att
		order = append(order, name)
	}
	if ip != "" || mac != "" {
		if len(order) != 1 {
			return Choice{}, fmt.Errorf("--ip and --mac-address need exactly one network: %w", define.ErrInvalidArg)
		}
		att := c.Networks[order[0]]
		if ip != "" {
			if net.ParseIP(ip) == nil {
				return Choice{}, fmt.Errorf("invalid --ip %q: %w", ip, define.ErrInvalidArg)
			}
			att.StaticIPs = append(att.StaticIPs, ip)
		}
		if mac != "" {
			if _, err := net.ParseMAC(mac); err != nil {
				return Choice{}, fmt.Errorf("invalid --mac-address %q: %w", mac, define.ErrInvalidArg)
			}
			att.StaticMAC = mac
		}
		c.Networks[order[0]] = att
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

// checkSlirpOptions checks slirp4netns's options as podman names them.
// Only slirp4netns's own port handler exists here: podman's default,
// rootlesskit's, is another program.
func checkSlirpOptions(opts []string) error {
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		var err error
		switch k {
		case "port_handler":
			if v != "slirp4netns" {
				return fmt.Errorf("--network slirp4netns: port_handler %q: only slirp4netns is supported (rootlesskit is not installed with podlite): %w", v, define.ErrNotSupported)
			}
		case "allow_host_loopback", "enable_ipv6":
			_, err = strconv.ParseBool(v)
		case "mtu":
			_, err = strconv.ParseUint(v, 10, 16)
		default:
			return fmt.Errorf("--network slirp4netns: unknown option %q (port_handler, allow_host_loopback, enable_ipv6, mtu): %w", k, define.ErrInvalidArg)
		}
		if err != nil {
			return fmt.Errorf("--network slirp4netns: option %q: %w", o, define.ErrInvalidArg)
		}
	}
	return nil
}
