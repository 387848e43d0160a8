package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	criuHelper = "/usr/local/libexec/podlite/criu-rootless"
	criuGroup  = "podlite-criu"
)

// requireCRIUHelper fails t unless contrib/setup.sh --rootless-criu
// installed the rootless C/R helper (CI's .ci/run does).
func requireCRIUHelper(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(criuHelper); err != nil {
		t.Fatalf("%v: run contrib/setup.sh --rootless-criu as root", err)
	}
}

// joinCRIUGroup adds u to the helper's group (userdel drops it again).
func joinCRIUGroup(t *testing.T, u *testUser) {
	t.Helper()
	if out, err := exec.Command("usermod", "-aG", criuGroup, u.name).CombinedOutput(); err != nil {
		t.Fatalf("usermod -aG %s %s: %v\n%s", criuGroup, u.name, err, out)
	}
}

// A user outside podlite-criu: info names the missing piece in one line
// and checkpoint refuses with it, no CRIU log (restore needs no helper).
// A member: info reports both paths.
func TestRootlessCheckpointHelper(t *testing.T) {
	requireCRIUHelper(t)
	const format = "{{.Host.RootlessCheckpoint}}"
	out := e2eRun(t, NewEnv(t), "info", "--format", format)
	if out != "" {
		t.Errorf("info as root: RootlessCheckpoint %q, want empty", out)
	}

	outside := rootlessUser(t, "a")
	e := NewRootlessEnv(t, outside)
	want := "restore (dump: not in group podlite-criu (root runs: usermod -aG podlite-criu " + outside.name + "))"
	if got := e2eRun(t, e, "info", "--format", format); got != want {
		t.Errorf("info outside the group: %q, want %q", got, want)
	}
	e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "counter", "--network", "none", BusyboxImage, "sh", "-c", counterScript)
	r := e.Podlite("container", "checkpoint", "counter")
	expectOneLineError(t, r)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "checkpointing a container requires root here: not in group podlite-criu") {
		t.Errorf("checkpoint outside the group: exit %d, %q", r.ExitCode, r.Stderr)
	}
	if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "counter").Stdout); st != "running" {
		t.Errorf("after the refused checkpoint: %q, want running", st)
	}
	e.MustPodlite("rm", "-f", "-t", "0", "counter")

	member := rootlessUser(t, "crmember")
	joinCRIUGroup(t, member)
	if got := e2eRun(t, NewRootlessEnv(t, member), "info", "--format", format); got != "dump,restore" {
		t.Errorf("info in the group: %q, want dump,restore", got)
	}
}

// A member of podlite-criu checkpoints a running counter with no network
// and restores it, twice: the counter goes on where it stopped, in the
// user's namespace (exec works in it), with its hostname; a checkpoint
// with --leave-running leaves it counting.
func TestRootlessCheckpointRestoreCounter(t *testing.T) {
	e := criuMemberEnv(t)
	e.MustPodlite("run", "-d", "--name", "counter", "--hostname", "ctr1", "--network", "none", BusyboxImage, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	for round := 1; round <= 2; round++ {
		if out := e.MustPodlite("container", "checkpoint", "counter").Stdout; out != "counter\n" {
			t.Fatalf("round %d: checkpoint printed %q", round, out)
		}
		if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "counter").Stdout; st != "exited true\n" {
			t.Fatalf("round %d: after checkpoint: %q", round, st)
		}
		at := lastCount(t, e, "counter")
		e.MustPodlite("container", "restore", "counter")
		waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
		assertContinuous(t, e, "counter")
		if st := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "counter").Stdout; st != "running\n" {
			t.Fatalf("round %d: after restore: %q", round, st)
		}
		if h := e.MustPodlite("exec", "counter", "hostname").Stdout; h != "ctr1\n" {
			t.Fatalf("round %d: hostname after restore %q, want ctr1", round, h)
		}
	}
	e.MustPodlite("container", "checkpoint", "--leave-running", "counter")
	at := lastCount(t, e, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "counter").Stdout; st != "running false\n" {
		t.Fatalf("after --leave-running: %q", st)
	}
	e.MustPodlite("rm", "-f", "-t", "0", "counter")
}

// criuMemberEnv is an env of a user in podlite-criu, with busybox loaded.
func criuMemberEnv(t *testing.T) *Env {
	t.Helper()
	requireCRIUHelper(t)
	u := rootlessUser(t, "crmember")
	joinCRIUGroup(t, u)
	e := NewRootlessEnv(t, u)
	e.LoadBusybox()
	return e
}

func e2eRun(t *testing.T, e *Env, args ...string) string {
	t.Helper()
	return strings.TrimSpace(e.MustPodlite(args...).Stdout)
}

