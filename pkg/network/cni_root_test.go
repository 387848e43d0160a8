package network_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// testNetwork creates a bridge network with a unique bridge (pltestXXXXXX)
// and subnet (10.213.X.0/24) and removes it, its bridge and, if the host
// had no CNI rules before, the CNI base chains the plugins leave behind.
func testNetwork(t testing.TB, m *network.CNI) (*network.Network, *net.IPNet) {
	t.Helper()
	cniBefore := len(iptablesLines(t, "CNI"))
	var ipnet *net.IPNet
	for tries := 0; ; tries++ {
		b := randomHex(t, 1)
		var x int
		fmt.Sscanf(b, "%x", &x)
		_, cand, _ := net.ParseCIDR(fmt.Sprintf("10.213.%d.0/24", x%255)) // .255 is the default network's
		if !hostUses(cand) || tries > 20 {
			ipnet = cand
			break
		}
	}
	suffix := randomHex(t, 3)
	n, err := m.CreateNetwork(network.Network{
		Name:             "pltest-" + suffix,
		NetworkInterface: "pltest" + suffix,
		Subnets:          []network.Subnet{{Subnet: ipnet.String()}},
		Labels:           map[string]string{"test": t.Name()},
	})
	if err != nil {
		t.Fatalf("CreateNetwork: %v", err)
	}
	t.Cleanup(func() {
		if err := m.RemoveNetwork(n.Name); err != nil {
			t.Errorf("RemoveNetwork: %v", err)
		}
		if _, err := net.InterfaceByName(n.NetworkInterface); err == nil {
			t.Errorf("bridge %s still exists after RemoveNetwork", n.NetworkInterface)
		}
		prefix := strings.TrimSuffix(ipnet.IP.String(), "0")
		if left := iptablesLines(t, prefix, n.NetworkInterface); len(left) > 0 {
			t.Errorf("iptables rules of the test network left:\n%s", strings.Join(left, "\n"))
		}
		if cniBefore == 0 && onlyBaseChains(t) {
			removeCNIBaseChains(t)
			if left := iptablesLines(t, "CNI"); len(left) > 0 {
				t.Errorf("CNI rules left after the test:\n%s", strings.Join(left, "\n"))
			}
		}
	})
	return n, ipnet
}

// baseRules are the rules the portmap and firewall plugins put into
// their shared chains once.
var baseRules = map[string]bool{
	`-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD`:                                   true,
	`-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN`:                       true,
	`-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT`:                                              true,
	`-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT`:                                                  true,
	`-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ`:                  true,
	`-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE`:                                              true,
	`-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000`: true,
}

// onlyBaseChains reports whether the host's CNI rules are only the shared
// base chains: if anything else is there, another podlite (or CNI user)
// started meanwhile and the base chains are left alone.
func onlyBaseChains(t testing.TB) bool {
	t.Helper()
	for _, l := range iptablesLines(t, "CNI") {
		if strings.HasPrefix(l, ":CNI-ADMIN ") || strings.HasPrefix(l, ":CNI-FORWARD ") || strings.HasPrefix(l, ":CNI-HOSTPORT-") || baseRules[l] {
			continue
		}
		t.Logf("leaving the CNI base chains: someone else uses them (%s)", l)
		return false
	}
	return true
}

func hostUses(n *net.IPNet) bool {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipnet, ok := a.(*net.IPNet); ok && (n.Contains(ipnet.IP) || ipnet.Contains(n.IP)) {
			return true
		}
	}
	return false
}

// removeCNIBaseChains deletes the shared chains the portmap and firewall
// plugins create once and never remove (CNI-FORWARD, CNI-ADMIN,
// CNI-HOSTPORT-*) and the jumps to them. Only called when the host had
// no CNI rules before the test, so nobody else uses them.
func removeCNIBaseChains(t testing.TB) {
	t.Helper()
	for _, table := range []string{"filter", "nat"} {
		out, err := exec.Command("iptables-save", "-t", table).Output()
		if err != nil {
			t.Errorf("iptables-save -t %s: %v", table, err)
			continue
		}
		var chains []string
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			l := sc.Text()
			if c, ok := strings.CutPrefix(l, ":CNI-"); ok {
				chains = append(chains, "CNI-"+strings.Fields(c)[0])
			}
			if rule, ok := strings.CutPrefix(l, "-A "); ok && !strings.HasPrefix(rule, "CNI-") && strings.Contains(rule, "-j CNI-") {
				// iptables-save quotes like a shell.
				cmd := "iptables -w -t " + table + " -D " + rule
				if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
					t.Errorf("%s: %v: %s", cmd, err, out)
				}
			}
		}
		for _, verb := range []string{"-F", "-X"} {
			for _, c := range chains {
				if out, err := exec.Command("iptables", "-t", table, verb, c).CombinedOutput(); err != nil {
					t.Errorf("iptables -t %s %s %s: %v: %s", table, verb, c, err, out)
				}
			}
		}
	}
}

