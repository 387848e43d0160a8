package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRootlessPasta: an ordinary user's container gets pasta by default: a
// port published with -p answers on the host, the container reaches a
// listener on the host's loopback through host.containers.internal, and
// stop, the supervisor's cleanup and rm each end pasta and remove the
// namespace. A privileged host port is refused naming the sysctl, and
// slirp4netns in one line.
func TestRootlessPasta(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "p"))
	e.LoadBusybox()
	if out := e.MustPodlite("info", "--format", "{{.Host.RootlessNetworkCmd}} {{.Host.Pasta.Executable}}").Stdout; out != "pasta /usr/bin/pasta\n" {
		t.Errorf("info's rootless network command and pasta: %q", out)
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	e.MustPodlite("run", "-d", "--name", "web", "-p", port+":80", BusyboxImage, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www")
	if mode := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.HostConfig.NetworkMode}}", "web").Stdout); mode != "pasta" {
		t.Errorf("a user's default network mode: %q, want pasta", mode)
	}
	var body string
	waitFor(t, func() bool { body = httpGet(addr); return body != "" })
	if body != "served\n" {
		t.Errorf("GET %s through pasta: %q", addr, body)
	}
	id := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "web").Stdout)
	pid := pastaPID(t, e, id)

	// The container's outbound connection to a listener on the host's
	// loopback, through the gateway address pasta maps to it.
	url := fmt.Sprintf("http://host.containers.internal:%d/", hostLoopbackServer(t))
	if out := e.MustPodlite("exec", "web", "timeout", "5", "wget", "-qO-", url).Stdout; out != "from the host\n" {
		t.Errorf("wget %s in the container: %q", url, out)
	}

	e.MustPodlite("stop", "-t", "0", "web")
	expectPastaGone(t, e, id, pid)
	e.MustPodlite("start", "web")
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	pid = pastaPID(t, e, id)
	e.MustPodlite("rm", "-f", "web")
	expectPastaGone(t, e, id, pid)

	// -P: a free host port chosen, forwarded by pasta.
	e.MustPodlite("run", "-d", "--name", "pub", "-P", "--expose", "80", BusyboxImage, "sh", "-c",
		"mkdir /www; echo published > /www/index.html; exec httpd -f -p 80 -h /www")
	_, pubPort, _ := strings.Cut(strings.TrimSpace(e.MustPodlite("port", "pub", "80/tcp").Stdout), ":")
	waitFor(t, func() bool { return httpGet("127.0.0.1:"+pubPort) == "published\n" })
	e.MustPodlite("rm", "-f", "pub")

	// A container that exits by itself: the supervisor's cleanup ends pasta.
	e.MustPodlite("run", "-d", "--name", "short", "--network", "pasta", BusyboxImage, "sleep", "1")
	id = strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "short").Stdout)
	pid = pastaPID(t, e, id)
	waitFor(t, func() bool {
		return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "short").Stdout) == "exited"
	})
	expectPastaGone(t, e, id, pid)

	// A host port someone else holds: pasta's own error, nothing left
	// (the env's leak checker).
	busy, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	r := e.Podlite("run", "--rm", "-p", fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)+":80", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "starting pasta") || !strings.Contains(r.Stderr, "Failed to bind") {
		t.Errorf("-p to a host port in use: %q", r.Stderr)
	}
	r = e.Podlite("run", "--rm", "-p", "80:80", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "net.ipv4.ip_unprivileged_port_start") {
		t.Errorf("-p 80:80 as a user: %q, want the sysctl named", r.Stderr)
	}
}

// TestRootlessSlirp4netns: --network slirp4netns with its own port handler:
// the container has podman's slirp address, a port published through the
// API socket answers on the host, allow_host_loopback=true reaches a
// listener on the host's loopback, and stop and rm end slirp4netns.
// rootlesskit's port handler is refused.
func TestRootlessSlirp4netns(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "s"))
	e.LoadBusybox()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	e.MustPodlite("run", "-d", "--name", "web", "--network", "slirp4netns:port_handler=slirp4netns,allow_host_loopback=true",
		"-p", port+":80", BusyboxImage, "sh", "-c", "mkdir /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www")
	var body string
	waitFor(t, func() bool { body = httpGet(addr); return body != "" })
	if body != "served\n" {
		t.Errorf("GET %s through slirp4netns: %q", addr, body)
	}
	if out := e.MustPodlite("inspect", "--format", "{{.NetworkSettings.IPAddress}}", "web").Stdout; out != "10.0.2.100\n" {
		t.Errorf("inspect's address: %q", out)
	}
	if out := e.MustPodlite("exec", "web", "ip", "-4", "-o", "addr", "show", "tap0").Stdout; !strings.Contains(out, "10.0.2.100/24") {
		t.Errorf("tap0 in the container: %q", out)
	}
	url := fmt.Sprintf("http://host.containers.internal:%d/", hostLoopbackServer(t))
	if out := e.MustPodlite("exec", "web", "timeout", "5", "wget", "-qO-", url).Stdout; out != "from the host\n" {
		t.Errorf("wget %s in the container: %q", url, out)
	}
	id := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "web").Stdout)
	pid := pidFromFile(filepath.Join(e.RunRoot, "containers", id, "slirp4netns.pid"))
	if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); pid == 0 || string(comm) != "slirp4netns\n" {
		t.Fatalf("no slirp4netns running for the container (pid %d, comm %q)", pid, comm)
	}
	e.MustPodlite("stop", "-t", "0", "web")
	waitFor(t, func() bool {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return err != nil || string(comm) != "slirp4netns\n"
	})
	if _, err := os.Stat(filepath.Join(e.RunRoot, "netns", id)); err == nil {
		t.Error("the network namespace file is left after stop")
	}
	e.MustPodlite("rm", "web")
	r := e.Podlite("run", "--rm", "--network", "slirp4netns:port_handler=rootlesskit", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "only slirp4netns is supported") {
		t.Errorf("--network slirp4netns:port_handler=rootlesskit: %q", r.Stderr)
	}
}

