package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// defaultLeakCycles is how many run/rm cycles TestNetworkLeaks makes;
// $PODLITE_LEAK_CYCLES lowers it when iterating locally.
const defaultLeakCycles = 200

// netCounts is what a cycle must not leave: leases and namespace files.
type netCounts struct {
	leases int // files under NETSTATEDIR/ipam/*/ named as an IP
	netns  int // namespace files under RUNROOT/netns
}

func (n *netEnv) countNet() netCounts {
	n.T.Helper()
	var c netCounts
	nets, _ := os.ReadDir(filepath.Join(n.NetStateDir, "ipam"))
	for _, d := range nets {
		c.leases += len(n.ntLeases(d.Name()))
	}
	c.netns = len(n.ntNetnsFiles())
	return c
}

// TestNetworkLeaks runs containers with a published port on the default
// network again and again, alternating `run --rm` with `run -d` + `rm -f`,
// and checks that nothing is left behind: no lease, namespace file, veth
// or iptables rule, and none naming any of the containers.
//
// Leases and namespace files are checked after every cycle; veths,
// iptables rules and chains, cgroups, locks and processes of the test's
// containers at the end, by the leak checker, which scopes them to this
// env so that containers others run on the host meanwhile do not count.
func TestNetworkLeaks(t *testing.T) {
	cycles := cyclesFromEnv(t, "PODLITE_LEAK_CYCLES", defaultLeakCycles)
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	cidDir := t.TempDir()
	// Warm up: the default network's bridge and the CNI base chains are
	// created once and stay by design.
	n.MustPodlite("run", "--rm", "-p", hp+":80", img, "true")
	before := n.countNet()
	if before.leases != 0 || before.netns != 0 {
		t.Fatalf("after the warm-up: %+v", before)
	}

	start := time.Now()
	var ids []string
	for i := range cycles {
		cidfile := filepath.Join(cidDir, strconv.Itoa(i))
		if i%2 == 0 {
			n.MustPodlite("run", "--rm", "--cidfile", cidfile, "-p", hp+":80", img, "true")
		} else {
			name := "leak" + strconv.Itoa(i)
			n.MustPodlite("run", "-d", "--cidfile", cidfile, "--name", name, "-p", hp+":80", img, "sleep", "1000")
			n.MustPodlite("rm", "-f", name)
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

	if got := n.MustPodlite("ps", "-aq").Stdout; got != "" {
		t.Errorf("containers left: %q", got)
	}
	// The leak checker, now rather than only at cleanup, knowing every
	// container (run --rm prints no ID: the cidfiles have them).
	for _, id := range ids {
		n.leaks.ids[id] = true
	}
	n.leaks.check()
	// The port is free again.
	n.MustPodlite("run", "--rm", "-p", hp+":80", img, "true")
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
