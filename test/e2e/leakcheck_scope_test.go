package e2e

import (
	"net"
	"testing"
)

// TestLeakCheckScope checks which iptables lines the leak checker counts
// as an env's: its own pure part, run without root.
func TestLeakCheckScope(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	other := "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
	_, live, _ := net.ParseCIDR("10.214.1.0/24")
	_, removed, _ := net.ParseCIDR("10.214.2.0/24")
	_, shared, _ := net.ParseCIDR("10.90.0.0/16")
	l := &leakCheck{
		env: &Env{NetConfigDir: "/nonexistent"}, dir: "/tmp/env",
		ids: map[string]bool{id: true},
		networks: map[string]envNetwork{
			"/tmp/env/net.d/live.conflist":    {bridge: "pltestlive0", subnets: []*net.IPNet{live}},
			"/tmp/env/net.d/removed.conflist": {bridge: "pltestgone0", subnets: []*net.IPNet{removed}},
			"/tmp/env/net.d/podlite.conflist": {bridge: "podlite0", subnets: []*net.IPNet{shared}},
		},
		gone:   map[string]bool{"/tmp/env/net.d/removed.conflist": true},
		shared: map[string]bool{"podlite0": true, "10.90.0.0/16": true},
	}
	for _, tc := range []struct {
		line string
		mine bool
	}{
		{`nat -A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \"podlite\" id: \"` + id + `\"" -j X`, true},
		{`nat -A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \"podlite\" id: \"` + other + `\"" -j X`, false},
		{"nat :" + cniChainName("live", id, "DN-") + " -", true},
		{"nat :" + cniChainName("podlite", id, "") + " -", true},
		{"nat :" + cniChainName("podlite", other, "") + " -", false},
		{"filter -A FORWARD -s 10.214.1.7/32 -j ACCEPT", true}, // a container's address
		{"filter -A PLFW-x -o pltestlive0 -j ACCEPT", false},   // a live network's own rule
		{"nat -A PLNAT-x -s 10.214.1.0/24 ! -d 10.214.1.0/24 -j MASQUERADE", false},
		{"filter -A PLFW-x -o pltestgone0 -j ACCEPT", true}, // its network is gone
		{"nat -A PLNAT-x -s 10.214.2.0/24 ! -d 10.214.2.0/24 -j MASQUERADE", true},
		{"filter -A PLFW-x -i podlite0 -j ACCEPT", false},                       // shared bridge
		{"filter -A CNI-FORWARD -s 10.90.0.5/32 -j ACCEPT", false},              // shared subnet
		{"filter -A FORWARD -s 10.215.0.7/32 -o pltestother0 -j ACCEPT", false}, // someone else's
	} {
		if got := l.namesMine(tc.line); got != tc.mine {
			t.Errorf("namesMine(%q) = %v, want %v", tc.line, got, tc.mine)
		}
	}
	if !l.mine("veth: veth01234567 master pltestlive0") || l.mine("veth: veth01234567 master podlite0") || l.mine("veth: veth01234567 nomaster") {
		t.Error("veths are counted on the wrong bridges")
	}
}
