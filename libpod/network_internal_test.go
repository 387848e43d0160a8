package libpod

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state/statetest"
	"github.com/podlite/podlite/pkg/network"
	"github.com/podlite/podlite/pkg/network/networktest"
)

// newNetworkTestRuntime is newTestRuntime with the fake network manager.
func newNetworkTestRuntime(t *testing.T) (*Runtime, *networktest.Manager) {
	t.Helper()
	r := newTestRuntime(t)
	fake := networktest.New()
	r.net.once.Do(func() { r.net.mgr = fake })
	return r, fake
}

func mustCreateNetwork(t *testing.T, r *Runtime, n network.Network) *network.Network {
	t.Helper()
	created, err := r.CreateNetwork(n)
	if err != nil {
		t.Fatalf("CreateNetwork(%s): %v", n.Name, err)
	}
	return created
}

// addContainerOn stores a container record that joins the networks and
// returns its ID.
func addContainerOn(t *testing.T, r *Runtime, name string, networks ...string) string {
	t.Helper()
	id := statetest.ID(name)
	cfg := statetest.NewConfig(id, name, time.Now())
	cfg.StorageID = "" // no rootfs: removal need not open containers/storage
	cfg.NetworkMode = define.NetworkBridge
	cfg.Network.Networks = map[string]define.NetworkAttachment{}
	for i, n := range networks {
		cfg.Network.Networks[n] = define.NetworkAttachment{InterfaceName: "eth" + string(rune('0'+i))}
	}
	if err := r.store.AddContainer(cfg, statetest.NewState()); err != nil {
		t.Fatal(err)
	}
	return id
}

func networkNames(nets []*network.Network) []string {
	names := make([]string, 0, len(nets))
	for _, n := range nets {
		names = append(names, n.Name)
	}
	return names
}

func TestCreateNetworkErrors(t *testing.T) {
	tests := []struct {
		name string
		n    network.Network
		want error
	}{
		{"bad name", network.Network{Name: "a/b"}, define.ErrInvalidArg},
		{"bad subnet", network.Network{Name: "n", Subnets: []network.Subnet{{Subnet: "10.214.0.0/33"}}}, define.ErrInvalidArg},
		{"gateway outside", network.Network{Name: "n", Subnets: []network.Subnet{{Subnet: "10.214.1.0/24", Gateway: "10.214.2.1"}}}, define.ErrInvalidArg},
		{"overlap", network.Network{Name: "n", Subnets: []network.Subnet{{Subnet: "10.214.0.0/16"}}}, define.ErrInvalidArg},
		{"duplicate", network.Network{Name: "first"}, define.ErrExists},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := newNetworkTestRuntime(t)
			mustCreateNetwork(t, r, network.Network{Name: "first", Subnets: []network.Subnet{{Subnet: "10.214.5.0/24"}}})
			if _, err := r.CreateNetwork(tc.n); !errors.Is(err, tc.want) {
				t.Fatalf("CreateNetwork(%+v) = %v, want %v", tc.n, err, tc.want)
			}
		})
	}
}

func TestNetworksFilters(t *testing.T) {
	r, _ := newNetworkTestRuntime(t)
	web := mustCreateNetwork(t, r, network.Network{Name: "web", Labels: map[string]string{"app": "web", "tier": "front"}})
	mustCreateNetwork(t, r, network.Network{Name: "db", Labels: map[string]string{"app": "db"}})
	mustCreateNetwork(t, r, network.Network{Name: "webcache"})

	tests := []struct {
		filters []string
		want    []string
	}{
		{nil, []string{"db", network.DefaultName, "web", "webcache"}},
		{[]string{"name=^web"}, []string{"web", "webcache"}},
		{[]string{"name=db", "name=cache"}, []string{"db", "webcache"}},
		{[]string{"label=app"}, []string{"db", "web"}},
		{[]string{"label=app=web", "label=tier"}, []string{"web"}},
		{[]string{"label!=app"}, []string{network.DefaultName, "webcache"}},
		{[]string{"driver=bridge", "name=db"}, []string{"db"}},
		{[]string{"driver=macvlan"}, []string{}},
		{[]string{"id=" + web.ID[:12]}, []string{"web"}},
	}
	for _, tc := range tests {
		got, err := r.Networks(tc.filters...)
		if err != nil {
			t.Fatalf("Networks(%v): %v", tc.filters, err)
		}
		if names := networkNames(got); !slices.Equal(names, tc.want) {
			t.Errorf("Networks(%v) = %v, want %v", tc.filters, names, tc.want)
		}
	}
	for _, bad := range []string{"name", "color=red", "name=(", "=x"} {
		if _, err := r.Networks(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Networks(%q) = %v, want ErrInvalidArg", bad, err)
		}
	}
}

