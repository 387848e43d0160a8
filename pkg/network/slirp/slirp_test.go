package slirp

import (
	"slices"
	"testing"
)

func TestArgs(t *testing.T) {
	got := Args(Options{NetNS: "/ns", APISocket: "/s.sock"})
	want := []string{"--configure", "--mtu=65520", "--ready-fd=3", "--api-socket", "/s.sock", "--netns-type=path", "--disable-host-loopback", "/ns", "tap0"}
	if !slices.Equal(got, want) {
		t.Errorf("Args:\n got %q\nwant %q", got, want)
	}
	got = Args(Options{NetNS: "/ns", APISocket: "/s.sock", Extra: []string{"port_handler=slirp4netns", "allow_host_loopback=true", "mtu=1500", "enable_ipv6=true"}})
	want = []string{"--configure", "--mtu=1500", "--ready-fd=3", "--api-socket", "/s.sock", "--netns-type=path", "--enable-ipv6", "/ns", "tap0"}
	if !slices.Equal(got, want) {
		t.Errorf("Args with options:\n got %q\nwant %q", got, want)
	}
}