// A member of podlite-criu exports a running counter's checkpoint; another
// user, not in the group (a restore needs no helper), imports it into
// their own store and the counter goes on there. Root refuses it.
func TestRootlessCheckpointExportImport(t *testing.T) {
	a := criuMemberEnv(t)
	a.MustPodlite("run", "-d", "--name", "mover", "--network", "none", BusyboxImage, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "mover") >= 5 })
	archive := filepath.Join(a.XDG, "mover.tar.gz")
	a.MustPodlite("container", "checkpoint", "--export", archive, "mover")
	at := lastCount(t, a, "mover")

	ub := rootlessUser(t, "a")
	b := NewRootlessEnv(t, ub)
	// The archive passes to the other user as a copy of their own.
	moved := filepath.Join(b.XDG, "mover.tar.gz")
	if out, err := exec.Command("install", "-o", strconv.Itoa(ub.uid), "-m", "0600", archive, moved).CombinedOutput(); err != nil {
		t.Fatalf("copying the archive to %s: %v\n%s", ub.name, err, out)
	}
	b.LoadBusybox()
	b.MustPodlite("container", "restore", "--import", moved)
	waitFor(t, func() bool { return lastCount(t, b, "mover") >= at+5 })
	assertContinuous(t, b, "mover")
	if ps := b.MustPodlite("ps", "--format", "{{.Names}}").Stdout; ps != "mover\n" {
		t.Fatalf("%s's containers after the import: %q", ub.name, ps)
	}
	b.MustPodlite("rm", "-f", "-t", "0", "mover")

	// Root does not import it: the tree would run as root.
	r := NewEnv(t).Podlite("container", "restore", "--import", archive)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "the checkpoint is of an ordinary user's container: restored by root its processes would run as root") {
		t.Errorf("root importing a user's checkpoint: exit %d, %q", r.ExitCode, r.Stderr)
	}
}

// A counter that also serves HTTP on a port published through pasta (and
// then slirp4netns): checkpoint ends the tool and its namespace; restore
// makes both again, re-attached (the same address), and the published
// port answers again while the counter goes on.
func TestRootlessCheckpointRestorePasta(t *testing.T) {
	e := criuMemberEnv(t)
	for _, mode := range []string{"pasta", "slirp4netns:port_handler=slirp4netns"} {
		addr := freeAddr(t)
		_, port, _ := net.SplitHostPort(addr)
		e.MustPodlite("run", "-d", "--name", "web", "--network", mode, "-p", port+":80", BusyboxImage, "sh", "-c",
			"mkdir /www; echo served > /www/index.html; httpd -p 80 -h /www; "+counterScript)
		waitFor(t, func() bool { return httpGet(addr) == "served\n" && lastCount(t, e, "web") >= 5 })
		const format = "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}"
		before := e.MustPodlite("inspect", "--format", format, "web").Stdout
		e.MustPodlite("container", "checkpoint", "web")
		if body := httpGet(addr); body != "" {
			t.Fatalf("%s: the published port answers while checkpointed: %q", mode, body)
		}
		at := lastCount(t, e, "web")
		e.MustPodlite("container", "restore", "web")
		waitFor(t, func() bool { return lastCount(t, e, "web") >= at+5 })
		assertContinuous(t, e, "web")
		waitFor(t, func() bool { return httpGet(addr) == "served\n" })
		if after := e.MustPodlite("inspect", "--format", format, "web").Stdout; after != before {
			t.Errorf("%s: address and gateway after restore %q, want %q", mode, after, before)
		}
		e.MustPodlite("rm", "-f", "-t", "0", "web")
	}
}

