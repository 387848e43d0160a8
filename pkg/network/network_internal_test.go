package network

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/containernetworking/cni/libcni"

	"github.com/podlite/podlite/libpod/define"
)

func cidr(t *testing.T, s string) *net.IPNet {
	t.Helper()
	_, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFreeSubnet(t *testing.T) {
	tests := []struct {
		name string
		used []string
		want string
	}{
		{"empty", nil, "10.91.0.0/24"},
		{"first taken", []string{"10.91.0.0/24"}, "10.91.1.0/24"},
		{"host route over several", []string{"10.91.0.0/23", "10.91.2.128/25"}, "10.91.3.0/24"},
		{"default network does not matter", []string{"10.90.0.0/16"}, "10.91.0.0/24"},
		{"whole 10/8 used", []string{"10.0.0.0/8"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var used []*net.IPNet
			for _, u := range tt.used {
				used = append(used, cidr(t, u))
			}
			got, err := freeSubnet(used)
			if tt.want == "" {
				if !errors.Is(err, define.ErrUnavailable) {
					t.Fatalf("got %v, %v; want ErrUnavailable", got, err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestValidateSubnet(t *testing.T) {
	tests := []struct {
		name    string
		in      Subnet
		wantGW  string
		wantErr error
	}{
		{"gateway defaults to first address", Subnet{Subnet: "10.5.0.0/16"}, "10.5.0.1", nil},
		{"explicit gateway", Subnet{Subnet: "10.5.0.0/24", Gateway: "10.5.0.254"}, "10.5.0.254", nil},
		{"ipv6", Subnet{Subnet: "fd00:1::/64"}, "fd00:1::1", nil},
		{"not a cidr", Subnet{Subnet: "10.5.0.0"}, "", define.ErrInvalidArg},
		{"host bits set", Subnet{Subnet: "10.5.0.7/24"}, "", define.ErrInvalidArg},
		{"gateway outside", Subnet{Subnet: "10.5.0.0/24", Gateway: "10.6.0.1"}, "", define.ErrInvalidArg},
		{"gateway is network address", Subnet{Subnet: "10.5.0.0/24", Gateway: "10.5.0.0"}, "", define.ErrInvalidArg},
		{"range outside", Subnet{Subnet: "10.5.0.0/24", RangeStart: "10.5.1.10"}, "", define.ErrInvalidArg},
		{"too small", Subnet{Subnet: "10.5.0.0/31"}, "", define.ErrInvalidArg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.in
			_, err := validateSubnet("n", &s)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || s.Gateway != tt.wantGW {
				t.Fatalf("gateway %q, err %v; want %s", s.Gateway, err, tt.wantGW)
			}
		})
	}
}

func TestFillDefaults(t *testing.T) {
	existing := []*Network{
		{Name: "podlite", Driver: DriverBridge, NetworkInterface: "podlite0", Subnets: []Subnet{{Subnet: "10.90.0.0/16"}}},
		{Name: "a", Driver: DriverBridge, NetworkInterface: "podlite1", Subnets: []Subnet{{Subnet: "10.91.0.0/24"}}},
	}
	hostNets := []*net.IPNet{cidr(t, "10.91.1.0/24")}
	hostLinks := map[string]bool{"podlite2": true, "eth0": true}
	hostLink := func(s string) bool { return hostLinks[s] }

	t.Run("defaults", func(t *testing.T) {
		n := Network{Name: "b"}
		if err := fillDefaults(&n, existing, hostNets, hostLink); err != nil {
			t.Fatal(err)
		}
		want := []Subnet{{Subnet: "10.91.2.0/24", Gateway: "10.91.2.1"}}
		if n.Driver != DriverBridge || n.NetworkInterface != "podlite3" || !reflect.DeepEqual(n.Subnets, want) {
			t.Fatalf("got %+v", n)
		}
	})
	t.Run("default network", func(t *testing.T) {
		n := Network{Name: DefaultName}
		if err := fillDefaults(&n, nil, hostNets, hostLink); err != nil {
			t.Fatal(err)
		}
		want := []Subnet{{Subnet: "10.90.0.0/16", Gateway: "10.90.0.1"}}
		if n.NetworkInterface != "podlite0" || !reflect.DeepEqual(n.Subnets, want) {
			t.Fatalf("got %+v", n)
		}
	})
	errs := []struct {
		name string
		n    Network
		want error
		text []string // names the error must mention
	}{
		{"overlap", Network{Name: "c", Subnets: []Subnet{{Subnet: "10.91.0.128/25"}}}, define.ErrInvalidArg, []string{"c", "a", "10.91.0.0/24"}},
		{"overlap within", Network{Name: "c", Subnets: []Subnet{{Subnet: "10.1.0.0/16"}, {Subnet: "10.1.2.0/24"}}}, define.ErrInvalidArg, nil},
		{"bridge taken", Network{Name: "c", NetworkInterface: "podlite1"}, define.ErrExists, nil},
		{"bad bridge name", Network{Name: "c", NetworkInterface: "a/b"}, define.ErrInvalidArg, nil},
		{"unknown driver", Network{Name: "c", Driver: "ipvlan"}, define.ErrInvalidArg, nil},
		{"unknown option", Network{Name: "c", Options: map[string]string{"vlan": "5"}}, define.ErrInvalidArg, nil},
		{"bad mtu", Network{Name: "c", Options: map[string]string{"mtu": "x"}}, define.ErrInvalidArg, nil},
		{"macvlan without subnet", Network{Name: "c", Driver: DriverMacvlan, NetworkInterface: "eth0"}, define.ErrInvalidArg, nil},
		{"macvlan missing parent", Network{Name: "c", Driver: DriverMacvlan, NetworkInterface: "nope0", Subnets: []Subnet{{Subnet: "192.168.5.0/24"}}}, define.ErrInvalidArg, nil},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			n := tt.n
			err := fillDefaults(&n, existing, hostNets, hostLink)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err %v, want %v", err, tt.want)
			}
			for _, s := range tt.text {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %s", err, s)
				}
			}
		})
	}
}

func TestConflistFor(t *testing.T) {
	n := &Network{
		Name: "web", ID: "abc", Driver: DriverBridge, NetworkInterface: "podlite1",
		Subnets: []Subnet{{Subnet: "10.91.0.0/24", Gateway: "10.91.0.1"}, {Subnet: "fd00::/64", Gateway: "fd00::1"}},
		Labels:  map[string]string{"k": "v"}, Options: map[string]string{"mtu": "1400"},
	}
	cl, err := conflistFor(n, "/state/ipam")
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(cl)
	if err != nil {
		t.Fatal(err)
	}
	// libcni must accept the file and see the whole chain.
	list, err := libcni.ConfListFromBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, p := range list.Plugins {
		types = append(types, p.Network.Type)
	}
	if list.Name != "web" || list.CNIVersion != "1.0.0" || !reflect.DeepEqual(types, []string{"bridge", "portmap", "tuning"}) {
		t.Fatalf("list %s %s %v", list.Name, list.CNIVersion, types)
	}
	if !list.Plugins[1].Network.Capabilities["portMappings"] || !list.Plugins[2].Network.Capabilities["mac"] || !list.Plugins[0].Network.Capabilities["ips"] {
		t.Errorf("capabilities: %s", data)
	}
	var bridge struct {
		Bridge      string `json:"bridge"`
		IsGateway   bool   `json:"isGateway"`
		IPMasq      bool   `json:"ipMasq"`
		HairpinMode bool   `json:"hairpinMode"`
		MTU         int    `json:"mtu"`
		IPAM        struct {
			Type    string                `json:"type"`
			DataDir string                `json:"dataDir"`
			Ranges  [][]map[string]string `json:"ranges"`
			Routes  []map[string]string   `json:"routes"`
		} `json:"ipam"`
	}
	if err := json.Unmarshal(list.Plugins[0].Bytes, &bridge); err != nil {
		t.Fatal(err)
	}
	// Masquerading is per network (firewall.go), not per container.
	if bridge.Bridge != "podlite1" || !bridge.IsGateway || bridge.IPMasq || !bridge.HairpinMode || bridge.MTU != 1400 ||
		bridge.IPAM.Type != "host-local" || bridge.IPAM.DataDir != "/state/ipam" || len(bridge.IPAM.Ranges) != 2 ||
		bridge.IPAM.Ranges[0][0]["gateway"] != "10.91.0.1" || len(bridge.IPAM.Routes) != 2 {
		t.Errorf("bridge plugin: %+v", bridge)
	}

	// The podlite key rebuilds the Network.
	var back conflist
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Podlite, n) {
		t.Errorf("round trip: got %+v, want %+v", back.Podlite, n)
	}

	t.Run("internal", func(t *testing.T) {
		in := *n
		in.Internal = true
		cl, _ := conflistFor(&in, "/x")
		b := cl.Plugins[0]
		if b["ipMasq"] != false || b["ipam"].(map[string]any)["routes"] != nil {
			t.Errorf("internal network: %v", b)
		}
	})
	t.Run("macvlan", func(t *testing.T) {
		mv := &Network{Name: "lan", Driver: DriverMacvlan, NetworkInterface: "eth0",
			Subnets: []Subnet{{Subnet: "192.168.1.0/24", Gateway: "192.168.1.1"}}, Options: map[string]string{"mode": "bridge"}}
		cl, err := conflistFor(mv, "/x")
		if err != nil {
			t.Fatal(err)
		}
		if cl.Plugins[0]["type"] != "macvlan" || cl.Plugins[0]["master"] != "eth0" || cl.Plugins[0]["mode"] != "bridge" {
			t.Errorf("macvlan: %v", cl.Plugins[0])
		}
	})
}

func TestExpandPorts(t *testing.T) {
	got, err := expandPorts([]PortMapping{
		{HostPort: 8080, ContainerPort: 80},
		{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Protocol: "udp", Range: 3},
		{ContainerPort: 53, Protocol: "udp"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []portMapEntry{
		{8080, 80, "tcp", ""},
		{9000, 90, "udp", "127.0.0.1"}, {9001, 91, "udp", "127.0.0.1"}, {9002, 92, "udp", "127.0.0.1"},
		{53, 53, "udp", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for name, bad := range map[string]PortMapping{
		"protocol":  {HostPort: 1, ContainerPort: 1, Protocol: "icmp"},
		"host ip":   {HostIP: "localhost", ContainerPort: 1},
		"overflow":  {HostPort: 65535, ContainerPort: 80, Range: 2},
		"zero port": {HostPort: 80},
	} {
		if _, err := expandPorts([]PortMapping{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("%s: err %v, want ErrInvalidArg", name, err)
		}
	}
}

func TestRuntimeConf(t *testing.T) {
	req := Request{ContainerID: "c1", NetNS: "/run/netns/x"}
	ports := []portMapEntry{{8080, 80, "tcp", ""}}
	att := Attachment{StaticIPs: []net.IP{net.ParseIP("fd00::5"), net.ParseIP("10.91.0.5")}, StaticMAC: "02:42:AC:11:00:02"}
	rt, err := runtimeConf(req, att, 0, ports)
	if err != nil {
		t.Fatal(err)
	}
	wantArgs := [][2]string{{"IgnoreUnknown", "1"}, {"IP", "10.91.0.5"}}
	if rt.IfName != "eth0" || !reflect.DeepEqual(rt.Args, wantArgs) || rt.CapabilityArgs["mac"] != "02:42:ac:11:00:02" ||
		rt.CapabilityArgs["portMappings"] == nil {
		t.Errorf("first network: %+v", rt)
	}
	rt, _ = runtimeConf(req, Attachment{}, 1, ports)
	if rt.IfName != "eth1" || rt.CapabilityArgs["portMappings"] != nil {
		t.Errorf("second network gets no ports: %+v", rt)
	}
	if _, err := runtimeConf(req, Attachment{StaticMAC: "zz"}, 0, nil); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("bad mac: %v", err)
	}
	n := &Network{Name: "n", Subnets: []Subnet{{Subnet: "10.91.0.0/24"}, {Subnet: "fd00::/64"}}}
	if got := staticIPArgs(n, att.StaticIPs); !reflect.DeepEqual(got, []string{"fd00::5/64", "10.91.0.5/24"}) {
		t.Errorf("ips capability: %v", got)
	}
}

func TestParseProcRoutes(t *testing.T) {
	const table = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0100FC0A	0003	0	0	0	00000000	0	0	0
eth0	0000FC0A	00000000	0001	0	0	0	00FFFFFF	0	0	0
`
	got := parseProcRoutes(bufio.NewScanner(strings.NewReader(table)))
	if len(got) != 1 || got[0].String() != "10.252.0.0/24" {
		t.Fatalf("got %v", got)
	}
}

func TestMasqChain(t *testing.T) {
	// Chain name and comment the bridge plugin produced for this pair.
	if got := masqChain("pltest-bf0dbd", "c281194dec4c7cc97709c3cc8d8bbfcc45"); got != "CNI-d4c1047b5a4edda00aaac5e9" {
		t.Errorf("chain %s", got)
	}
	if got := masqComment("n", "id"); got != `name: "n" id: "id"` {
		t.Errorf("comment %s", got)
	}
}

func TestTrimChain(t *testing.T) {
	conf := []byte(`{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"bridge"},{"type":"portmap","capabilities":{"portMappings":true}},{"type":"firewall"},{"type":"tuning","capabilities":{"mac":true}}]}`)
	for _, tc := range []struct {
		caps map[string]any
		want string
	}{
		{map[string]any{}, "bridge firewall"},
		{map[string]any{"portMappings": []int{1}}, "bridge portmap firewall"},
		{map[string]any{"mac": "02:00:00:00:00:01"}, "bridge firewall tuning"},
	} {
		out, err := trimChain(conf, tc.caps)
		if err != nil {
			t.Fatal(err)
		}
		var got struct{ Plugins []struct{ Type string } }
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, p := range got.Plugins {
			types = append(types, p.Type)
		}
		if strings.Join(types, " ") != tc.want {
			t.Errorf("caps %v: chain %v, want %s", tc.caps, types, tc.want)
		}
	}
}

func TestFirewallRules(t *testing.T) {
	c := &CNI{opts: Options{ConfigDir: "/etc/podlite/net.d"}}
	nets := []*Network{
		{Name: "a", Driver: DriverBridge, NetworkInterface: "br-a", Subnets: []Subnet{{Subnet: "10.1.0.0/24"}}},
		{Name: "b", Driver: DriverBridge, NetworkInterface: "br-b", Internal: true, Subnets: []Subnet{{Subnet: "10.2.0.0/24"}}},
		{Name: "m", Driver: "macvlan", NetworkInterface: "eth0"},
	}
	f := c.firewallRules(nets)
	iso, fw := "-A "+f.isoChain, "-A "+f.fwChain
	wantIso := []string{
		iso + " -i br-a -o br-b -j REJECT",
		iso + " -i br-b -o br-a -j REJECT",
		iso + " -i br-b -o br-b -j ACCEPT",
		iso + " -i br-b -j REJECT",
		iso + " -o br-b -j REJECT",
	}
	wantFwd := []string{
		fw + " -o br-a -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
		fw + " -i br-a -j ACCEPT",
	}
	if !slices.Equal(f.iso, wantIso) || !slices.Equal(f.fwd, wantFwd) {
		t.Errorf("rules:\n%s\n%s\nwant:\n%s\n%s", strings.Join(f.iso, "\n"), strings.Join(f.fwd, "\n"), strings.Join(wantIso, "\n"), strings.Join(wantFwd, "\n"))
	}
	if want := []string{"-A " + f.natChain + " -s 10.1.0.0/24 ! -d 10.1.0.0/24 -j MASQUERADE"}; !slices.Equal(f.nat, want) {
		t.Errorf("nat rules %q, want %q (an internal network is not masqueraded)", f.nat, want)
	}
	other := (&CNI{opts: Options{ConfigDir: "/tmp/x"}}).firewallRules(nets)
	if other.fwChain == f.fwChain || len(f.isoChain) > 28 || len(f.natChain) > 28 {
		t.Errorf("chains %+v: one set per configuration directory, within iptables' 28 characters", f)
	}
	if empty := c.firewallRules(nil); len(empty.all()) != 0 {
		t.Errorf("no networks, rules %q", empty.all())
	}
}

func TestZombie(t *testing.T) {
	if !zombie([]byte("12 (pas ta) Z 1 2")) || zombie([]byte("12 (pasta) S 1 2")) {
		t.Error("zombie misreads /proc/PID/stat")
	}
}
