package e2e

import (
	"fmt"
	"net"
	"net/http"
	"os"
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
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "from the host") })}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	url := fmt.Sprintf("http://host.containers.internal:%d/", l.Addr().(*net.TCPAddr).Port)
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

	// A container that exits by itself: the supervisor's cleanup ends pasta.
	e.MustPodlite("run", "-d", "--name", "short", "--network", "pasta", BusyboxImage, "sleep", "1")
	id = strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "short").Stdout)
	pid = pastaPID(t, e, id)
	waitFor(t, func() bool {
		return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "short").Stdout) == "exited"
	})
	expectPastaGone(t, e, id, pid)

	r := e.Podlite("run", "--rm", "-p", "80:80", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "net.ipv4.ip_unprivileged_port_start") {
		t.Errorf("-p 80:80 as a user: %q, want the sysctl named", r.Stderr)
	}
	r = e.Podlite("run", "--rm", "--network", "slirp4netns", BusyboxImage, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "slirp4netns is not supported yet") {
		t.Errorf("--network slirp4netns: %q", r.Stderr)
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