// leases lists host-local's lease files of network (addresses only).
func leases(t *testing.T, opts network.Options, name string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(opts.StateDir, "ipam", name))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if net.ParseIP(e.Name()) != nil {
			out = append(out, e.Name())
		}
	}
	return out
}

func listen(t *testing.T, nsPath, addr string) net.Listener {
	t.Helper()
	var l net.Listener
	if err := inNamespace(t, nsPath, func() (err error) {
		l, err = net.Listen("tcp", addr)
		return err
	}); err != nil {
		t.Fatalf("listening on %s in %s: %v", addr, nsPath, err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "hello from "+nsPath)
			_ = c.Close()
		}
	}()
	return l
}

// dial connects to addr (from the namespace nsPath, or the host if "")
// and returns what the listener says.
func dial(t *testing.T, nsPath, addr string) (string, error) {
	t.Helper()
	var got string
	do := func() error {
		c, err := net.DialTimeout("tcp", addr, 3*time.Second)
		if err != nil {
			return err
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(3 * time.Second))
		b, err := io.ReadAll(c)
		got = string(b)
		return err
	}
	if nsPath == "" {
		return got, do()
	}
	return got, inNamespace(t, nsPath, do)
}

func addressOf(t *testing.T, st network.Status, name string) net.IP {
	t.Helper()
	ns, ok := st[name]
	if !ok || len(ns.Addresses) == 0 {
		t.Fatalf("status has no address on %s: %+v", name, st)
	}
	ip, _, err := net.ParseCIDR(ns.Addresses[0].IP)
	if err != nil {
		t.Fatal(err)
	}
	return ip
}

func hostVeth(t *testing.T, st network.NetworkStatus, bridge string) string {
	t.Helper()
	var res struct {
		Interfaces []struct{ Name, Sandbox string } `json:"interfaces"`
	}
	if err := jsonUnmarshal(st.CNIResult, &res); err != nil {
		t.Fatal(err)
	}
	for _, i := range res.Interfaces {
		if i.Sandbox == "" && i.Name != bridge {
			return i.Name
		}
	}
	t.Fatalf("no host veth in %s", st.CNIResult)
	return ""
}

