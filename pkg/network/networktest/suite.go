package networktest

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// RunManagerTests is the conformance suite of network.Manager: every
// implementation (the CNI manager, this package's fake) runs it. It
// covers network configuration and the Setup errors that must come before
// anything is attached, so it needs neither root nor CNI plugins.
// newManager returns a manager with no networks.
func RunManagerTests(t *testing.T, newManager func(t *testing.T) network.Manager) {
	t.Run("EnsureDefault", func(t *testing.T) { testEnsureDefault(t, newManager(t)) })
	t.Run("CreateNetwork", func(t *testing.T) { testCreateNetwork(t, newManager(t)) })
	t.Run("SetupErrors", func(t *testing.T) { testSetupErrors(t, newManager(t)) })
	t.Run("DefaultOnSetup", func(t *testing.T) { testDefaultOnSetup(t, newManager(t)) })
	t.Run("LeasesKeepNetworks", func(t *testing.T) { testLeasesKeepNetworks(t, newManager(t)) })
}

// testDefaultOnSetup: a Setup naming the default network creates it, even
// when the request is then refused (an address outside its subnet).
func testDefaultOnSetup(t *testing.T, m network.Manager) {
	req := network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{
		network.DefaultName: {StaticIPs: []net.IP{net.ParseIP("192.0.2.5")}}}}
	if _, err := m.Setup(context.Background(), req); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("Setup with an address outside the default network: %v, want ErrInvalidArg", err)
	}
	if _, err := m.Network(network.DefaultName); err != nil {
		t.Errorf("the default network after a Setup naming it: %v", err)
	}
}

