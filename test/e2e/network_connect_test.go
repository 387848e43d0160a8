package e2e

import (
	"strings"
	"testing"
)

func TestNetworkConnectDisconnect(t *testing.T) {
	n := newNetEnv(t, "pltestcon")
	img := n.LoadBusybox()
	n.mustPodlite("network", "create", "--subnet", "10.214.40.0/24", "--interface-name", "pltestcon", "side")
	n.mustPodlite("run", "-d", "--name", "c", img, "sleep", "1000")
	ifaces := func() string {
		out := n.mustPodlite("exec", "c", "cat", "/proc/net/dev").Stdout
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
	n.mustPodlite("network", "connect", "--ip", "10.214.40.9", "side", "c")
	if got := ifaces(); got != "lo eth0 eth1" {
		t.Fatalf("interfaces after connect: %q", got)
	}
	if ip := n.mustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.side.IPAddress}}", "c").Stdout; ip != "10.214.40.9\n" {
		t.Fatalf("address on the connected network: %q", ip)
	}
	expectOneLineError(t, n.podlite("network", "connect", "side", "c"))   // already connected
	expectOneLineError(t, n.podlite("network", "connect", "nosuch", "c")) // unknown network
	expectOneLineError(t, n.podlite("network", "rm", "side"))             // in use
	n.mustPodlite("network", "disconnect", "side", "c")
	if got := ifaces(); got != "lo eth0" {
		t.Fatalf("interfaces after disconnect: %q", got)
	}
	// The connection outlives a restart, and so does the disconnection.
	n.mustPodlite("network", "connect", "side", "c")
	n.mustPodlite("restart", "-t", "0", "c")
	if got := ifaces(); got != "lo eth0 eth1" {
		t.Fatalf("interfaces after a restart: %q", got)
	}
	n.mustPodlite("rm", "-f", "c")
	n.mustPodlite("network", "rm", "side")
}
