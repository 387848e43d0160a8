package network

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Automatic subnets: the default network has defaultSubnet; every other
// network without a subnet gets the first /24 from 10.91.0.0 up to
// 10.127.255.0 that overlaps neither another podlite network nor an address
// or route of the host.
const (
	defaultSubnet  = "10.90.0.0/16"
	defaultGateway = "10.90.0.1"
	defaultBridge  = "podlite0"
)

var autoSubnetFirst, autoSubnetLast = net.IPv4(10, 91, 0, 0).To4(), net.IPv4(10, 127, 255, 0).To4()

// validateSubnet checks s and fills in its gateway (the first address)
// when it is empty. It returns the parsed network.
func validateSubnet(network string, s *Subnet) (*net.IPNet, error) {
	ip, ipnet, err := net.ParseCIDR(s.Subnet)
	if err != nil {
		return nil, fmt.Errorf("network %s: subnet %q: %w", network, s.Subnet, define.ErrInvalidArg)
	}
	if !ip.Equal(ipnet.IP) {
		return nil, fmt.Errorf("network %s: subnet %s: %s is not the network address (%s): %w",
			network, s.Subnet, ip, ipnet.IP, define.ErrInvalidArg)
	}
	ones, bits := ipnet.Mask.Size()
	if bits-ones < 2 {
		return nil, fmt.Errorf("network %s: subnet %s is too small: %w", network, s.Subnet, define.ErrInvalidArg)
	}
	s.Subnet = ipnet.String()
	if s.Gateway == "" {
		s.Gateway = firstHost(ipnet).String()
	}
	for _, f := range []struct{ what, v string }{{"gateway", s.Gateway}, {"range start", s.RangeStart}, {"range end", s.RangeEnd}} {
		if f.v == "" {
			continue
		}
		a := net.ParseIP(f.v)
		if a == nil {
			return nil, fmt.Errorf("network %s: %s %q is not an IP address: %w", network, f.what, f.v, define.ErrInvalidArg)
		}
		if !ipnet.Contains(a) {
			return nil, fmt.Errorf("network %s: %s %s is not in subnet %s: %w", network, f.what, f.v, ipnet, define.ErrInvalidArg)
		}
		if a.Equal(ipnet.IP) {
			return nil, fmt.Errorf("network %s: %s %s is the network address of %s: %w", network, f.what, f.v, ipnet, define.ErrInvalidArg)
		}
	}
	return ipnet, nil
}

// firstHost is the network address plus one.
func firstHost(n *net.IPNet) net.IP {
	ip := make(net.IP, len(n.IP))
	copy(ip, n.IP)
	for i := len(ip) - 1; i >= 0; i-- {
		ip[i]++
		if ip[i] != 0 {
			break
		}
	}
	return ip
}

// overlaps reports whether a and b share an address.
func overlaps(a, b *net.IPNet) bool {
	return a.Contains(b.IP) || b.Contains(a.IP)
}

// freeSubnet returns the first automatic /24 that overlaps nothing in used.
func freeSubnet(used []*net.IPNet) (*net.IPNet, error) {
	first := binary.BigEndian.Uint32(autoSubnetFirst)
	last := binary.BigEndian.Uint32(autoSubnetLast)
	for v := first; v <= last; v += 256 {
		cand := &net.IPNet{IP: make(net.IP, 4), Mask: net.CIDRMask(24, 32)}
		binary.BigEndian.PutUint32(cand.IP, v)
		free := true
		for _, u := range used {
			if overlaps(cand, u) {
				free = false
				break
			}
		}
		if free {
			return cand, nil
		}
	}
	return nil, fmt.Errorf("no free subnet left between %s/24 and %s/24: %w", autoSubnetFirst, autoSubnetLast, define.ErrUnavailable)
}

// /proc/thread-self/net, not /proc/net (= /proc/self/net, the main
// thread's namespace): the calling thread is in the host's namespace.

// hostNetworks lists the networks of the host's interface addresses and
// IPv4 routes (except default routes), which automatic subnets avoid.
func hostNetworks() []*net.IPNet {
	var out []*net.IPNet
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipnet, ok := a.(*net.IPNet); ok && !ipnet.IP.IsLoopback() {
				out = append(out, &net.IPNet{IP: ipnet.IP.Mask(ipnet.Mask), Mask: ipnet.Mask})
			}
		}
	}
	if f, err := os.Open("/proc/thread-self/net/route"); err == nil {
		defer f.Close()
		out = append(out, parseProcRoutes(bufio.NewScanner(f))...)
	}
	return out
}

// parseProcRoutes reads /proc/net/route: Iface Destination Gateway Flags
// RefCnt Use Metric Mask ..., addresses in little-endian hex.
func parseProcRoutes(sc *bufio.Scanner) []*net.IPNet {
	var out []*net.IPNet
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || f[0] == "Iface" {
			continue
		}
		dst, err1 := hex.DecodeString(f[1])
		mask, err2 := hex.DecodeString(f[7])
		if err1 != nil || err2 != nil || len(dst) != 4 || len(mask) != 4 {
			continue
		}
		ipnet := &net.IPNet{IP: net.IPv4(dst[3], dst[2], dst[1], dst[0]).To4(), Mask: net.IPv4Mask(mask[3], mask[2], mask[1], mask[0])}
		if ones, _ := ipnet.Mask.Size(); ones == 0 {
			continue // default route
		}
		out = append(out, ipnet)
	}
	return out
}

// defaultRouteInterface is the interface of the host's IPv4 default
// route, the parent of macvlan networks that name none.
func defaultRouteInterface() string {
	data, err := os.ReadFile("/proc/thread-self/net/route")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) >= 8 && f[1] == "00000000" && f[7] == "00000000" {
			return f[0]
		}
	}
	return ""
}
