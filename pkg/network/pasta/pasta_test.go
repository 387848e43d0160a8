package pasta

import (
	"slices"
	"testing"

	"github.com/podlite/podlite/pkg/network"
)

func TestArgs(t *testing.T) {
	got := Args(Options{NetNS: "/run/ns/x", PIDFile: "/run/p", Extra: []string{"--mtu", "1400"},
		Ports: []network.PortMapping{
			{HostPort: 8080, ContainerPort: 80, Protocol: "tcp"},
			{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Protocol: "tcp", Range: 3},
			{HostPort: 5353, ContainerPort: 53, Protocol: "udp", Range: 1},
		}})
	want := []string{"--config-net", "--quiet", "--netns", "/run/ns/x", "--pid", "/run/p",
		"-t", "8080:80,127.0.0.1/9000-9002:90-92", "-u", "5353:53", "-T", "none", "-U", "none", "--mtu", "1400"}
	if !slices.Equal(got, want) {
		t.Errorf("Args:\n got %q\nwant %q", got, want)
	}
	// No ports: none for both, or UDP would follow TCP's numbers.
	got = Args(Options{NetNS: "n", PIDFile: "p"})
	if i := slices.Index(got, "-t"); i < 0 || got[i+1] != "none" || got[i+3] != "none" {
		t.Errorf("Args without ports: %q", got)
	}
}

func TestFirstLine(t *testing.T) {
	if got := firstLine("Failed to send 57 bytes to syslog\npasta: unrecognized option '--bogus'\nUsage: pasta [OPTION]...\n"); got != "pasta: unrecognized option '--bogus'" {
		t.Errorf("firstLine: %q", got)
	}
}
