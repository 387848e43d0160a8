package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// defaultLeakCycles is how many run/rm cycles TestNetworkLeaks makes;
// $PODLITE_LEAK_CYCLES lowers it when iterating locally.
const defaultLeakCycles = 200

// netCounts is what container networking leaves on the host: leases,
// namespace files, veth links and iptables rules. The counts are compared;
// the names say what differs when they do not match.
type netCounts struct {
	leases  int      // files under NETSTATEDIR/ipam/*/ named as an IP
	netns   int      // namespace files under RUNROOT/netns
	veths   []string // `ip -o link show type veth master BRIDGE`, the env's bridge
	subnet  []string // iptables rules mentioning the env's default subnet
	cniRule []string // iptables rules mentioning a CNI- chain, host-wide
}

func (n *netEnv) countNet() netCounts {
	n.T.Helper()
	var c netCounts
	nets, _ := os.ReadDir(filepath.Join(n.NetStateDir, "ipam"))
	for _, d := range nets {
		c.leases += len(n.ntLeases(d.Name()))
	}
	c.netns = len(n.ntNetnsFiles())
	out, err := exec.Command("ip", "-o", "link", "show", "type", "veth", "master", n.DefaultBridge).Output()
	if err != nil {
		n.T.Fatalf("ip link show type veth master %s: %v", n.DefaultBridge, err)
	}
	for _, l := range outputLines(string(out)) {
		if f := strings.Fields(l); len(f) > 1 {
			c.veths = append(c.veths, strings.TrimSuffix(f[1], ":"))
		}
	}
	for _, r := range ntIptablesRules(n.T) {
		if strings.Contains(r, strings.TrimSuffix(n.DefaultSubnet, "0/24")) {
			c.subnet = append(c.subnet, r)
		}
		if strings.Contains(r, "CNI-") {
			c.cniRule = append(c.cniRule, r)
		}
	}
	return c
}

func (c netCounts) same(o netCounts) bool {
	return c.leases == o.leases && c.netns == o.netns && len(c.veths) == len(o.veths) &&
		len(c.subnet) == len(o.subnet) && len(c.cniRule) == len(o.cniRule)
}

func (c netCounts) String() string {
	return fmt.Sprintf("leases=%d netns=%d veths=%d rules(subnet)=%d rules(CNI-)=%d",
		c.leases, c.netns, len(c.veths), len(c.subnet), len(c.cniRule))
}

// added lists what after has and before has not.
func added(before, after []string) []string {
	var out []string
	for _, a := range after {
		if !slices.Contains(before, a) {
			out = append(out, a)
		}
	}
	return out
}

// otherPodlites lists the command lines of podlite processes running on
// the host, to tell host-wide changes made by others from leaks.
func otherPodlites() []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.Contains(filepath.Base(strings.SplitN(string(b), "\x00", 2)[0]), "podlite") {
			continue
		}
		out = append(out, strings.ReplaceAll(strings.TrimRight(string(b), "\x00"), "\x00", " "))
	}
	return out
}

// cyclesFromEnv is $name if set (a positive number), else def: a long
// test's cycles, lowered when iterating locally.
func cyclesFromEnv(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		t.Fatalf("%s=%q: want a positive number", name, s)
	}
	return v
}

// TestNetworkLeaks runs containers with a published port on the default
// network again and again, alternating `run --rm` with `run -d` + `rm -f`,
// and checks that nothing is left behind: no lease, namespace file, veth
// or iptables rule, and none naming any of the containers.
//
// veth and iptables counts are host-wide: containers others start on the
// host meanwhile change them (veths are counted on the env's own bridge
// only), so the final comparison waits up to a minute for them to settle, and on failure names what was added and which
// podlite processes were running. The checks of leases, namespace files
// and rules naming the test's containers are exact.
func TestNetworkLeaks(t *testing.T) {
	cycles := cyclesFromEnv(t, "PODLITE_LEAK_CYCLES", defaultLeakCycles)
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	cidDir := t.TempDir()
	// Warm up: the default network's bridge and the CNI base chains are
	// created once and stay by design.
	n.mustPodlite("run", "--rm", "-p", hp+":80", img, "true")
	before := n.countNet()
	if before.leases != 0 || before.netns != 0 {
		t.Fatalf("after the warm-up: %+v", before)
	}

	start := time.Now()
	var ids []string
	for i := range cycles {
		cidfile := filepath.Join(cidDir, strconv.Itoa(i))
		if i%2 == 0 {
			n.mustPodlite("run", "--rm", "--cidfile", cidfile, "-p", hp+":80", img, "true")
		} else {
			name := "leak" + strconv.Itoa(i)
			n.mustPodlite("run", "-d", "--cidfile", cidfile, "--name", name, "-p", hp+":80", img, "sleep", "1000")
			n.mustPodlite("rm", "-f", name)
		}
		id, err := os.ReadFile(cidfile)
		if err != nil || len(strings.TrimSpace(string(id))) != 64 {
			t.Fatalf("cycle %d: cidfile: %q, %v", i, id, err)
		}
		ids = append(ids, strings.TrimSpace(string(id)))
		if c := n.countNet(); c.leases != 0 || c.netns != 0 {
			t.Fatalf("after cycle %d: %d leases, %d namespace files", i, c.leases, c.netns)
		}
	}
	elapsed := time.Since(start)
	t.Logf("%d cycles in %s (%s each)", cycles, elapsed.Round(time.Millisecond), (elapsed / time.Duration(cycles)).Round(time.Millisecond))

	if got := n.mustPodlite("ps", "-aq").Stdout; got != "" {
		t.Errorf("containers left: %q", got)
	}
	var named []string
	for _, r := range ntIptablesRules(t) {
		for _, id := range ids {
			if strings.Contains(r, id) {
				named = append(named, r)
				break
			}
		}
	}
	if len(named) != 0 {
		t.Errorf("%d iptables rules name the removed containers:\n%s", len(named), strings.Join(named, "\n"))
	}

	var after netCounts
	deadline := time.Now().Add(time.Minute)
	for {
		if after = n.countNet(); after.same(before) || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !after.same(before) {
		t.Errorf("leaked over %d cycles:\nbefore %s\nafter  %s\nnew veths: %q\nnew rules:\n%s\npodlite processes running:\n%s",
			cycles, before, after, added(before.veths, after.veths),
			strings.Join(added(append(before.subnet, before.cniRule...), append(after.subnet, after.cniRule...)), "\n"),
			strings.Join(otherPodlites(), "\n"))
	}
	// The port is free again.
	n.mustPodlite("run", "--rm", "-p", hp+":80", img, "true")
}
