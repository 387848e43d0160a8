package network

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Route is a static route every container of a network gets (network
// create --route), in podman's inspect shape.
type Route struct {
	Destination string `json:"destination"` // CIDR
	Gateway     string `json:"gateway"`
	// Metric is podman's optional third field; host-local cannot set it.
	Metric *uint32 `json:"metric,omitempty"`
}

// ParseRoute reads podman's --route DST,GW[,METRIC].
func ParseRoute(s string) (Route, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 2 && len(parts) != 3 {
		return Route{}, fmt.Errorf("invalid route %q: format DESTINATION-CIDR,GATEWAY[,METRIC]: %w", s, define.ErrInvalidArg)
	}
	_, dst, err := net.ParseCIDR(parts[0])
	if err != nil {
		return Route{}, fmt.Errorf("invalid route destination %q: %w", parts[0], define.ErrInvalidArg)
	}
	gw := net.ParseIP(parts[1])
	if gw == nil {
		return Route{}, fmt.Errorf("invalid route gateway %q: %w", parts[1], define.ErrInvalidArg)
	}
	r := Route{Destination: dst.String(), Gateway: gw.String()}
	if len(parts) == 3 {
		m, err := strconv.ParseUint(parts[2], 10, 32)
		if err != nil {
			return Route{}, fmt.Errorf("invalid route metric %q: %w", parts[2], define.ErrInvalidArg)
		}
		m32 := uint32(m)
		r.Metric = &m32
	}
	return r, nil
}

// validateRoutes checks n's routes against its (filled-in) subnets: a
// metric is refused (the host-local plugin of the CNI plugins podlite
// runs sets none) and each gateway must lie in a subnet of the network,
// the only addresses a container reaches directly.
func validateRoutes(n *Network) error {
	for _, r := range n.Routes {
		if r.Metric != nil {
			return fmt.Errorf("network %s: route %s: a route metric cannot be set: CNI's host-local IPAM has none: %w", n.Name, r.Destination, define.ErrNotSupported)
		}
		_, dst, err := net.ParseCIDR(r.Destination)
		gw := net.ParseIP(r.Gateway)
		if err != nil || gw == nil {
			return fmt.Errorf("network %s: route %s via %s: %w", n.Name, r.Destination, r.Gateway, define.ErrInvalidArg)
		}
		if (dst.IP.To4() == nil) != (gw.To4() == nil) {
			return fmt.Errorf("network %s: route %s via %s: destination and gateway are of different IP families: %w", n.Name, r.Destination, r.Gateway, define.ErrInvalidArg)
		}
		if !inSubnets(gw, n.Subnets) {
			return fmt.Errorf("network %s: route gateway %s is in no subnet of the network: %w", n.Name, r.Gateway, define.ErrInvalidArg)
		}
	}
	return nil
}

func inSubnets(ip net.IP, subnets []Subnet) bool {
	for _, s := range subnets {
		if _, ipnet, err := net.ParseCIDR(s.Subnet); err == nil && ipnet.Contains(ip) {
			return true
		}
	}
	return false
}
