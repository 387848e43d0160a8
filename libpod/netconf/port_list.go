package netconf

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// PortLines renders a container's published ports as podman's port
// command prints them: "80/tcp -> 0.0.0.0:8080", one line per port of a
// range, TCP before UDP before SCTP, then by host address and host port
// (podman sorts by host port within a protocol and address, and orders
// those groups at random). With filter
// ("80" for 80/tcp, or "80/udp") it is the one host address of that port,
// or podman's "failed to find published port" error.
func PortLines(ports []define.PortMapping, filter string) ([]string, error) {
	ports = slices.Clone(ports)
	order := map[string]int{"tcp": 0, "udp": 1, "sctp": 2}
	slices.SortStableFunc(ports, func(a, b define.PortMapping) int {
		return cmp.Or(cmp.Compare(order[a.Protocol], order[b.Protocol]), cmp.Compare(a.HostIP, b.HostIP),
			cmp.Compare(a.HostPort, b.HostPort), cmp.Compare(a.ContainerPort, b.ContainerPort))
	})
	var want uint64
	proto := "tcp"
	if filter != "" {
		num, p, hasProto := strings.Cut(filter, "/")
		if hasProto {
			proto = p
		}
		var err error
		if want, err = strconv.ParseUint(num, 10, 16); err != nil {
			return nil, define.Worded(define.ErrInvalidArg, err.Error())
		}
	}
	var out []string
	for _, p := range ports {
		host := cmp.Or(p.HostIP, "0.0.0.0")
		n := uint64(max(p.Range, 1))
		if filter == "" {
			for i := uint64(0); i < n; i++ {
				out = append(out, fmt.Sprintf("%d/%s -> %s:%d", uint64(p.ContainerPort)+i, p.Protocol, host, uint64(p.HostPort)+i))
			}
			continue
		}
		if p.Protocol == proto && uint64(p.ContainerPort) <= want && want < uint64(p.ContainerPort)+n {
			return []string{fmt.Sprintf("%s:%d", host, uint64(p.HostPort)+want-uint64(p.ContainerPort))}, nil
		}
	}
	if filter != "" {
		return nil, define.Worded(define.ErrNotFound, fmt.Sprintf("failed to find published port %q", filter))
	}
	return out, nil
}
