package network

import (
	"fmt"
	"net"

	"github.com/podlite/podlite/libpod/define"
)

// portMapEntry is one element of the portMappings capability argument,
// as the portmap plugin reads it.
type portMapEntry struct {
	HostPort      int    `json:"hostPort"`
	ContainerPort int    `json:"containerPort"`
	Protocol      string `json:"protocol"`
	HostIP        string `json:"hostIP,omitempty"`
}

// expandPorts turns port mappings into portmap entries, one per port of
// each Range; protocol defaults to tcp.
func expandPorts(ports []PortMapping) ([]portMapEntry, error) {
	var out []portMapEntry
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = "tcp"
		}
		if proto != "tcp" && proto != "udp" && proto != "sctp" {
			return nil, fmt.Errorf("port %d: protocol %q: %w", p.ContainerPort, p.Protocol, define.ErrInvalidArg)
		}
		if p.HostIP != "" && net.ParseIP(p.HostIP) == nil {
			return nil, fmt.Errorf("port %d: host IP %q: %w", p.ContainerPort, p.HostIP, define.ErrInvalidArg)
		}
		n := int(p.Range)
		if n == 0 {
			n = 1
		}
		host := int(p.HostPort)
		if host == 0 {
			host = int(p.ContainerPort)
		}
		if p.ContainerPort == 0 || int(p.ContainerPort)+n-1 > 65535 || host+n-1 > 65535 {
			return nil, fmt.Errorf("port mapping %d:%d range %d is out of bounds: %w", p.HostPort, p.ContainerPort, n, define.ErrInvalidArg)
		}
		for i := 0; i < n; i++ {
			out = append(out, portMapEntry{
				HostPort:      host + i,
				ContainerPort: int(p.ContainerPort) + i,
				Protocol:      proto,
				HostIP:        p.HostIP,
			})
		}
	}
	return out, nil
}
