package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Network tests keep to 10.214.0.0/16 and name their bridges pltest*, so
// that they clash neither with the host nor with other tests.

// netEnv is an Env for network tests (every Env has a network domain of
// its test's own, named in its config file).
type netEnv struct {
	*Env
}

// newNetEnv returns a netEnv for t. On cleanup it removes the containers
// and networks the test left and the bridge links named in links.
func newNetEnv(t *testing.T, links ...string) *netEnv {
	t.Helper()
	n := &netEnv{Env: NewEnv(t)}
	// Registered after NewEnv's, so it runs first: containers go while
	// their networks are still configured.
	t.Cleanup(func() {
		// system reset removes the containers, then the networks with
		// their leases and firewall chains.
		if r := n.Podlite("system", "reset", "-f"); r.ExitCode != 0 {
			t.Errorf("system reset: %s", r.Stderr)
		}
		for _, l := range links {
			if err := exec.Command("ip", "link", "show", l).Run(); err == nil {
				if out, err := exec.Command("ip", "link", "del", l).CombinedOutput(); err != nil {
					t.Errorf("deleting link %s: %v: %s", l, err, out)
				}
			}
		}
	})
	return n
}

// networkJSON is one element of `network inspect`, in podman's shape.
type networkJSON struct {
	Name             string `json:"name"`
	ID               string `json:"id"`
	Driver           string `json:"driver"`
	NetworkInterface string `json:"network_interface"`
	Created          string `json:"created"`
	Subnets          []struct {
		Subnet     string `json:"subnet"`
		Gateway    string `json:"gateway"`
		LeaseRange *struct {
			StartIP string `json:"start_ip"`
			EndIP   string `json:"end_ip"`
		} `json:"lease_range"`
	} `json:"subnets"`
	IPv6Enabled *bool             `json:"ipv6_enabled"`
	Internal    bool              `json:"internal"`
	DNSEnabled  *bool             `json:"dns_enabled"`
	Labels      map[string]string `json:"labels"`
	Options     map[string]string `json:"options"`
	IPAMOptions map[string]string `json:"ipam_options"`
}

func (n *netEnv) inspectNetworks(args ...string) []networkJSON {
	n.T.Helper()
	r := n.MustPodlite(append([]string{"network", "inspect"}, args...)...)
	var nets []networkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &nets); err != nil {
		n.T.Fatalf("network inspect %v printed invalid JSON: %v\n%s", args, err, r.Stdout)
	}
	return nets
}

func outputLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestNetworkLifecycle(t *testing.T) {
	n := newNetEnv(t, "pltestlc0", "pltestlc1")
	r := n.MustPodlite("network", "create", "--subnet", "10.214.1.0/24", "--gateway", "10.214.1.254",
		"--ip-range", "10.214.1.128/25", "--label", "app=web", "-l", "tier", "--internal",
		"--interface-name", "pltestlc0", "web")
	if got := strings.TrimSpace(r.Stdout); got != "web" {
		t.Fatalf("network create printed %q, want web", got)
	}
	r = n.MustPodlite("network", "create", "--subnet", "10.214.2.0/24", "--interface-name", "pltestlc1")
	if got := strings.TrimSpace(r.Stdout); got != "podlite1" {
		t.Fatalf("network create without a name printed %q, want podlite1", got)
	}

	nets := n.inspectNetworks("web")
	if len(nets) != 1 {
		t.Fatalf("network inspect web: %d networks", len(nets))
	}
	w := nets[0]
	if w.Name != "web" || !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(w.ID) || w.Driver != "bridge" ||
		w.NetworkInterface != "pltestlc0" || !w.Internal || w.Created == "" {
		t.Errorf("network inspect web = %+v", w)
	}
	if len(w.Subnets) != 1 || w.Subnets[0].Subnet != "10.214.1.0/24" || w.Subnets[0].Gateway != "10.214.1.254" ||
		w.Subnets[0].LeaseRange == nil || w.Subnets[0].LeaseRange.StartIP != "10.214.1.129" || w.Subnets[0].LeaseRange.EndIP != "10.214.1.254" {
		t.Errorf("network inspect web subnets = %+v", w.Subnets)
	}
	if w.IPv6Enabled == nil || *w.IPv6Enabled || w.DNSEnabled == nil || *w.DNSEnabled {
		t.Errorf("ipv6_enabled and dns_enabled must be present and false: %+v", w)
	}
	if w.Labels["app"] != "web" || w.Labels["tier"] != "" || len(w.Labels) != 2 || w.Options == nil ||
		w.IPAMOptions["driver"] != "host-local" {
		t.Errorf("network inspect web labels/options = %v %v %v", w.Labels, w.Options, w.IPAMOptions)
	}

	r = n.MustPodlite("network", "inspect", "--format", "{{.name}} {{(index .subnets 0).gateway}} {{.labels.app}}", "web", "podlite1")
	if want := []string{"web 10.214.1.254 web", "podlite1 10.214.2.1 <no value>"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network inspect --format printed %q, want %q", r.Stdout, want)
	}
	// By ID prefix too.
	if got := n.inspectNetworks(w.ID[:12]); len(got) != 1 || got[0].Name != "web" {
		t.Errorf("network inspect by ID prefix = %+v", got)
	}

	// ls: the default network is always listed.
	r = n.MustPodlite("network", "ls")
	lines := outputLines(r.Stdout)
	if len(lines) != 4 || !regexp.MustCompile(`^NETWORK ID\s+NAME\s+DRIVER$`).MatchString(lines[0]) {
		t.Fatalf("network ls printed:\n%s", r.Stdout)
	}
	if !regexp.MustCompile(`^` + w.ID[:12] + `\s+web\s+bridge$`).MatchString(lines[3]) {
		t.Errorf("network ls row %q, want %s web bridge", lines[3], w.ID[:12])
	}
	r = n.MustPodlite("network", "ls", "-q")
	if want := []string{"podlite", "podlite1", "web"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network ls -q printed %q, want %q", r.Stdout, want)
	}
	r = n.MustPodlite("network", "ls", "--filter", "label=app=web", "--format", "{{.Name}} {{.Driver}} {{.NetworkInterface}}")
	if want := []string{"web bridge pltestlc0"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network ls --filter label=app=web printed %q, want %q", r.Stdout, want)
	}
	r = n.MustPodlite("network", "ls", "--filter", "name=^podlite", "-q")
	if want := []string{"podlite", "podlite1"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network ls --filter name=^podlite printed %q, want %q", r.Stdout, want)
	}
	r = n.MustPodlite("network", "ls", "--no-trunc", "--filter", "name=web", "--format", "{{.ID}}")
	if got := strings.TrimSpace(r.Stdout); got != w.ID {
		t.Errorf("network ls --no-trunc printed %q, want %s", got, w.ID)
	}
	r = n.MustPodlite("network", "ls", "--format", "json")
	var listed []networkJSON
	if err := json.Unmarshal([]byte(r.Stdout), &listed); err != nil || len(listed) != 3 || listed[2].ID != w.ID {
		t.Errorf("network ls --format json: %v\n%s", err, r.Stdout)
	}

	// exists: silent 0 or 1.
	if r := n.Podlite("network", "exists", "web"); r.ExitCode != 0 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("network exists web: %+v", r)
	}
	if r := n.Podlite("network", "exists", "nope"); r.ExitCode != 1 || r.Stdout != "" || r.Stderr != "" {
		t.Errorf("network exists nope: %+v", r)
	}

	// rm keeps going over the names and exits 125 if any failed.
	r = n.Podlite("network", "rm", "web", "nope", "podlite1")
	if r.ExitCode != 125 || !slices.Equal(outputLines(r.Stdout), []string{"web", "podlite1"}) ||
		!strings.Contains(r.Stderr, "nope") {
		t.Errorf("network rm web nope podlite1: %+v", r)
	}
	if r := n.Podlite("network", "exists", "web"); r.ExitCode != 1 {
		t.Errorf("network exists after rm: exit %d", r.ExitCode)
	}
	r = n.MustPodlite("network", "ls", "-q")
	if want := []string{"podlite"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network ls -q after rm printed %q, want %q", r.Stdout, want)
	}
}

