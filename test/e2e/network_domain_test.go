package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Network domains: the default network is created by whatever command
// first needs it, and roots sharing a domain share its leases and never
// remove what another root still uses.

// conflists lists the network configurations in the env's domain.
func conflists(t *testing.T, e *Env) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(e.NetConfigDir, "*.conflist"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func linkExists(name string) bool { return exec.Command("ip", "link", "show", name).Run() == nil }

// TestRestoreImportOnFreshRoot is the migration story: a container
// exported on root A is restored, with its state and address, by root B
// whose network domain is empty — `restore --import` is the first command
// B runs that needs a network (B only loaded its image before).
func TestRestoreImportOnFreshRoot(t *testing.T) {
	a := NewEnv(t)
	b := NewEnvApart(t)
	// Another machine: its own directories and bridge, the same default
	// subnet as every fresh install.
	b.DefaultSubnet = a.DefaultSubnet
	b.WriteConfig()
	img := a.LoadBusybox()
	b.LoadBusybox()
	ip := runMover(t, a, img)
	archive := filepath.Join(t.TempDir(), "mover.tar.zst")
	a.MustPodlite("container", "checkpoint", "--export", archive, "mover")
	at := lastCount(t, a, "mover")
	// Machine A is gone, its bridge with it.
	a.MustPodlite("system", "reset", "-f")
	if linkExists(a.DefaultBridge) {
		t.Fatalf("root A's reset left its unused bridge %s", a.DefaultBridge)
	}

	if got := conflists(t, b); len(got) != 0 {
		t.Fatalf("root B's network directory is not empty before the import: %v", got)
	}
	importMover(t, b, archive, at, ip)
	if got := strings.TrimSpace(b.MustPodlite("network", "inspect", "--format", "{{.network_interface}}", "podlite").Stdout); got != b.DefaultBridge {
		t.Fatalf("root B's default network has bridge %q, want %s", got, b.DefaultBridge)
	}
}

// TestDefaultNetworkOnFirstUse: start and network connect create the
// default network when it is missing, as run, create and restore do.
func TestDefaultNetworkOnFirstUse(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("network", "create", "--subnet", "10.214.77.0/24", "--interface-name", "pltestfu0", "side")
	e.MustPodlite("create", "--name", "stopped", img, "sleep", "1000")
	e.MustPodlite("create", "--name", "sider", "--network", "side", img, "sleep", "1000")
	// The default network's configuration is lost (a fresh config
	// directory under an existing root).
	if err := os.Remove(filepath.Join(e.NetConfigDir, "podlite.conflist")); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("start", "stopped")
	if ip := strings.Fields(netOf(e, "stopped"))[0]; !strings.HasPrefix(ip, strings.TrimSuffix(e.DefaultSubnet, "0/24")) {
		t.Fatalf("started on the recreated default network with %s, want an address in %s", ip, e.DefaultSubnet)
	}
	e.MustPodlite("rm", "-f", "stopped")
	if err := os.Remove(filepath.Join(e.NetConfigDir, "podlite.conflist")); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("network", "connect", "podlite", "sider")
	e.MustPodlite("start", "sider")
	if got := e.MustPodlite("inspect", "--format", "{{len .NetworkSettings.Networks}}", "sider").Stdout; got != "2\n" {
		t.Fatalf("sider is on %q networks, want 2", got)
	}
	e.MustPodlite("rm", "-f", "sider")
	e.MustPodlite("network", "rm", "side")
}

// TestRootsShareNetworkDomain: two roots on one domain never hold one
// address, and root B's reset, network rm and network prune leave what
// root A still uses — its networks, bridge and firewall rules — with a
// one-line note, A's container still reachable.
func TestRootsShareNetworkDomain(t *testing.T) {
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	web := ntWebRoot(t, "still here\n")
	a.MustPodlite("run", "-d", "--name", "web", "-v", web+":/www", img, "httpd", "-f", "-p", "80", "-h", "/www")
	a.MustPodlite("network", "create", "--subnet", "10.214.78.0/24", "--interface-name", "pltestsd0", "shared")
	a.MustPodlite("run", "-d", "--name", "onshared", "--network", "shared", img, "sleep", "1000")
	webIP := strings.Fields(netOf(a, "web"))[0]
	waitFor(t, func() bool { return httpGet(webIP+":80") == "still here\n" })

	// B's containers get addresses A does not hold, on both networks.
	seen := map[string]string{webIP: "a/web", strings.Fields(netOf(a, "onshared"))[0]: "a/onshared"}
	for _, c := range []struct{ name, net string }{{"b1", "bridge"}, {"b2", "bridge"}, {"b3", "shared"}} {
		b.MustPodlite("run", "-d", "--name", c.name, "--network", c.net, img, "sleep", "1000")
		ip := strings.Fields(netOf(b, c.name))[0]
		if other, dup := seen[ip]; dup {
			t.Fatalf("b/%s got %s, which %s holds", c.name, ip, other)
		}
		seen[ip] = "b/" + c.name
	}

	b.MustPodlite("rm", "-f", "b3")
	r := b.Podlite("network", "rm", "shared")
	if r.ExitCode == 0 || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 || !strings.Contains(r.Stderr, "another podlite root") {
		t.Fatalf("root B removing a network root A uses: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	r = b.MustPodlite("network", "prune", "-f")
	if r.Stdout != "" || !strings.Contains(r.Stderr, "network shared is in use by containers of another podlite root") {
		t.Fatalf("root B's network prune: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}

	r = b.MustPodlite("system", "reset", "-f")
	notes := strings.Split(strings.TrimSpace(r.Stderr), "\n")
	if len(notes) != 2 || !strings.Contains(r.Stderr, "network podlite is in use") || !strings.Contains(r.Stderr, "network shared is in use") {
		t.Fatalf("root B's reset: want one note per network left in place, stderr %q", r.Stderr)
	}
	if got := len(conflists(t, a)); got != 2 {
		t.Fatalf("root B's reset left %d networks, want A's 2", got)
	}
	for _, l := range []string{a.DefaultBridge, "pltestsd0"} {
		if !linkExists(l) {
			t.Fatalf("root B's reset removed bridge %s, which root A uses", l)
		}
	}
	if got := httpGet(webIP + ":80"); got != "still here\n" {
		t.Fatalf("root A's container after root B's reset: %q", got)
	}
	// B starts over on the domain's networks, still beside A.
	b.LoadBusybox()
	b.MustPodlite("run", "-d", "--name", "again", img, "sleep", "1000")
	if ip := strings.Fields(netOf(b, "again"))[0]; seen[ip] == "a/web" {
		t.Fatalf("root B's new container got A's address %s", ip)
	}
	a.MustPodlite("rm", "-f", "onshared")
	a.MustPodlite("network", "rm", "shared")
}
