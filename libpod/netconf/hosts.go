package netconf

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"net"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// LoopbackHosts is the /etc/hosts a container starts from unless it
// shares the host's network, where it starts from the host's file.
const LoopbackHosts = "127.0.0.1\tlocalhost localhost.localdomain\n::1\tlocalhost localhost.localdomain\n"

// BaseHosts is a container's hosts.base: from (LoopbackHosts or the host's
// /etc/hosts) followed by the --add-host entries, each NAME:IP.
func BaseHosts(from string, hostAdd []string) string {
	base := from
	for _, h := range hostAdd {
		name, ip, _ := strings.Cut(h, ":")
		base += fmt.Sprintf("%s\t%s\n", ip, name)
	}
	return base
}

// HostsWithOwnName is the /etc/hosts of a container outside CNI networks:
// base with its hostname and name on 127.0.1.1.
func HostsWithOwnName(base, hostname, name string) string {
	return base + fmt.Sprintf("127.0.1.1\t%s %s\n", hostname, name)
}

// HostsWithAddresses is the /etc/hosts of a container on CNI networks:
// base with its hostname and name on each of its addresses, networks in
// name order, then host.containers.internal on the first gateway.
func HostsWithAddresses(base, hostname, name string, status network.Status) string {
	var b strings.Builder
	b.WriteString(base)
	names := slices.Sorted(maps.Keys(status))
	for _, n := range names {
		for _, a := range status[n].Addresses {
			ip, _, _ := net.ParseCIDR(a.IP)
			if ip == nil {
				continue
			}
			fmt.Fprintf(&b, "%s\t%s %s\n", ip, hostname, name)
		}
	}
	for _, n := range names {
		for _, a := range status[n].Addresses {
			if a.Gateway != "" {
				fmt.Fprintf(&b, "%s\thost.containers.internal\n", a.Gateway)
				return b.String()
			}
		}
	}
	return b.String()
}

// ResolvConf is a container's resolv.conf, made from the host's file:
// --dns, --dns-search and --dns-option replace the host's lines of their
// kind where given. Unless hostNetwork, loopback resolvers are dropped:
// in the container's own network namespace they would point at the
// container itself.
func ResolvConf(host []byte, hostNetwork bool, n define.NetworkConfig) string {
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(host))
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 1 {
			switch fields[0] {
			case "nameserver":
				if len(n.DNSServers) > 0 {
					continue
				}
				if ip := net.ParseIP(fieldOr(fields, 1)); !hostNetwork && ip != nil && ip.IsLoopback() {
					continue
				}
			case "search", "domain":
				if len(n.DNSSearch) > 0 {
					continue
				}
			case "options":
				if len(n.DNSOptions) > 0 {
					continue
				}
			}
		}
		out.WriteString(line + "\n")
	}
	for _, s := range n.DNSServers {
		fmt.Fprintf(&out, "nameserver %s\n", s)
	}
	if len(n.DNSSearch) > 0 {
		fmt.Fprintf(&out, "search %s\n", strings.Join(n.DNSSearch, " "))
	}
	if len(n.DNSOptions) > 0 {
		fmt.Fprintf(&out, "options %s\n", strings.Join(n.DNSOptions, " "))
	}
	return out.String()
}

func fieldOr(fields []string, i int) string {
	if i < len(fields) {
		return fields[i]
	}
	return ""
}
