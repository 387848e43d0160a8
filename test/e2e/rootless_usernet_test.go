package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// userNetServer runs a container on network netw serving text on port 80.
func userNetServer(e *Env, name, netw, text string, extra ...string) {
	args := append([]string{"run", "-d", "--name", name, "--network", netw}, extra...)
	e.MustPodlite(append(args, BusyboxImage, "sh", "-c",
		"mkdir /www; echo "+text+" > /www/index.html; exec httpd -f -vv -p 80 -h /www")...)
}

// rootlessNetNS is the path of the env's rootless network namespace.
func rootlessNetNS(e *Env) string { return filepath.Join(e.RunRoot, "netns", "rootless-netns") }

// TestRootlessUserNetwork: a user's own CNI network, in the rootless
// network namespace: two containers on it talk by address, a container
// reaches a server in a test namespace through the namespace's pasta, a
// port published on the network answers on the host's loopback and from
// the test namespace (source address kept), a pod on the network,
// connect and disconnect, `unshare --rootless-netns`
// sees the network's bridge, and the namespace and its pasta go with the
// last container.
func TestRootlessUserNetwork(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "n"))
	e.LoadBusybox()
	e.MustPodlite("network", "create", "--subnet", "10.89.7.0/24", "net1")
	if _, err := os.Stat(rootlessNetNS(e)); err == nil {
		t.Errorf("network create made the rootless network namespace: it is made by the first container")
	}
	userNetServer(e, "a", "net1", "from-a")
	e.MustPodlite("run", "-d", "--name", "b", "--network", "net1", BusyboxImage, "sleep", "600")
	ipA := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.net1.IPAddress}}", "a").Stdout)
	if !strings.HasPrefix(ipA, "10.89.7.") {
		t.Fatalf("a's address on net1: %q", ipA)
	}
	var out string
	waitFor(t, func() bool {
		out = e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", "http://"+ipA+"/").Stdout
		return out != ""
	})
	if out != "from-a\n" {
		t.Errorf("b fetching from a (%s): %q", ipA, out)
	}
	// The leases are the user's own.
	if leases, _ := filepath.Glob(filepath.Join(e.NetStateDir, "ipam", "net1", "10.89.7.*")); len(leases) != 2 {
		t.Errorf("leases of net1 under the user's state dir: %v, want 2", leases)
	}

	// Outbound: a server in a test namespace on a veth to the host.
	peer := peerNamespace(t)
	url := peerServer(t, peer)
	waitFor(t, func() bool {
		out = e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", url).Stdout
		return out != ""
	})
	if out != "from the peer\n" {
		t.Errorf("b fetching %s: %q", url, out)
	}

	// -p on the user network: through the namespace's pasta and portmap.
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	userNetServer(e, "c", "net1", "from-c", "-p", port+":80")
	waitFor(t, func() bool { return httpGet(addr) == "from-c\n" })
	get := exec.Command("ip", "netns", "exec", peer.name, "timeout", "5", "busybox", "wget", "-qO-", "http://"+peer.hostAddr+":"+port+"/")
	if b, err := get.CombinedOutput(); err != nil || string(b) != "from-c\n" {
		t.Errorf("GET of the published port from the peer namespace: %q, %v", b, err)
	}
	if logs := e.MustPodlite("logs", "c").Stderr; !strings.Contains(logs, peer.addr+"]") {
		t.Errorf("c's httpd saw no request from %s (source address not kept): %q", peer.addr, logs)
	}
	// a's server and the peer still answer b after pasta restarted for
	// c's port, and after it restarted again without it.
	if out := e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", "http://"+ipA+"/").Stdout; out != "from-a\n" {
		t.Errorf("b fetching from a after c published a port: %q", out)
	}
	if out := e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", url).Stdout; out != "from the peer\n" {
		t.Errorf("b fetching %s after pasta restarted: %q", url, out)
	}
	e.MustPodlite("rm", "-f", "c")
	if httpGet(addr) != "" {
		t.Errorf("port %s still answers after c was removed", port)
	}
	if out := e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", url).Stdout; out != "from the peer\n" {
		t.Errorf("b fetching %s after c went: %q", url, out)
	}

	// A host port someone holds: pasta's own error, and pasta back with
	// the ports it had, so b's outbound traffic still flows.
	busy, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	r := e.Podlite("run", "--rm", "--network", "net1", "-p", fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)+":80", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "Failed to bind") {
		t.Errorf("-p to a host port in use on a user network: %q", r.Stderr)
	}
	if out := e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", url).Stdout; out != "from the peer\n" {
		t.Errorf("b fetching %s after a failed publish: %q", url, out)
	}

	// network connect and disconnect of a running container.
	e.MustPodlite("network", "create", "--subnet", "10.89.9.0/24", "net2")
	e.MustPodlite("network", "connect", "net2", "b")
	if ip := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.net2.IPAddress}}", "b").Stdout); !strings.HasPrefix(ip, "10.89.9.") {
		t.Errorf("b's address on net2 after connect: %q", ip)
	}
	if out := e.MustPodlite("exec", "b", "ip", "-o", "addr").Stdout; !strings.Contains(out, "10.89.9.") {
		t.Errorf("b's interfaces after connect: %q", out)
	}
	e.MustPodlite("network", "disconnect", "net2", "b")
	if out := e.MustPodlite("exec", "b", "ip", "-o", "addr").Stdout; strings.Contains(out, "10.89.9.") {
		t.Errorf("b's interfaces after disconnect: %q", out)
	}
	e.MustPodlite("network", "rm", "net2")

	// A pod on the user network: its member serves b at the infra's address.
	e.MustPodlite("pod", "create", "--name", "p", "--network", "net1")
	e.MustPodlite("run", "-d", "--pod", "p", "--name", "member", BusyboxImage, "sh", "-c",
		"mkdir /www; echo in-the-pod > /www/index.html; exec httpd -f -p 80 -h /www")
	infra := strings.TrimSpace(e.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "p").Stdout)
	ipP := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.net1.IPAddress}}", infra).Stdout)
	waitFor(t, func() bool {
		out = e.Podlite("exec", "b", "timeout", "5", "wget", "-qO-", "http://"+ipP+"/").Stdout
		return out != ""
	})
	if out != "in-the-pod\n" {
		t.Errorf("b fetching from the pod at %q: %q", ipP, out)
	}
	e.MustPodlite("pod", "rm", "-f", "p")

	// unshare --rootless-netns: the network's bridge and gateway.
	bridge := strings.TrimSpace(e.MustPodlite("network", "ls", "--filter", "name=^net1$", "--format", "{{.NetworkInterface}}").Stdout)
	ipAddr := e.MustPodlite("unshare", "--rootless-netns", "ip", "-o", "addr").Stdout
	if !strings.Contains(ipAddr, bridge) || !strings.Contains(ipAddr, "10.89.7.1/24") {
		t.Errorf("ip addr in the rootless network namespace: want %s with 10.89.7.1/24:\n%s", bridge, ipAddr)
	}
	if b, err := exec.Command("ip", "-o", "addr").Output(); err != nil || strings.Contains(string(b), "10.89.7.1/24") {
		t.Errorf("the host has the user's bridge address: %v\n%s", err, b)
	}
	pid := pidFromFile(filepath.Join(e.RunRoot, "rootless-netns", "pasta.pid"))
	if pid == 0 {
		t.Fatal("no pasta PID for the rootless network namespace")
	}
	e.MustPodlite("stop", "-t", "0", "a")
	if _, err := os.Stat(rootlessNetNS(e)); err != nil {
		t.Errorf("the rootless network namespace went while b uses it: %v", err)
	}
	e.MustPodlite("rm", "-f", "a", "b")
	if _, err := os.Stat(rootlessNetNS(e)); err == nil {
		t.Errorf("the rootless network namespace is still there after the last container went")
	}
	expectPastaGone(t, e, "rootless-netns", pid)

	// unshare --rootless-netns with no container: made for the command,
	// gone after it (the env's leak checker).
	if out := e.MustPodlite("unshare", "--rootless-netns", "ip", "-o", "link").Stdout; !strings.Contains(out, bridge) && !strings.Contains(out, "lo") {
		t.Errorf("ip link in a fresh rootless network namespace: %q", out)
	}
	if _, err := os.Stat(rootlessNetNS(e)); err == nil {
		t.Errorf("unshare --rootless-netns left the namespace behind")
	}
	r = e.Podlite("run", "--rm", "--network", "net1", "-p", "80:80", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "net.ipv4.ip_unprivileged_port_start") {
		t.Errorf("-p 80:80 on a user network: %q, want the sysctl named", r.Stderr)
	}
	e.MustPodlite("network", "rm", "net1")
}