func TestNetworkCreateErrors(t *testing.T) {
	n := newNetEnv(t, "pltesterr0")
	n.MustPodlite("network", "create", "--subnet", "10.214.10.0/24", "--interface-name", "pltesterr0", "taken")
	tests := []struct {
		name string
		args []string
		want string // in the error message
	}{
		{"invalid subnet", []string{"--subnet", "10.214.11.0/33", "bad"}, "10.214.11.0/33"},
		{"subnet not a network address", []string{"--subnet", "10.214.11.5/24", "bad"}, "10.214.11.5/24"},
		{"gateway outside the subnet", []string{"--subnet", "10.214.11.0/24", "--gateway", "10.214.12.1", "bad"}, "10.214.12.1"},
		{"gateway without subnet", []string{"--gateway", "10.214.11.1", "bad"}, "--gateway"},
		{"ip range outside the subnet", []string{"--subnet", "10.214.11.0/24", "--ip-range", "10.214.12.0/25", "bad"}, "10.214.12.0/25"},
		{"overlapping subnets", []string{"--subnet", "10.214.0.0/16", "bad"}, "overlaps"},
		{"duplicate name", []string{"--subnet", "10.214.11.0/24", "taken"}, "taken"},
		{"bad name", []string{"a/b"}, "a/b"},
		{"unknown driver", []string{"-d", "overlay", "--subnet", "10.214.11.0/24", "bad"}, "overlay"},
		{"unknown option", []string{"-o", "color=red", "--subnet", "10.214.11.0/24", "bad"}, "color"},
		{"dhcp ipam", []string{"--ipam-driver", "dhcp", "bad"}, "host-local only"},
		{"network dns", []string{"--dns", "10.0.0.53", "bad"}, "no DNS server"},
		{"ipv6 without a v6 subnet", []string{"--ipv6", "bad"}, "IPv4 subnets only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := n.Podlite(append([]string{"network", "create"}, tc.args...)...)
			expectOneLineError(t, r)
			if !strings.Contains(r.Stderr, tc.want) {
				t.Errorf("error %q does not mention %q", r.Stderr, tc.want)
			}
		})
	}
	if r := n.MustPodlite("network", "ls", "-q"); !slices.Equal(outputLines(r.Stdout), []string{"podlite", "taken"}) {
		t.Errorf("failed creates left networks: %q", r.Stdout)
	}
	for _, args := range [][]string{{"inspect", "unknown"}, {"rm", "unknown"}, {"rm", "podlite"}} {
		r := n.Podlite(append([]string{"network"}, args...)...)
		expectOneLineError(t, r)
	}
	// What podlite does anyway is accepted: host-local, no DNS.
	n.MustPodlite("network", "create", "--subnet", "10.214.13.0/24", "--ipam-driver", "host-local", "--disable-dns", "plain")
	if got := n.MustPodlite("network", "inspect", "--format", "{{.dns_enabled}}", "plain").Stdout; got != "false\n" {
		t.Errorf("--disable-dns network: dns_enabled %q", got)
	}
	n.MustPodlite("network", "rm", "plain")
	r := n.Podlite("network", "connect", "--ip6", "fd00::5", "taken", "nosuch")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "IPv4 addresses only") {
		t.Errorf("connect --ip6: %q", r.Stderr)
	}
	// The default network survives rm and prune.
	n.MustPodlite("network", "exists", "podlite")
	n.MustPodlite("network", "rm", "taken")
}

