package netconf_test

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/netconf"
)

func TestParsePorts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want define.PortMapping
	}{
		{"80", define.PortMapping{ContainerPort: 80, Protocol: "tcp", Range: 1}},
		{"8080:80", define.PortMapping{HostPort: 8080, ContainerPort: 80, Protocol: "tcp", Range: 1}},
		{"127.0.0.1:8080:80/udp", define.PortMapping{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "udp", Range: 1}},
		{"127.0.0.1::80", define.PortMapping{HostIP: "127.0.0.1", ContainerPort: 80, Protocol: "tcp", Range: 1}},
		{"9000-9002:7000-7002", define.PortMapping{HostPort: 9000, ContainerPort: 7000, Protocol: "tcp", Range: 3}},
		{"[::1]:8080:80", define.PortMapping{HostIP: "::1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp", Range: 1}},
	} {
		got, err := netconf.ParsePorts([]string{tc.in})
		if err != nil || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%q = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range [][]string{
		{"abc"}, {"0"}, {"70000"}, {"80/sctp"}, {"1:2:3:4"}, {"nothost:80:80"}, {"8080-8081:80"},
		{"90-80:80-90"}, {"8080:80", "8080:81"}, {"8080-8090:80-90", "8085:1000"},
	} {
		if _, err := netconf.ParsePorts(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("%q: err = %v, want ErrInvalidArg", bad, err)
		}
	}
	// The same host port on different protocols or addresses is fine.
	if _, err := netconf.ParsePorts([]string{"8080:80", "8080:80/udp", "127.0.0.1:9090:1", "127.0.0.2:9090:1"}); err != nil {
		t.Errorf("distinct mappings rejected: %v", err)
	}
}
