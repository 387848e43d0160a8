package netconf_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/pkg/network"
)

func TestParseNetwork(t *testing.T) {
	tests := []struct {
		n, ip, mac string
		want       netconf.Choice
	}{
		{"none", "", "", netconf.Choice{Mode: define.NetworkNone}},
		{"host", "", "", netconf.Choice{Mode: define.NetworkHost, NetNS: "host"}},
		{"ns:/run/netns/x", "", "", netconf.Choice{Mode: "ns:/run/netns/x", NetNS: "/run/netns/x"}},
		{"container:web", "", "", netconf.Choice{Mode: "container:web"}},
		{"pasta", "", "", netconf.Choice{Mode: define.NetworkPasta}},
		{"slirp4netns:port_handler=slirp4netns,mtu=1500", "", "", netconf.Choice{Mode: define.NetworkSlirp,
			NetworkOptions: []string{"port_handler=slirp4netns", "mtu=1500"}}},
		{"pasta:--mtu,1400", "", "", netconf.Choice{Mode: define.NetworkPasta, NetworkOptions: []string{"--mtu", "1400"}}},
		{"", "10.88.0.9", "", netconf.Choice{Mode: define.NetworkBridge, Networks: map[string]define.NetworkAttachment{
			network.DefaultName: {InterfaceName: "eth0", StaticIPs: []string{"10.88.0.9"}}}}},
		{"a:ip=10.1.0.2,alias=x,b", "", "", netconf.Choice{Mode: define.NetworkBridge, Networks: map[string]define.NetworkAttachment{
			"a": {InterfaceName: "eth0", StaticIPs: []string{"10.1.0.2"}, Aliases: []string{"x"}},
			"b": {InterfaceName: "eth1"}}}},
	}
	for _, tt := range tests {
		got, err := netconf.ParseNetwork(tt.n, tt.ip, tt.mac)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseNetwork(%q, %q, %q) = %+v, %v; want %+v", tt.n, tt.ip, tt.mac, got, err, tt.want)
		}
	}
	for _, bad := range [][3]string{{"host", "10.0.0.1", ""}, {"ns:rel", "", ""}, {"a,a", "", ""}, {"a:ip=x", "", ""},
		{"a:colour=red", "", ""}, {"a,b", "10.0.0.1", ""}, {"a", "", "zz"}} {
		if _, err := netconf.ParseNetwork(bad[0], bad[1], bad[2]); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseNetwork(%q) error = %v, want ErrInvalidArg", bad, err)
		}
	}
	if _, err := netconf.ParseNetwork("slirp4netns:port_handler=rootlesskit", "", ""); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("ParseNetwork(slirp4netns with rootlesskit) error = %v, want ErrNotSupported", err)
	}
	for _, bad := range []string{"slirp4netns:mtu=x", "slirp4netns:colour=red", "slirp4netns:allow_host_loopback=maybe"} {
		if _, err := netconf.ParseNetwork(bad, "", ""); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseNetwork(%q) error = %v, want ErrInvalidArg", bad, err)
		}
	}
}

func TestHosts(t *testing.T) {
	base := netconf.BaseHosts(netconf.LoopbackHosts, []string{"db:10.0.0.5"})
	if want := netconf.LoopbackHosts + "10.0.0.5\tdb\n"; base != want {
		t.Errorf("BaseHosts = %q, want %q", base, want)
	}
	if got, want := netconf.HostsWithOwnName("B\n", "h", "web"), "B\n127.0.1.1\th web\n"; got != want {
		t.Errorf("HostsWithOwnName = %q, want %q", got, want)
	}
	st := network.Status{
		"b": {Addresses: []network.Address{{IP: "10.2.0.3/16", Gateway: "10.2.0.1"}}},
		"a": {Addresses: []network.Address{{IP: "10.1.0.3/16", Gateway: "10.1.0.1"}, {IP: "bogus"}}},
	}
	want := "B\n10.1.0.3\th web\n10.2.0.3\th web\n10.1.0.1\thost.containers.internal\n"
	if got := netconf.HostsWithAddresses("B\n", "h", "web", st); got != want {
		t.Errorf("HostsWithAddresses = %q, want %q", got, want)
	}
}

func TestResolvConf(t *testing.T) {
	host := []byte("nameserver 127.0.0.53\nnameserver 1.1.1.1\nsearch lan\noptions ndots:1\n")
	if got, want := netconf.ResolvConf(host, false, define.NetworkConfig{}), "nameserver 1.1.1.1\nsearch lan\noptions ndots:1\n"; got != want {
		t.Errorf("own netns: %q, want %q", got, want)
	}
	if got := netconf.ResolvConf(host, true, define.NetworkConfig{}); got != string(host) {
		t.Errorf("host network: %q, want the host's file", got)
	}
	n := define.NetworkConfig{DNSServers: []string{"9.9.9.9"}, DNSSearch: []string{"a", "b"}, DNSOptions: []string{"rotate"}}
	if got, want := netconf.ResolvConf(host, false, n), "nameserver 9.9.9.9\nsearch a b\noptions rotate\n"; got != want {
		t.Errorf("with --dns*: %q, want %q", got, want)
	}
}