// A counter serving HTTP on a user network: checkpointed and restored as
// the user, it keeps its address and a peer on the network reaches it
// again, the counter going on. Then with the rootless network namespace
// torn down in between (the peer removed while the counter is
// checkpointed, so no container uses it): the restore makes it again and
// a new peer reaches the counter at the same address.
func TestRootlessCheckpointRestoreUserNetwork(t *testing.T) {
	e := criuMemberEnv(t)
	e.MustPodlite("network", "create", "--subnet", "10.89.11.0/24", "crnet")
	e.MustPodlite("run", "-d", "--name", "web", "--network", "crnet", BusyboxImage, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; httpd -p 80 -h /www; "+counterScript)
	e.MustPodlite("run", "-d", "--name", "peer", "--network", "crnet", BusyboxImage, "sleep", "600")
	const format = "{{.NetworkSettings.Networks.crnet.IPAddress}} {{.NetworkSettings.Networks.crnet.MacAddress}}"
	before := e2eRun(t, e, "inspect", "--format", format, "web")
	url := "http://" + strings.Fields(before)[0] + "/"
	fetch := func(peer string) string {
		return e.Podlite("exec", peer, "timeout", "5", "wget", "-qO-", url).Stdout
	}
	waitFor(t, func() bool { return fetch("peer") == "served\n" && lastCount(t, e, "web") >= 5 })

	// restore restores web; a new peer is started after it.
	restore := func(what, peer string, newPeer bool) {
		t.Helper()
		at := lastCount(t, e, "web")
		e.MustPodlite("container", "restore", "web")
		if newPeer {
			e.MustPodlite("run", "-d", "--name", peer, "--network", "crnet", BusyboxImage, "sleep", "600")
		}
		waitFor(t, func() bool { return lastCount(t, e, "web") >= at+5 })
		assertContinuous(t, e, "web")
		if after := e2eRun(t, e, "inspect", "--format", format, "web"); after != before {
			t.Errorf("%s: address and MAC after restore %q, want %q", what, after, before)
		}
		var out string
		waitFor(t, func() bool { out = fetch(peer); return out != "" })
		if out != "served\n" {
			t.Errorf("%s: %s fetching %s after restore: %q", what, peer, url, out)
		}
	}
	e.MustPodlite("container", "checkpoint", "web")
	if out := fetch("peer"); out != "" {
		t.Fatalf("web answers while checkpointed: %q", out)
	}
	restore("namespace kept", "peer", false)

	e.MustPodlite("container", "checkpoint", "web")
	e.MustPodlite("rm", "-f", "-t", "0", "peer")
	if _, err := os.Stat(rootlessNetNS(e)); err == nil {
		t.Fatalf("the rootless network namespace outlived its last running container")
	}
	restore("namespace made again", "peer2", true)
	e.MustPodlite("rm", "-f", "-t", "0", "web", "peer2")
	if _, err := os.Stat(rootlessNetNS(e)); err == nil {
		t.Errorf("the rootless network namespace is still there after the last container went")
	}
	e.MustPodlite("network", "rm", "crnet")
}

// An echo server on a user network and a client in another container on
// it sending a number every 0.2s. A plain checkpoint refuses the open
// connection; with --tcp-established the server is checkpointed and
// restored twice, and checkpointed with --leave-running (podlite holds the network lock a user's CRIU cannot:
// without it a packet of the client's reset the connection in 3 of 6
// rounds) and the client gets every number back, in order.
func TestRootlessCheckpointTCPEstablished(t *testing.T) {
	e := criuMemberEnv(t)
	e.MustPodlite("network", "create", "--subnet", "10.89.12.0/24", "tcpnet")
	e.MustPodlite("run", "-d", "--name", "echo", "--network", "tcpnet", BusyboxImage, "nc", "-l", "-p", "5000", "-e", "cat")
	ip := e2eRun(t, e, "inspect", "--format", "{{.NetworkSettings.Networks.tcpnet.IPAddress}}", "echo")
	e.MustPodlite("run", "-d", "--name", "client", "--network", "tcpnet", BusyboxImage, "sh", "-c",
		"i=0; while true; do i=$((i+1)); echo $i; usleep 200000; done | nc "+ip+" 5000 >/tmp/out")
	echoed := func() int {
		out := e.Podlite("exec", "client", "cat", "/tmp/out").Stdout
		lines := strings.Fields(out)
		for i, l := range lines {
			if l != strconv.Itoa(i+1) {
				t.Fatalf("the client's echoes are not 1..%d in order: %q", len(lines), out)
			}
		}
		return len(lines)
	}
	waitFor(t, func() bool { return echoed() >= 3 })
	r := e.Podlite("container", "checkpoint", "echo")
	expectOneLineError(t, r)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "tcp-established") {
		t.Fatalf("checkpoint of an open connection without --tcp-established: exit %d, %q", r.ExitCode, r.Stderr)
	}
	for round := 1; round <= 2; round++ {
		e.MustPodlite("container", "checkpoint", "--tcp-established", "echo")
		time.Sleep(time.Second) // the client keeps sending meanwhile
		e.MustPodlite("container", "restore", "--tcp-established", "echo")
		at := echoed()
		waitFor(t, func() bool { return echoed() >= at+10 })
		if st := e2eRun(t, e, "inspect", "--format", "{{.State.Status}}", "echo"); st != "running" {
			t.Fatalf("round %d: echo after the restore: %q", round, st)
		}
	}
	// --leave-running: the lock is released after the dump.
	e.MustPodlite("container", "checkpoint", "--leave-running", "--tcp-established", "echo")
	at := echoed()
	waitFor(t, func() bool { return echoed() >= at+10 })
	e.MustPodlite("rm", "-f", "-t", "0", "echo", "client")
	e.MustPodlite("network", "rm", "tcpnet")
}