// testLeasesKeepNetworks: a network on which a container holds an
// address (another root's, as far as the caller knows) is neither removed
// nor reset; once the address is released it goes with the rest.
func testLeasesKeepNetworks(t *testing.T, m network.Manager) {
	n, err := m.CreateNetwork(network.Network{Name: "net-l", Subnets: []network.Subnet{{Subnet: "10.252.0.0/24"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.CreateNetwork(network.Network{Name: "net-free", Subnets: []network.Subnet{{Subnet: "10.253.0.0/24"}}}); err != nil {
		t.Fatal(err)
	}
	st := network.Status{n.Name: {Interface: "eth0", Addresses: []network.Address{{IP: "10.252.0.9/24"}}}}
	if err := m.Hold("other", st); err != nil {
		t.Fatal(err)
	}
	if err := m.Hold("mine", st); !errors.Is(err, define.ErrExists) {
		t.Errorf("holding another container's address: %v, want ErrExists", err)
	}
	if l, err := m.Leases(n.Name); err != nil || len(l) != 1 || l["10.252.0.9"] != "other" {
		t.Errorf("Leases = %v, %v", l, err)
	}
	if err := m.RemoveNetwork(n.Name); !errors.Is(err, define.ErrInvalidState) {
		t.Errorf("removing a network with a lease: %v, want ErrInvalidState", err)
	}
	inUse, _ := m.RemoveUnused() // the CNI manager's firewall needs root
	if len(inUse) != 1 || inUse[0] != n.Name {
		t.Errorf("RemoveUnused kept %v, want [%s]", inUse, n.Name)
	}
	if _, err := m.Network("net-free"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("unused network after RemoveUnused: %v", err)
	}
	if err := m.Release("other", st); err != nil {
		t.Fatal(err)
	}
	if inUse, _ := m.RemoveUnused(); len(inUse) != 0 {
		t.Errorf("RemoveUnused kept %v after the release", inUse)
	}
	if _, err := m.Network(n.Name); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("released network after RemoveUnused: %v", err)
	}
}

// testEnsureDefault calls EnsureDefault from several goroutines at once:
// all must get the same default network, which cannot be removed.
func testEnsureDefault(t *testing.T, m network.Manager) {
	var wg sync.WaitGroup
	ids := make([]string, 8)
	errs := make([]error, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := m.EnsureDefault()
			errs[i] = err
			if err == nil {
				ids[i] = n.ID
			}
		}()
	}
	wg.Wait()
	for i := range ids {
		if errs[i] != nil || ids[i] != ids[0] || ids[i] == "" {
			t.Fatalf("EnsureDefault %d: %q, %v; first %q", i, ids[i], errs[i], ids[0])
		}
	}
	n, err := m.Network(network.DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if n.Driver != network.DriverBridge || n.NetworkInterface == "" || len(n.Subnets) != 1 || n.Subnets[0].Gateway == "" {
		t.Errorf("default network %+v", n)
	}
	if err := m.RemoveNetwork(network.DefaultName); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("removing the default network: %v, want ErrInvalidArg", err)
	}
}

// testCreateNetwork checks the defaults CreateNetwork fills in, lookup by
// name and by ID prefix (names are not hex, so Network falls back to
// prefixes), the networks it refuses, and removal.
func testCreateNetwork(t *testing.T, m network.Manager) {
	a, err := m.CreateNetwork(network.Network{Name: "net-a", Labels: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == "" || a.Driver != network.DriverBridge || a.NetworkInterface == "" || len(a.Subnets) != 1 ||
		a.Subnets[0].Gateway == "" || a.Created.IsZero() {
		t.Errorf("defaults not filled in: %+v", a)
	}
	b, err := m.CreateNetwork(network.Network{Name: "net-b"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Subnets[0].Subnet == a.Subnets[0].Subnet || b.NetworkInterface == a.NetworkInterface {
		t.Errorf("a and b share subnet or bridge: %+v %+v", a, b)
	}
	got, err := m.Network("net-a")
	if err != nil || got.ID != a.ID || got.Labels["k"] != "v" || !got.Created.Equal(a.Created) {
		t.Errorf("Network(a) = %+v, %v; want %+v", got, err, a)
	}
	if got, err := m.Network(a.ID[:12]); err != nil || got.Name != "net-a" {
		t.Errorf("Network(ID prefix) = %+v, %v", got, err)
	}
	all, err := m.Networks()
	if err != nil || len(all) != 2 || all[0].Name != "net-a" || all[1].Name != "net-b" {
		t.Errorf("Networks() = %v, %v", all, err)
	}

	for _, tc := range []struct {
		name string
		n    network.Network
		want error
	}{
		{"duplicate", network.Network{Name: "net-a"}, define.ErrExists},
		{"bad name", network.Network{Name: "-x"}, define.ErrInvalidArg},
		{"name with slash", network.Network{Name: "x/y"}, define.ErrInvalidArg},
		{"overlapping subnet", network.Network{Name: "net-c", Subnets: []network.Subnet{{Subnet: a.Subnets[0].Subnet}}}, define.ErrInvalidArg},
		{"bad subnet", network.Network{Name: "net-c", Subnets: []network.Subnet{{Subnet: "10.250.0.0/33"}}}, define.ErrInvalidArg},
		{"gateway outside", network.Network{Name: "net-c", Subnets: []network.Subnet{{Subnet: "10.250.0.0/24", Gateway: "10.251.0.1"}}}, define.ErrInvalidArg},
	} {
		if _, err := m.CreateNetwork(tc.n); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}

	if err := m.RemoveNetwork("net-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Network("net-a"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("Network after remove: %v, want ErrNotFound", err)
	}
	if err := m.RemoveNetwork("net-a"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("second remove: %v, want ErrNotFound", err)
	}
	c, err := m.CreateNetwork(network.Network{Name: "net-c", Subnets: []network.Subnet{{Subnet: "10.250.0.0/24"}}})
	if err != nil || c.Subnets[0].Gateway != "10.250.0.1" {
		t.Errorf("explicit subnet: %+v, %v", c, err)
	}
}

// testSetupErrors checks the requests Setup must refuse before attaching
// anything, and that Teardown of a container never set up succeeds.
func testSetupErrors(t *testing.T, m network.Manager) {
	n, err := m.CreateNetwork(network.Network{Name: "net-n", Subnets: []network.Subnet{{Subnet: "10.251.0.0/24"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		req  network.Request
		want error
	}{
		{"unknown network", network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{"nope": {}}}, define.ErrNotFound},
		{"ip outside subnet", network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{
			n.Name: {StaticIPs: []net.IP{net.ParseIP("10.252.0.9")}}}}, define.ErrInvalidArg},
		{"gateway as ip", network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{
			n.Name: {StaticIPs: []net.IP{net.ParseIP("10.251.0.1")}}}}, define.ErrExists},
		{"bad mac", network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{n.Name: {StaticMAC: "nope"}}}, define.ErrInvalidArg},
		{"bad port", network.Request{ContainerID: "c1", Networks: map[string]network.Attachment{n.Name: {}},
			Ports: []network.PortMapping{{ContainerPort: 80, Protocol: "icmp"}}}, define.ErrInvalidArg},
		{"no container ID", network.Request{Networks: map[string]network.Attachment{n.Name: {}}}, define.ErrInvalidArg},
	} {
		if _, err := m.Setup(ctx, tc.req); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	// Teardown of something never set up is fine.
	if err := m.Teardown(ctx, network.Request{ContainerID: "c9", Networks: map[string]network.Attachment{n.Name: {}}}); err != nil {
		t.Errorf("Teardown of a container never set up: %v", err)
	}
}
