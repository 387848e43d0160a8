package netconf

import (
	"errors"
	"slices"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestPortLines(t *testing.T) {
	ports := []define.PortMapping{
		{HostIP: "127.0.0.1", HostPort: 9081, ContainerPort: 81, Protocol: "udp"},
		{HostPort: 9090, ContainerPort: 90, Protocol: "tcp", Range: 2},
		{HostPort: 9080, ContainerPort: 80, Protocol: "tcp"},
	}
	all, err := PortLines(ports, "")
	want := []string{"80/tcp -> 0.0.0.0:9080", "90/tcp -> 0.0.0.0:9090", "91/tcp -> 0.0.0.0:9091", "81/udp -> 127.0.0.1:9081"}
	if err != nil || !slices.Equal(all, want) {
		t.Errorf("all: %q %v, want %q", all, err, want)
	}
	for filter, addr := range map[string]string{"80": "0.0.0.0:9080", "91/tcp": "0.0.0.0:9091", "81/udp": "127.0.0.1:9081"} {
		if got, err := PortLines(ports, filter); err != nil || !slices.Equal(got, []string{addr}) {
			t.Errorf("%s: %q %v, want %s", filter, got, err, addr)
		}
	}
	for filter, class := range map[string]error{"81": define.ErrNotFound, "80/": define.ErrNotFound, "x": define.ErrInvalidArg, "70000": define.ErrInvalidArg} {
		if _, err := PortLines(ports, filter); !errors.Is(err, class) {
			t.Errorf("%s: %v, want %v", filter, err, class)
		}
	}
}