func TestNetworkCreateMacvlan(t *testing.T) {
	const parent = "pltestmv0"
	n := newNetEnv(t, parent)
	// Any link will do as the parent: creating the network does not
	// attach to it. Kernels without the dummy module have bridges.
	if err := exec.Command("ip", "link", "add", parent, "type", "dummy").Run(); err != nil {
		err = exec.Command("ip", "link", "add", parent, "type", "bridge").Run()
		requireMachine(t, "a way to create a link for the macvlan parent (dummy or bridge)", err == nil)
	}
	n.MustPodlite("network", "create", "-d", "macvlan", "-o", "parent="+parent, "-o", "mode=bridge", "--subnet", "10.214.20.0/24", "lan")
	nets := n.inspectNetworks("lan")
	if len(nets) != 1 || nets[0].Driver != "macvlan" || nets[0].NetworkInterface != parent || nets[0].Options["mode"] != "bridge" {
		t.Errorf("network inspect lan = %+v", nets)
	}
	r := n.Podlite("network", "create", "-d", "macvlan", "-o", "parent=pltestnone0", "--subnet", "10.214.21.0/24", "lan2")
	expectOneLineError(t, r)
	n.MustPodlite("network", "rm", "lan")
}

func TestNetworkPrune(t *testing.T) {
	n := newNetEnv(t, "pltestpr0", "pltestpr1")
	n.MustPodlite("network", "create", "--subnet", "10.214.30.0/24", "--interface-name", "pltestpr0", "tmp")
	n.MustPodlite("network", "create", "--subnet", "10.214.31.0/24", "--interface-name", "pltestpr1", "-l", "keep", "kept")

	// Without an answer on stdin, prune wants --force.
	r := n.Podlite("network", "prune")
	expectOneLineError(t, r)
	r = n.MustPodlite("network", "prune", "-f", "--filter", "label!=keep")
	if want := []string{"tmp"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network prune printed %q, want %q", r.Stdout, want)
	}
	r = n.MustPodlite("network", "ls", "-q")
	if want := []string{"kept", "podlite"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network ls -q after prune printed %q, want %q", r.Stdout, want)
	}
	r = n.MustPodlite("network", "prune", "-f")
	if want := []string{"kept"}; !slices.Equal(outputLines(r.Stdout), want) {
		t.Errorf("network prune -f printed %q, want %q", r.Stdout, want)
	}
	n.MustPodlite("network", "exists", "podlite")
	entries, err := os.ReadDir(n.NetConfigDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".conflist") && e.Name() != "podlite.conflist" {
			t.Errorf("prune left %s", e.Name())
		}
	}
}

func TestNetworkRmInUse(t *testing.T) {
	n := newNetEnv(t, "pltestuse0")
	n.MustPodlite("network", "create", "--subnet", "10.214.40.0/24", "--interface-name", "pltestuse0", "used")
	n.LoadBusybox()
	n.MustPodlite("create", "--name", "user", "--network", "used", BusyboxImage, "true")
	n.MustPodlite("create", "--name", "bystander", BusyboxImage, "true")

	r := n.Podlite("network", "rm", "used")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "user") {
		t.Errorf("refusal %q does not name the container", r.Stderr)
	}
	n.MustPodlite("network", "exists", "used")
	n.MustPodlite("container", "exists", "user")
	if r := n.Podlite("network", "prune", "-f"); r.ExitCode != 0 || strings.Contains(r.Stdout, "used") {
		t.Errorf("network prune removed a network in use: %+v", r)
	}

	r = n.MustPodlite("network", "rm", "-f", "used")
	if got := strings.TrimSpace(r.Stdout); got != "used" {
		t.Errorf("network rm -f printed %q, want used", got)
	}
	if r := n.Podlite("container", "exists", "user"); r.ExitCode != 1 {
		t.Errorf("container on the removed network: container exists exit %d, want 1", r.ExitCode)
	}
	n.MustPodlite("container", "exists", "bystander")
	if r := n.Podlite("network", "exists", "used"); r.ExitCode != 1 {
		t.Errorf("network exists after rm -f: exit %d, want 1", r.ExitCode)
	}
}