// pastaPID is the PID of the pasta serving container id, which must run.
func pastaPID(t *testing.T, e *Env, id string) int {
	t.Helper()
	pid := pidFromFile(filepath.Join(e.RunRoot, "containers", id, "pasta.pid"))
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if pid == 0 || err != nil || !isPastaComm(comm) {
		t.Fatalf("container %s: no pasta running (pid %d, comm %q, %v)", id, pid, comm, err)
	}
	return pid
}

// expectPastaGone checks that pasta pid has exited and the container's
// namespace file is gone.
func expectPastaGone(t *testing.T, e *Env, id string, pid int) {
	t.Helper()
	waitFor(t, func() bool {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		return err != nil || !isPastaComm(comm)
	})
	if _, err := os.Stat(filepath.Join(e.RunRoot, "netns", id)); err == nil {
		t.Errorf("container %s: its network namespace file is left", id)
	}
}

// isPastaComm: pasta, or passt's builds it re-executes (passt.avx2).
func isPastaComm(comm []byte) bool {
	return strings.HasPrefix(string(comm), "pasta") || strings.HasPrefix(string(comm), "passt")
}

// TestRootlessPastaPeerNamespace: with a test namespace standing for
// another machine (a veth to the host), the container's outbound
// connection reaches a server there, and a request from there to a
// published port arrives in the container with its source address kept.
func TestRootlessPastaPeerNamespace(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "q"))
	e.LoadBusybox()
	peer := peerNamespace(t)
	url := peerServer(t, peer)

	_, port, _ := net.SplitHostPort(freeAddr(t))
	e.MustPodlite("run", "-d", "--name", "web", "-p", port+":80", BusyboxImage, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; exec httpd -f -vv -p 80 -h /www")
	var out string
	waitFor(t, func() bool {
		out = e.Podlite("exec", "web", "timeout", "5", "wget", "-qO-", url).Stdout
		return out != ""
	})
	if out != "from the peer\n" {
		t.Errorf("wget %s in the container: %q", url, out)
	}
	get := exec.Command("ip", "netns", "exec", peer.name, "timeout", "5", "busybox", "wget", "-qO-", "http://"+peer.hostAddr+":"+port+"/")
	if b, err := get.CombinedOutput(); err != nil || string(b) != "served\n" {
		t.Fatalf("GET from the peer namespace: %q, %v", b, err)
	}
	if logs := e.MustPodlite("logs", "web").Stderr; !strings.Contains(logs, peer.addr+"]") {
		t.Errorf("the container's httpd saw no request from %s (source address not kept): %q", peer.addr, logs)
	}
}

type peerNS struct{ name, addr, hostAddr string }

// peerNamespace makes a named network namespace joined to the host by a
// veth, in a /24 of its own, removed when the test ends.
func peerNamespace(t *testing.T) peerNS {
	t.Helper()
	n := os.Getpid() % 200
	p := peerNS{name: fmt.Sprintf("podlite-peer-%d", os.Getpid()),
		addr: fmt.Sprintf("10.199.%d.2", n), hostAddr: fmt.Sprintf("10.199.%d.1", n)}
	host, inside := fmt.Sprintf("plp%dh", os.Getpid()), fmt.Sprintf("plp%dn", os.Getpid())
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", p.name).Run() })
	for _, args := range [][]string{
		{"netns", "add", p.name},
		{"link", "add", host, "type", "veth", "peer", "name", inside, "netns", p.name},
		{"addr", "add", p.hostAddr + "/24", "dev", host},
		{"link", "set", host, "up"},
		{"-n", p.name, "addr", "add", p.addr + "/24", "dev", inside},
		{"-n", p.name, "link", "set", inside, "up"},
		{"-n", p.name, "link", "set", "lo", "up"},
	} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return p
}

// peerServer serves "from the peer" in the peer namespace until the test
// ends and returns its URL.
func peerServer(t *testing.T, peer peerNS) string {
	t.Helper()
	www := t.TempDir()
	if err := os.WriteFile(filepath.Join(www, "index.html"), []byte("from the peer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := exec.Command("ip", "netns", "exec", peer.name, "busybox", "httpd", "-f", "-p", peer.addr+":8099", "-h", www)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	return "http://" + peer.addr + ":8099/"
}

// hostLoopbackServer serves "from the host" on the host's 127.0.0.1 until
// the test ends and returns its port.
func hostLoopbackServer(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "from the host") })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().(*net.TCPAddr).Port
}

// TestRootlessPodPasta: a user's pod gets its infra container on pasta, the
// pod's -p reaches a member through it, and pod rm ends pasta.
func TestRootlessPodPasta(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "o"))
	e.LoadBusybox()
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	e.MustPodlite("pod", "create", "--name", "p", "-p", port+":80")
	e.MustPodlite("run", "-d", "--pod", "p", "--name", "web", BusyboxImage, "sh", "-c",
		"mkdir /www; echo in the pod > /www/index.html; exec httpd -f -p 80 -h /www")
	infra := strings.TrimSpace(e.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "p").Stdout)
	if mode := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.HostConfig.NetworkMode}}", infra).Stdout); mode != "pasta" {
		t.Errorf("a user's pod infra network mode: %q, want pasta", mode)
	}
	waitFor(t, func() bool { return httpGet(addr) == "in the pod\n" })
	pid := pastaPID(t, e, infra)
	e.MustPodlite("pod", "rm", "-f", "p")
	expectPastaGone(t, e, infra, pid)
}
