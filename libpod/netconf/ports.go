package netconf

import (
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ParsePorts parses -p values: [[IP:][HOSTPORT]:]CONTAINERPORT[/PROTO]
// where ports may be ranges (8080-8081:80-81). An empty host port is
// chosen at start (HostPort 0).
func ParsePorts(specs []string) ([]define.PortMapping, error) {
	var out []define.PortMapping
	for _, s := range specs {
		m, err := parsePortMapping(s)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, checkPortClashes(out)
}

func parsePortMapping(s string) (define.PortMapping, error) {
	bad := func(why string) (define.PortMapping, error) {
		return define.PortMapping{}, fmt.Errorf("invalid port mapping %q: %s: %w", s, why, define.ErrInvalidArg)
	}
	rest, proto, _ := strings.Cut(s, "/")
	if proto == "" {
		proto = "tcp"
	}
	if proto != "tcp" && proto != "udp" {
		return bad("protocol must be tcp or udp")
	}
	var hostIP, hostPorts, ctrPorts string
	if strings.HasPrefix(rest, "[") { // [v6]:host:ctr
		end := strings.Index(rest, "]:")
		if end < 0 {
			return bad("unterminated IPv6 address")
		}
		hostIP, rest = rest[1:end], rest[end+2:]
		var ok bool
		if hostPorts, ctrPorts, ok = strings.Cut(rest, ":"); !ok {
			return bad("want [IP]:HOSTPORT:CONTAINERPORT")
		}
	} else {
		parts := strings.Split(rest, ":")
		switch len(parts) {
		case 1:
			ctrPorts = parts[0]
		case 2:
			hostPorts, ctrPorts = parts[0], parts[1]
		case 3:
			hostIP, hostPorts, ctrPorts = parts[0], parts[1], parts[2]
		default:
			return bad("too many colons")
		}
	}
	if hostIP != "" && net.ParseIP(hostIP) == nil {
		return bad(fmt.Sprintf("%q is not an IP address", hostIP))
	}
	cStart, cCount, err := portRange(ctrPorts)
	if err != nil {
		return bad(err.Error())
	}
	m := define.PortMapping{HostIP: hostIP, ContainerPort: cStart, Protocol: proto, Range: cCount}
	if hostPorts != "" {
		hStart, hCount, err := portRange(hostPorts)
		if err != nil {
			return bad(err.Error())
		}
		if hCount != cCount {
			return bad("host and container port ranges differ in length")
		}
		m.HostPort = hStart
	}
	return m, nil
}

// portRange parses "80" or "8080-8089" into a start and a count.
func portRange(s string) (start, count uint16, err error) {
	lo, hi, isRange := strings.Cut(s, "-")
	a, err := strconv.ParseUint(lo, 10, 16)
	if err != nil || a == 0 {
		return 0, 0, fmt.Errorf("%q is not a port", lo)
	}
	b := a
	if isRange {
		if b, err = strconv.ParseUint(hi, 10, 16); err != nil || b < a {
			return 0, 0, fmt.Errorf("%q is not a port range", s)
		}
	}
	return uint16(a), uint16(b - a + 1), nil
}

// checkPortClashes rejects two mappings of one host port.
func checkPortClashes(ms []define.PortMapping) error {
	for i, a := range ms {
		for _, b := range ms[i+1:] {
			if PortsOverlap(a, b) {
				return fmt.Errorf("host port %d/%s is published twice: %w", b.HostPort, b.Protocol, define.ErrInvalidArg)
			}
		}
	}
	return nil
}

// PortsOverlap reports whether two mappings claim a common host port.
func PortsOverlap(a, b define.PortMapping) bool {
	if a.Protocol != b.Protocol || a.HostPort == 0 || b.HostPort == 0 {
		return false
	}
	if a.HostIP != "" && b.HostIP != "" && a.HostIP != b.HostIP {
		return false
	}
	aEnd, bEnd := a.HostPort+max(a.Range, 1)-1, b.HostPort+max(b.Range, 1)-1
	return a.HostPort <= bEnd && b.HostPort <= aEnd
}