func TestNetworkByName(t *testing.T) {
	r, _ := newNetworkTestRuntime(t)
	web := mustCreateNetwork(t, r, network.Network{Name: "web"})
	for _, name := range []string{"web", web.ID, web.ID[:12]} {
		if n, err := r.NetworkByName(name); err != nil || n.Name != "web" {
			t.Errorf("NetworkByName(%s) = %v, %v; want web", name, n, err)
		}
	}
	if n, err := r.NetworkByName(network.DefaultName); err != nil || n.Name != network.DefaultName {
		t.Errorf("NetworkByName(default) = %v, %v; want it created", n, err)
	}
	if _, err := r.NetworkByName("missing"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("NetworkByName(missing) = %v, want ErrNotFound", err)
	}
}

func TestNetworkUsers(t *testing.T) {
	r, _ := newNetworkTestRuntime(t)
	mustCreateNetwork(t, r, network.Network{Name: "web"})
	mustCreateNetwork(t, r, network.Network{Name: "db"})
	a := addContainerOn(t, r, "a", "web", "db")
	b := addContainerOn(t, r, "b", "web")
	c := addContainerOn(t, r, "c", define.NetworkBridge)
	d := addContainerOn(t, r, "d", network.DefaultName)

	tests := map[string][]string{"web": {a, b}, "db": {a}, network.DefaultName: {c, d}}
	for name, want := range tests {
		got, err := r.NetworkUsers(name)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("NetworkUsers(%s) = %v, %v; want %v", name, got, err, want)
		}
	}
	if _, err := r.NetworkUsers("missing"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("NetworkUsers(missing) = %v, want ErrNotFound", err)
	}
}

func TestRemoveNetwork(t *testing.T) {
	ctx := context.Background()
	r, _ := newNetworkTestRuntime(t)
	mustCreateNetwork(t, r, network.Network{Name: "web"})
	mustCreateNetwork(t, r, network.Network{Name: "db"})
	mustCreateNetwork(t, r, network.Network{Name: "free"})
	user := addContainerOn(t, r, "user", "web", "db")
	other := addContainerOn(t, r, "other", "db")

	if err := r.RemoveNetwork(ctx, "free", false, nil); err != nil {
		t.Fatalf("removing an unused network: %v", err)
	}
	if _, err := r.NetworkByName("free"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("removed network: %v, want ErrNotFound", err)
	}
	if err := r.RemoveNetwork(ctx, "web", false, nil); !errors.Is(err, define.ErrInvalidState) {
		t.Fatalf("removing a network in use = %v, want ErrInvalidState", err)
	}
	if _, err := r.NetworkByName("web"); err != nil {
		t.Errorf("refused removal dropped the network: %v", err)
	}
	if err := r.RemoveNetwork(ctx, "web", true, nil); err != nil {
		t.Fatalf("forced removal of a network in use: %v", err)
	}
	if _, err := r.store.Container(user); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("container using the network: %v, want ErrNotFound", err)
	}
	if _, err := r.store.Container(other); err != nil {
		t.Errorf("container not using the network: %v", err)
	}
	if err := r.RemoveNetwork(ctx, "missing", true, nil); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("removing a missing network = %v, want ErrNotFound", err)
	}
	// The default network stays, and its users are not touched trying.
	dflt := addContainerOn(t, r, "dflt", define.NetworkBridge)
	if err := r.RemoveNetwork(ctx, network.DefaultName, true, nil); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("removing the default network = %v, want ErrInvalidArg", err)
	}
	if _, err := r.store.Container(dflt); err != nil {
		t.Errorf("container on the default network: %v", err)
	}
}

func TestPruneNetworks(t *testing.T) {
	r, _ := newNetworkTestRuntime(t)
	mustCreateNetwork(t, r, network.Network{Name: "used"})
	mustCreateNetwork(t, r, network.Network{Name: "unused"})
	mustCreateNetwork(t, r, network.Network{Name: "kept", Labels: map[string]string{"keep": "yes"}})
	addContainerOn(t, r, "web", "used")

	pruned, err := r.PruneNetworks("label!=keep")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pruned, []string{"unused"}) {
		t.Errorf("PruneNetworks = %v, want [unused]", pruned)
	}
	nets, err := r.Networks()
	if err != nil {
		t.Fatal(err)
	}
	if names, want := networkNames(nets), []string{"kept", network.DefaultName, "used"}; !slices.Equal(names, want) {
		t.Errorf("networks after prune = %v, want %v", names, want)
	}
	if _, err := r.PruneNetworks("bogus=1"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("PruneNetworks(bogus) = %v, want ErrInvalidArg", err)
	}
}