func TestSetupTeardown(t *testing.T) {
	requiresRoot(t)
	ctx := context.Background()
	m, opts, times := newTestCNI(t)
	n, ipnet := testNetwork(t, m)
	nsDir := newNamespaceDir(t)
	ns1, err := network.NewNamespace(nsDir, "c1")
	if err != nil {
		t.Fatal(err)
	}
	ns2, err := network.NewNamespace(nsDir, "c2")
	if err != nil {
		t.Fatal(err)
	}
	staticIP := net.ParseIP(ipnet.IP.String()).To4()
	staticIP[3] = 50
	const staticMAC = "02:42:0a:d5:00:32"
	hostPort := 20000 + int(time.Now().UnixNano()%20000)

	id1, id2 := "c1"+randomHex(t, 16), "c2"+randomHex(t, 16)
	req1 := network.Request{
		ContainerID: id1, NetNS: ns1,
		Networks: map[string]network.Attachment{n.Name: {InterfaceName: "eth0"}},
		Ports:    []network.PortMapping{{HostIP: "127.0.0.1", HostPort: uint16(hostPort), ContainerPort: 8080, Protocol: "tcp"}},
	}
	req2 := network.Request{
		ContainerID: id2, NetNS: ns2,
		Networks: map[string]network.Attachment{n.Name: {InterfaceName: "eth0", StaticIPs: []net.IP{staticIP}, StaticMAC: staticMAC}},
	}

	times.take()
	start := time.Now()
	st1, err := m.Setup(ctx, req1)
	if err != nil {
		t.Fatalf("Setup 1: %v", err)
	}
	t.Logf("Setup (bridge+portmap+firewall+tuning, 1 port) took %v:%s", time.Since(start).Round(100*time.Microsecond), formatCalls(times.take()))
	t.Cleanup(func() { _ = m.Teardown(ctx, req1) })
	st2, err := m.Setup(ctx, req2)
	if err != nil {
		t.Fatalf("Setup 2: %v", err)
	}
	t.Cleanup(func() { _ = m.Teardown(ctx, req2) })

	ip1, ip2 := addressOf(t, st1, n.Name), addressOf(t, st2, n.Name)
	t.Run("addresses", func(t *testing.T) {
		if ip1.Equal(ip2) || !ipnet.Contains(ip1) {
			t.Errorf("ip1 %s ip2 %s in %s", ip1, ip2, ipnet)
		}
		if !ip2.Equal(staticIP) {
			t.Errorf("static ip: got %s, want %s", ip2, staticIP)
		}
		if st2[n.Name].MAC != staticMAC {
			t.Errorf("static mac: got %q, want %s", st2[n.Name].MAC, staticMAC)
		}
		if gw := st1[n.Name].Addresses[0].Gateway; gw != n.Subnets[0].Gateway {
			t.Errorf("gateway %q, want %s", gw, n.Subnets[0].Gateway)
		}
		if st1[n.Name].Interface != "eth0" || st1[n.Name].MAC == "" || len(st1[n.Name].CNIResult) == 0 {
			t.Errorf("status %+v", st1[n.Name])
		}
	})

	listen(t, ns1, ":8080")
	t.Run("container to container", func(t *testing.T) {
		got, err := dial(t, ns2, net.JoinHostPort(ip1.String(), "8080"))
		if err != nil || !strings.Contains(got, ns1) {
			t.Errorf("dial %s:8080 from c2: %q, %v", ip1, got, err)
		}
	})
	t.Run("published port on 127.0.0.1", func(t *testing.T) {
		got, err := dial(t, "", fmt.Sprintf("127.0.0.1:%d", hostPort))
		if err != nil || !strings.Contains(got, ns1) {
			t.Errorf("dial 127.0.0.1:%d from the host: %q, %v", hostPort, got, err)
		}
	})

	t.Run("taken ip", func(t *testing.T) {
		before := leases(t, opts, n.Name)
		ns3, err := network.NewNamespace(nsDir, "c3")
		if err != nil {
			t.Fatal(err)
		}
		req3 := network.Request{ContainerID: "c3" + randomHex(t, 16), NetNS: ns3,
			Networks: map[string]network.Attachment{n.Name: {StaticIPs: []net.IP{staticIP}}}}
		times.take()
		if _, err := m.Setup(ctx, req3); !errors.Is(err, define.ErrExists) {
			t.Errorf("Setup with a taken ip: %v, want ErrExists", err)
		}
		if calls := times.take(); len(calls) != 0 {
			t.Errorf("plugins ran for a taken ip:%s", formatCalls(calls))
		}
		outside := net.ParseIP("10.214.0.5")
		req3.Networks[n.Name] = network.Attachment{StaticIPs: []net.IP{outside}}
		if _, err := m.Setup(ctx, req3); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Setup with an ip outside the subnet: %v, want ErrInvalidArg", err)
		}
		if after := leases(t, opts, n.Name); len(after) != len(before) {
			t.Errorf("leases changed: %v -> %v", before, after)
		}
	})

	t.Run("unknown network", func(t *testing.T) {
		req := network.Request{ContainerID: "x" + randomHex(t, 8), NetNS: ns1,
			Networks: map[string]network.Attachment{"no-such-net-" + randomHex(t, 4): {}}}
		if _, err := m.Setup(ctx, req); !errors.Is(err, define.ErrNotFound) {
			t.Errorf("Setup on an unknown network: %v, want ErrNotFound", err)
		}
	})

	t.Run("teardown", func(t *testing.T) {
		veth := hostVeth(t, st1[n.Name], n.NetworkInterface)
		times.take()
		start := time.Now()
		if err := m.Teardown(ctx, req1); err != nil {
			t.Fatalf("Teardown: %v", err)
		}
		t.Logf("Teardown took %v:%s", time.Since(start).Round(100*time.Microsecond), formatCalls(times.take()))
		if err := m.Teardown(ctx, req1); err != nil {
			t.Errorf("second Teardown: %v", err)
		}
		if _, err := net.InterfaceByName(veth); err == nil {
			t.Errorf("host veth %s still exists", veth)
		}
		if l := leases(t, opts, n.Name); len(l) != 1 || l[0] != staticIP.String() {
			t.Errorf("leases after Teardown of c1: %v, want only %s", l, staticIP)
		}
		if left := iptablesLines(t, ip1.String()+"/", ip1.String()+":"); len(left) > 0 {
			t.Errorf("rules of c1 left:\n%s", strings.Join(left, "\n"))
		}
	})

	t.Run("teardown after reboot", func(t *testing.T) {
		// After a reboot the namespace and the bridge are gone, the leases
		// and libcni's cache (under StateDir) remain.
		if err := network.RemoveNamespace(ns2); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("ip", "link", "del", n.NetworkInterface).CombinedOutput(); err != nil {
			t.Fatalf("ip link del: %v: %s", err, out)
		}
		if err := m.Teardown(ctx, req2); err != nil {
			t.Fatalf("Teardown without namespace: %v", err)
		}
		if l := leases(t, opts, n.Name); len(l) != 0 {
			t.Errorf("leases after Teardown: %v", l)
		}
		if err := m.Teardown(ctx, req2); err != nil {
			t.Errorf("second Teardown without namespace: %v", err)
		}
	})
}
