package netconf

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ParseExpose parses --expose values and an image's exposed ports,
// PORT[-END][/PROTO] with tcp, udp or sctp (tcp when left out), into
// podman's shape: port number to its protocols, ranges expanded.
func ParseExpose(specs []string) (map[uint16][]string, error) {
	out := map[uint16][]string{}
	for _, s := range specs {
		ports, proto, _ := strings.Cut(s, "/")
		switch proto {
		case "":
			proto = "tcp"
		case "tcp", "udp", "sctp":
		default:
			return nil, fmt.Errorf("invalid exposed port %q: protocol must be tcp, udp or sctp: %w", s, define.ErrInvalidArg)
		}
		first, last, isRange := strings.Cut(ports, "-")
		lo, err := exposedPort(first)
		if err != nil {
			return nil, fmt.Errorf("invalid exposed port %q: %w", s, err)
		}
		hi := lo
		if isRange {
			if hi, err = exposedPort(last); err != nil || hi < lo {
				return nil, fmt.Errorf("invalid exposed port range %q: %w", s, define.ErrInvalidArg)
			}
		}
		for p := int(lo); p <= int(hi); p++ {
			if !slices.Contains(out[uint16(p)], proto) {
				out[uint16(p)] = append(out[uint16(p)], proto)
			}
		}
	}
	return out, nil
}

func exposedPort(s string) (uint16, error) {
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("port must be a number from 1 to 65535: %w", define.ErrInvalidArg)
	}
	return uint16(n), nil
}

// Unpublished is exposed less the ports some mapping publishes: what
// podman records as a container's exposed ports. Nil when none is left.
func Unpublished(exposed map[uint16][]string, published []define.PortMapping) map[uint16][]string {
	var out map[uint16][]string
	for port, protos := range exposed {
		for _, proto := range protos {
			if slices.ContainsFunc(published, func(m define.PortMapping) bool {
				return m.Protocol == proto && port >= m.ContainerPort && int(port) < int(m.ContainerPort)+int(max(m.Range, 1))
			}) {
				continue
			}
			if out == nil {
				out = map[uint16][]string{}
			}
			out[port] = append(out[port], proto)
		}
	}
	for _, protos := range out {
		slices.Sort(protos)
	}
	return out
}

// ExposedString lists exposed ports as podman's ps PORTS column does,
// after the published ones: "80/tcp", consecutive ports of a protocol as
// one range ("8000-8002/udp"), sorted by protocol, then port.
func ExposedString(exposed map[uint16][]string) []string {
	type port struct {
		num   uint16
		proto string
	}
	var all []port
	for n, protos := range exposed {
		for _, p := range protos {
			all = append(all, port{n, p})
		}
	}
	slices.SortFunc(all, func(a, b port) int {
		if c := strings.Compare(a.proto, b.proto); c != 0 {
			return c
		}
		return int(a.num) - int(b.num)
	})
	var out []string
	for i := 0; i < len(all); {
		j := i
		for j+1 < len(all) && all[j+1].proto == all[i].proto && all[j+1].num == all[j].num+1 {
			j++
		}
		if j > i {
			out = append(out, fmt.Sprintf("%d-%d/%s", all[i].num, all[j].num, all[i].proto))
		} else {
			out = append(out, fmt.Sprintf("%d/%s", all[i].num, all[i].proto))
		}
		i = j + 1
	}
	return out
}