func TestNetworkIPRange(t *testing.T) {
	tests := []struct {
		subnet, ipRange string
		start, end      string
		want            error
	}{
		{"10.214.0.0/16", "10.214.1.0/24", "10.214.1.1", "10.214.1.255", nil},
		{"10.214.0.0/16", "10.214.255.0/24", "10.214.255.1", "10.214.255.254", nil},
		{"10.214.1.0/24", "10.214.1.0/24", "10.214.1.1", "10.214.1.254", nil},
		{"10.214.1.0/24", "10.214.1.128/25", "10.214.1.129", "10.214.1.254", nil},
		{"10.214.1.0/24", "10.214.2.0/25", "", "", define.ErrInvalidArg},
		{"10.214.1.0/24", "10.214.0.0/16", "", "", define.ErrInvalidArg},
		{"10.214.1.0/24", "nonsense", "", "", define.ErrInvalidArg},
		{"10.214.1.0/24", "10.214.1.255/32", "", "", define.ErrInvalidArg},
		{"fd00::/64", "fd00::/80", "", "", define.ErrNotSupported},
	}
	for _, tc := range tests {
		start, end, err := NetworkIPRange(tc.subnet, tc.ipRange)
		if !errors.Is(err, tc.want) || start != tc.start || end != tc.end {
			t.Errorf("NetworkIPRange(%s, %s) = %s, %s, %v; want %s, %s, %v", tc.subnet, tc.ipRange, start, end, err, tc.start, tc.end, tc.want)
		}
	}
}

func TestCreateNetworkGeneratedName(t *testing.T) {
	r, _ := newNetworkTestRuntime(t)
	mustCreateNetwork(t, r, network.Network{Name: "podlite2"})
	var names []string
	for range 3 {
		names = append(names, mustCreateNetwork(t, r, network.Network{}).Name)
	}
	if want := []string{"podlite1", "podlite3", "podlite4"}; !slices.Equal(names, want) {
		t.Errorf("generated names %v, want %v", names, want)
	}
}

// TestRemoveContentsExcept: a reset of the default root empties it but for
// the network domain's state directory inside it (ROOT/networks), which
// other roots' leases live in.
func TestRemoveContentsExcept(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"podlite.db", "storage/x", "networks/cache/results/r", "networks/ipam/podlite/10.90.0.5"} {
		path := filepath.Join(root, f)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := removeContentsExcept(root, filepath.Join(root, "networks", "ipam")+"/"); err != nil {
		t.Fatal(err)
	}
	var left []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			left = append(left, rel)
		}
		return nil
	})
	if len(left) != 1 || left[0] != "networks/ipam/podlite/10.90.0.5" {
		t.Fatalf("left %v, want only the lease", left)
	}
}

// TestNetworksOfOtherRoots: a network on which a container of another
// root of the domain holds an address (a lease this root's store does not
// know) is refused by RemoveNetwork, left by PruneNetworks, and kept by
// the reset's RemoveUnused.
func TestNetworksOfOtherRoots(t *testing.T) {
	r, fake := newNetworkTestRuntime(t)
	ctx := context.Background()
	n := mustCreateNetwork(t, r, network.Network{Name: "shared"})
	mustCreateNetwork(t, r, network.Network{Name: "free"})
	_, ipnet, _ := net.ParseCIDR(n.Subnets[0].Subnet)
	ip := &net.IPNet{IP: firstFreeIP(ipnet), Mask: ipnet.Mask}
	if err := fake.Hold("other-root-ctr", network.Status{"shared": {Addresses: []network.Address{{IP: ip.String()}}}}); err != nil {
		t.Fatal(err)
	}
	if err := r.RemoveNetwork(ctx, "shared", true, nil); !errors.Is(err, define.ErrInvalidState) || !strings.Contains(err.Error(), "another podlite root") {
		t.Errorf("RemoveNetwork(shared) = %v, want ErrInvalidState naming another root", err)
	}
	pruned, err := r.PruneNetworks()
	if err != nil || !slices.Equal(pruned, []string{"free"}) {
		t.Errorf("PruneNetworks = %v, %v; want [free]", pruned, err)
	}
	if _, err := r.NetworkByName("shared"); err != nil {
		t.Errorf("shared after prune: %v", err)
	}
}

// firstFreeIP is the subnet's address after its gateway.
func firstFreeIP(n *net.IPNet) net.IP {
	ip := make(net.IP, 4)
	copy(ip, n.IP.To4())
	ip[3] += 2
	return ip
}
