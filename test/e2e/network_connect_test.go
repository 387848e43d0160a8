package e2e

import (
	"strings"
	"testing"
)

func TestNetworkConnectDisconnect(t *testing.T) {
	n := newNetEnv(t, "pltestcon")
	img := n.LoadBusybox()
	n.MustPodlite("network", "create", "--subnet", "10.214.40.0/24", "--interface-name", "pltestcon", "side")
	n.MustPodlite("run", "-d", "--name", "c", img, "sleep", "1000")
	ifaces := func() string {
		out := n.MustPodlite("exec", "c", "cat", "/proc/net/dev").Stdout
		var names []string
		for _, l := range strings.Split(out, "\n")[2:] {
			if f := strings.Fields(l); len(f) > 0 {
				names = append(names, strings.TrimSuffix(f[0], ":"))
			}
		}
		return strings.Join(names, " ")
	}
	if got := ifaces(); got != "lo eth0" {
		t.Fatalf("interfaces before connect: %q", got)
	}
	n.MustPodlite("network", "connect", "--ip", "10.214.40.9", "side", "c")
	if got := ifaces(); got != "lo eth0 eth1" {
		t.Fatalf("interfaces after connect: %q", got)
	}
	if ip := n.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.side.IPAddress}}", "c").Stdout; ip != "10.214.40.9\n" {
		t.Fatalf("address on the connected network: %q", ip)
	}
	expectOneLineError(t, n.Podlite("network", "connect", "side", "c"))   // already connected
	expectOneLineError(t, n.Podlite("network", "connect", "nosuch", "c")) // unknown network
	expectOneLineError(t, n.Podlite("network", "rm", "side"))             // in use
	n.MustPodlite("network", "disconnect", "side", "c")
	if got := ifaces(); got != "lo eth0" {
		t.Fatalf("interfaces after disconnect: %q", got)
	}
	// The connection outlives a restart, and so does the disconnection.
	n.MustPodlite("network", "connect", "side", "c")
	n.MustPodlite("restart", "-t", "0", "c")
	if got := ifaces(); got != "lo eth0 eth1" {
		t.Fatalf("interfaces after a restart: %q", got)
	}
	n.MustPodlite("rm", "-f", "c")
	n.MustPodlite("network", "rm", "side")
}