// TestRootlessUserNetworkIsolated: two users create a network of the same
// name (and subnet): each gets its own, in its own rootless network
// namespace, with its own leases, and neither sees the other's.
func TestRootlessUserNetworkIsolated(t *testing.T) {
	envs := []*Env{NewRootlessEnv(t, rootlessUser(t, "n")), NewRootlessEnv(t, rootlessUser(t, "m"))}
	for i, e := range envs {
		e.LoadBusybox()
		e.MustPodlite("network", "create", "--subnet", "10.89.8.0/24", "same")
		userNetServer(e, "srv", "same", fmt.Sprintf("user-%d", i))
		e.MustPodlite("run", "-d", "--name", "cli", "--network", "same", BusyboxImage, "sleep", "600")
	}
	for i, e := range envs {
		ip := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.NetworkSettings.Networks.same.IPAddress}}", "srv").Stdout)
		var out string
		waitFor(t, func() bool {
			out = e.Podlite("exec", "cli", "timeout", "5", "wget", "-qO-", "http://"+ip+"/").Stdout
			return out != ""
		})
		if want := fmt.Sprintf("user-%d\n", i); out != want {
			t.Errorf("user %d's client fetching %s on its network: %q, want %q", i, ip, out, want)
		}
		if nets := e.MustPodlite("network", "ls", "--format", "{{.Name}}").Stdout; nets != "podlite\nsame\n" {
			t.Errorf("user %d's networks: %q", i, nets)
		}
		if leases, _ := filepath.Glob(filepath.Join(e.NetStateDir, "ipam", "same", "10.89.8.*")); len(leases) != 2 {
			t.Errorf("user %d's leases: %v, want 2", i, leases)
		}
	}
	var st0, st1 os.FileInfo
	st0, err0 := os.Stat(rootlessNetNS(envs[0]))
	st1, err1 := os.Stat(rootlessNetNS(envs[1]))
	if err0 != nil || err1 != nil || os.SameFile(st0, st1) {
		t.Errorf("the users' rootless network namespaces: %v %v (same: %v)", err0, err1, err0 == nil && err1 == nil && os.SameFile(st0, st1))
	}
	root := NewEnv(t)
	if nets := root.MustPodlite("network", "ls", "--format", "{{.Name}}").Stdout; strings.Contains(nets, "same") {
		t.Errorf("root sees a user's network: %q", nets)
	}
	r := root.Podlite("unshare", "--rootless-netns", "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "please use unshare with rootless") {
		t.Errorf("unshare --rootless-netns as root: %q", r.Stderr)
	}
}
