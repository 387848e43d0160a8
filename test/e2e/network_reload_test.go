package e2e

import (
	"crypto/sha256"
	"encoding/hex"
	"net"
	"os/exec"
	"strings"
	"testing"
)

// TestNetworkRouteReload: a network's --route reaches its containers and
// inspect; network reload puts back a running container's port forward
// and its network's chains after they were flushed, with the same
// address; network update is refused with its reason.
func TestNetworkRouteReload(t *testing.T) {
	n := newNetEnv(t, "pltestrl0")
	img := n.LoadBusybox()
	n.MustPodlite("network", "create", "--subnet", "10.214.40.0/24", "--interface-name", "pltestrl0",
		"--route", "10.99.0.0/16,10.214.40.254", "rl")
	r := n.MustPodlite("network", "inspect", "--format", "{{range .routes}}{{.destination}} {{.gateway}}{{end}}", "rl")
	if got := strings.TrimSpace(r.Stdout); got != "10.99.0.0/16 10.214.40.254" {
		t.Errorf("network inspect routes: %q", got)
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	n.ntServeWeb(img, "web", "served\n", "--network", "rl", "-p", port+":80")
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	if out := n.MustPodlite("exec", "web", "ip", "route").Stdout; !strings.Contains(out, "10.99.0.0/16 via 10.214.40.254 dev eth0") {
		t.Errorf("the container lacks the network's route:\n%s", out)
	}
	id := strings.TrimSpace(n.MustPodlite("inspect", "--format", "{{.Id}}", "web").Stdout)
	ipBefore := n.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.rl.IPAddress}}", "web").Stdout

	// Flush this test's own rules: the container's port forward and its
	// network domain's masquerade chain.
	sum := sha256.Sum256([]byte(n.NetConfigDir))
	natChain := "PLNAT-" + hex.EncodeToString(sum[:])[:12]
	natRules := iptablesS(t, natChain)
	flushPortForward(t, id)
	iptables(t, "-t", "nat", "-F", natChain)
	if httpGet(addr) != "" {
		t.Fatal("the port still answers after its forward was removed")
	}
	r = n.MustPodlite("network", "reload", "web")
	if got := strings.TrimSpace(r.Stdout); got != id {
		t.Errorf("network reload printed %q, want the ID %s", got, id)
	}
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	if got := iptablesS(t, natChain); got != natRules {
		t.Errorf("reload left %s as\n%s\nwant\n%s", natChain, got, natRules)
	}
	if got := n.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.rl.IPAddress}}", "web").Stdout; got != ipBefore {
		t.Errorf("address after reload %q, before %q", got, ipBefore)
	}
	if r := n.MustPodlite("network", "reload", "--all"); strings.TrimSpace(r.Stdout) != id {
		t.Errorf("network reload --all printed %q", r.Stdout)
	}

	n.MustPodlite("create", "--name", "idle", img, "true")
	n.MustPodlite("run", "-d", "--name", "hostnet", "--network", "host", img, "sleep", "1000")
	for args, want := range map[string]string{
		"idle": "unless container network has been configured", "hostnet": "refusing to reload", "nosuch": "nosuch",
		"": "--all", "--all web": "--all",
	} {
		r := n.Podlite(append([]string{"network", "reload"}, strings.Fields(args)...)...)
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("network reload %s: %q does not say %q", args, r.Stderr, want)
		}
	}
	r = n.Podlite("network", "update", "--dns-add", "10.0.0.53", "rl")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "no DNS server") {
		t.Errorf("network update: %s", r.Stderr)
	}
	for route, want := range map[string]string{
		"10.99.0.0/16":                "format",
		"nonsense,10.214.41.1":        "destination",
		"10.99.0.0/16,10.214.42.1":    "no subnet",
		"10.99.0.0/16,10.214.41.1,5":  "metric",
		"fd00::/64,10.214.41.1":       "families",
		"10.99.0.0/16,10.214.41.1,-1": "metric",
	} {
		r := n.Podlite("network", "create", "--subnet", "10.214.41.0/24", "--route", route, "bad")
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("--route %s: %q does not say %q", route, r.Stderr, want)
		}
	}
}

// flushPortForward removes the portmap plugin's DNAT chain of a container
// (found by the ID in its comment) and the jump to it.
func flushPortForward(t *testing.T, id string) {
	t.Helper()
	for _, line := range strings.Split(iptablesS(t, "CNI-HOSTPORT-DNAT"), "\n") {
		if !strings.Contains(line, `id: \"`+id+`\"`) && !strings.Contains(line, `id: "`+id+`"`) {
			continue
		}
		fields := strings.Fields(line)
		chain := fields[len(fields)-1]
		// -S prints the rule quoted for a shell.
		if out, err := exec.Command("sh", "-c", "iptables -w -t nat -D "+strings.TrimPrefix(line, "-A ")).CombinedOutput(); err != nil {
			t.Fatalf("deleting %s: %v: %s", line, err, out)
		}
		iptables(t, "-t", "nat", "-F", chain)
		iptables(t, "-t", "nat", "-X", chain)
		return
	}
	t.Fatalf("no port forward of %s in CNI-HOSTPORT-DNAT", id)
}

func iptablesS(t *testing.T, chain string) string {
	t.Helper()
	out, err := exec.Command("iptables", "-w", "-t", "nat", "-S", chain).Output()
	if err != nil {
		t.Fatalf("iptables -S %s: %v", chain, err)
	}
	return string(out)
}

func iptables(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("iptables", append([]string{"-w"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("iptables %v: %v: %s", args, err, out)
	}
}
