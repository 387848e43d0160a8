package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// Pod checkpoint/restore: the pod's containers, the infra included,
// checkpointed as one and restored into the same namespaces and address.

// clientScript counts the answers of the server of its pod over
// localhost, one line each. A checkpoint may find one of its requests
// under way: the tests that run it checkpoint and restore with
// --tcp-established.
const clientScript = "i=0; while true; do if timeout 5 wget -qO- http://localhost/index.html >/dev/null; then i=$((i+1)); echo $i; fi; sleep 0.1; done"

// runPodPair creates pod app with a web server that counts (its shell)
// and a client that counts the pages it gets from the server over
// localhost, and waits until both have counted to 3.
func runPodPair(t *testing.T, n *netEnv, img string, podArgs ...string) {
	t.Helper()
	n.MustPodlite(append([]string{"pod", "create", "--name", "app"}, podArgs...)...)
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "server", "-v", ntWebRoot(t, "page\n")+":/www", img,
		"sh", "-c", "httpd -p 80 -h /www; "+counterScript)
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "client", img, "sh", "-c", clientScript)
	waitFor(t, func() bool { return lastCount(t, n.Env, "server") >= 3 && lastCount(t, n.Env, "client") >= 3 })
}

// expectPodState fails unless every container of pod app (the infra
// given) is in state, "STATUS CHECKPOINTED" as inspect shows them.
func expectPodState(t *testing.T, n *netEnv, infra, state string) {
	t.Helper()
	for _, c := range []string{infra, "server", "client"} {
		if st := inspectField(n.Env, c, "{{.State.Status}} {{.State.Checkpointed}}"); st != state {
			t.Fatalf("%s is %q, want %q", c, st, state)
		}
	}
}

// expectPodRunning: every container of pod app runs, without a
// checkpoint mark.
func expectPodRunning(t *testing.T, n *netEnv, infra string) {
	t.Helper()
	expectPodState(t, n, infra, "running false")
}

// expectPodCheckpointed: every container of pod app is exited and
// checkpointed.
func expectPodCheckpointed(t *testing.T, n *netEnv, infra string) {
	t.Helper()
	expectPodState(t, n, infra, "exited true")
}

// podInfra is the ID of pod app's infra container.
func podInfra(n *netEnv) string {
	return strings.TrimSpace(n.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
}

// expectPodContinues checks, after a restore, that both counters went on
// from where they were (same memory) and the client still gets pages from
// the server over localhost.
func expectPodContinues(t *testing.T, n *netEnv) {
	t.Helper()
	at := lastCount(t, n.Env, "client")
	waitFor(t, func() bool { return lastCount(t, n.Env, "client") >= at+3 && lastCount(t, n.Env, "server") >= 3 })
	assertContinuous(t, n.Env, "server")
	assertContinuous(t, n.Env, "client")
}

// TestPodCheckpointRestore: a server and its client in a pod, checkpointed
// and restored as one (twice), keep their memory, their localhost link and
// the pod's address and MAC; the pod's address stays held while it is
// checkpointed; a restore that fails for one member (a CRIU image removed)
// leaves the whole pod checkpointed, nothing half-restored, and the pod
// restores once the image is back; an unknown pod is refused.
func TestPodCheckpointRestore(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	runPodPair(t, n, img)
	infra := podInfra(n)
	before := netOf(n.Env, infra)

	for round := 1; round <= 2; round++ {
		podID := strings.TrimSpace(n.MustPodlite("pod", "inspect", "--format", "{{.ID}}", "app").Stdout)
		if out := n.MustPodlite("pod", "checkpoint", "--tcp-established", "app").Stdout; out != podID+"\n" {
			t.Fatalf("pod checkpoint printed %q, want the pod's ID", out)
		}
		expectPodCheckpointed(t, n, infra)
		if got := n.MustPodlite("pod", "inspect", "--format", "{{.Checkpointed}} {{.State}}", "app").Stdout; got != "true Exited\n" {
			t.Fatalf("pod inspect of the checkpointed pod: %q", got)
		}
		if got := n.ntLeases("podlite"); len(got) != 1 {
			t.Fatalf("leases while the pod is checkpointed: %v, want the pod's one", got)
		}
		time.Sleep(300 * time.Millisecond)
		n.MustPodlite("pod", "restore", "--tcp-established", "app")
		if got := netOf(n.Env, infra); got != before {
			t.Fatalf("round %d: the pod's address and MAC are %q after the restore, want %q", round, got, before)
		}
		expectPodRunning(t, n, infra)
		if got := n.MustPodlite("pod", "inspect", "--format", "{{.Checkpointed}} {{.State}}", "app").Stdout; got != "false Running\n" {
			t.Fatalf("pod inspect of the restored pod: %q", got)
		}
		expectPodContinues(t, n)
	}

	// A member's restore fails for real: one of its CRIU images is gone.
	n.MustPodlite("pod", "checkpoint", "--tcp-established", "--keep", "app")
	images := strings.TrimSpace(inspectField(n.Env, "client", "{{.State.CheckpointPath}}"))
	pages := filepath.Join(images, "pages-1.img")
	if err := os.Rename(pages, pages+".aside"); err != nil {
		t.Fatal(err)
	}
	r := n.Podlite("pod", "restore", "--tcp-established", "app")
	expectOneLineError(t, r)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "client") {
		t.Fatalf("the failed restore: exit %d, %q; want 125 naming the client", r.ExitCode, r.Stderr)
	}
	expectPodCheckpointed(t, n, infra)
	if got := n.ntNetnsFiles(); len(got) != 0 {
		t.Fatalf("namespace files left by the failed restore: %v", got)
	}
	if got := n.ntLeases("podlite"); len(got) != 1 {
		t.Fatalf("leases after the failed restore: %v, want the pod's one, held", got)
	}
	if err := os.Rename(pages+".aside", pages); err != nil {
		t.Fatal(err)
	}
	n.MustPodlite("pod", "restore", "--tcp-established", "app")
	if got := netOf(n.Env, infra); got != before {
		t.Fatalf("after the failed restore and a good one: %q, want %q", got, before)
	}
	expectPodContinues(t, n)

	r = n.Podlite("pod", "checkpoint", "nosuch")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "no pod with name or ID nosuch found") {
		t.Errorf("pod checkpoint of an unknown pod: exit %d, %q", r.ExitCode, r.Stderr)
	}
	r = n.Podlite("pod", "restore", "app")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "has no checkpoint to restore") {
		t.Errorf("pod restore of a running pod: exit %d, %q", r.ExitCode, r.Stderr)
	}
	n.MustPodlite("pod", "create", "--name", "pidpod", "--share", "+pid")
	n.MustPodlite("pod", "create", "--name", "bare", "--infra=false")
	for pod, why := range map[string]string{"pidpod": "shares its pid or cgroup namespace", "bare": "has no infra container"} {
		for _, verb := range []string{"checkpoint", "restore"} {
			if r := n.Podlite("pod", verb, pod); r.ExitCode != 125 || !strings.Contains(r.Stderr, why) {
				t.Errorf("pod %s %s: exit %d, %q; want 125 and %q", verb, pod, r.ExitCode, r.Stderr, why)
			}
		}
	}
	n.MustPodlite("pod", "rm", "pidpod", "bare")
	n.MustPodlite("pod", "rm", "-f", "app")
	n.podsExpectNothingLeft()
}

// TestPodCheckpointTCPEstablished: a client holds one TCP connection over
// localhost to the echo server of its pod. Without --tcp-established the
// pod's checkpoint fails and leaves the pod running, connection and all;
// with it, the connection survives the pod's checkpoint and restore.
func TestPodCheckpointTCPEstablished(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	n.MustPodlite("pod", "create", "--name", "app")
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "server", img, "nc", "-l", "-p", "5000", "-e", "cat")
	// The client prints what the server echoes: 1, 2, 3… over one
	// connection (tried again until the server listens).
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "client", img, "sh", "-c",
		"until (i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done) | nc localhost 5000; do sleep 0.2; done")
	waitFor(t, func() bool { return lastCount(t, n.Env, "client") >= 3 })
	infra := podInfra(n)
	// And one from this host to an echo server of the pod.
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "echo", img, "nc", "-l", "-p", "5001", "-e", "cat")
	exchange := hostConnection(t, strings.Fields(netOf(n.Env, infra))[0]+":5001")
	exchange("before")

	r := n.Podlite("pod", "checkpoint", "app")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "tcp-established") {
		t.Fatalf("the refusal does not give CRIU's reason: %s", r.Stderr)
	}
	expectPodRunning(t, n, infra)
	at := lastCount(t, n.Env, "client")
	waitFor(t, func() bool { return lastCount(t, n.Env, "client") >= at+3 })

	n.MustPodlite("pod", "checkpoint", "--tcp-established", "app")
	expectPodCheckpointed(t, n, infra)
	n.MustPodlite("pod", "restore", "--tcp-established", "app")
	expectPodRunning(t, n, infra)
	at = lastCount(t, n.Env, "client")
	waitFor(t, func() bool { return lastCount(t, n.Env, "client") >= at+3 })
	assertContinuous(t, n.Env, "client")
	// The host's peer never saw its connection close.
	exchange("after")

	// --leave-running: the checkpoint is taken, the pod runs on, and
	// there is nothing to restore.
	n.MustPodlite("pod", "checkpoint", "--tcp-established", "--leave-running", "app")
	expectPodRunning(t, n, infra)
	for _, c := range []string{infra, "server", "client"} {
		images := inspectField(n.Env, c, "{{.State.CheckpointPath}}")
		if _, err := os.Stat(filepath.Join(images, "inventory.img")); err != nil {
			t.Fatalf("%s has no checkpoint after --leave-running: %v", c, err)
		}
	}
	at = lastCount(t, n.Env, "client")
	waitFor(t, func() bool { return lastCount(t, n.Env, "client") >= at+3 })
	assertContinuous(t, n.Env, "client")
	r = n.Podlite("pod", "restore", "app")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "not checkpointed") {
		t.Fatalf("pod restore of a pod left running: exit %d, %q", r.ExitCode, r.Stderr)
	}
}

// TestPodCheckpointAcrossReboot: a checkpointed pod keeps its address
// across a reboot (a new container does not get it) and its restore then
// brings the pair back on it.
func TestPodCheckpointAcrossReboot(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	runPodPair(t, n, img)
	infra := podInfra(n)
	before := netOf(n.Env, infra)
	var stats struct {
		Duration   int64 `json:"checkpoint_duration"`
		Containers []struct {
			ID string `json:"Id"`
		} `json:"container_statistics"`
	}
	out := n.MustPodlite("pod", "checkpoint", "--tcp-established", "--print-stats", "app").Stdout
	if err := json.Unmarshal([]byte(out), &stats); err != nil || len(stats.Containers) != 3 || stats.Duration <= 0 ||
		stats.Containers[2].ID != infra {
		t.Fatalf("pod checkpoint --print-stats printed %q (%v): want the statistics of 3 containers, the infra last", out, err)
	}

	n.simulateReboot()
	// The reboot takes the bridge (and with it the veths) too.
	if out, err := exec.Command("ip", "link", "del", n.DefaultBridge).CombinedOutput(); err != nil {
		t.Fatalf("deleting the bridge: %v: %s", err, out)
	}

	expectPodCheckpointed(t, n, infra)
	n.MustPodlite("run", "-d", "--name", "newcomer", img, "sleep", "1000")
	if got := netOf(n.Env, "newcomer"); strings.Fields(got)[0] == strings.Fields(before)[0] {
		t.Fatalf("a new container got the checkpointed pod's address %s", got)
	}
	n.MustPodlite("pod", "restore", "--tcp-established", "app")
	if got := netOf(n.Env, infra); got != before {
		t.Fatalf("after the reboot and restore: %q, want %q", got, before)
	}
	expectPodRunning(t, n, infra)
	expectPodContinues(t, n)
}

// TestPodCheckpointExportImport moves a pod between two podlite roots
// through its archive: pod.options, pod.dump and each container's own
// archive, which checkpointctl shows; the pod comes back on the other
// root with its address, its counters going on.
func TestPodCheckpointExportImport(t *testing.T) {
	t.Run("pause", func(t *testing.T) { podExportImport(t) })
	// An infra of an image is imported from its image, not onto the
	// pause process's empty rootfs.
	t.Run("infra-image", func(t *testing.T) {
		podExportImport(t, "--infra-image", BusyboxImage, "--infra-command", "sleep 100000")
	})
}

func podExportImport(t *testing.T, podArgs ...string) {
	a, b := newNetEnv(t), newNetEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	runPodPair(t, a, img, podArgs...)
	infra := podInfra(a)
	infraName := inspectField(a.Env, infra, "{{.Name}}")
	before := netOf(a.Env, infra)
	podID := strings.TrimSpace(a.MustPodlite("pod", "inspect", "--format", "{{.ID}}", "app").Stdout)
	archive := filepath.Join(t.TempDir(), "app.tar")
	a.MustPodlite("pod", "checkpoint", "--tcp-established", "--export", archive, "app")

	dir := t.TempDir()
	if out, err := exec.Command("tar", "-xf", archive, "-C", dir).CombinedOutput(); err != nil {
		t.Fatalf("extracting the pod archive: %v: %s", err, out)
	}
	for _, f := range []string{"pod.options", "pod.dump", "server.tar", "client.tar", infraName + ".tar"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the pod archive lacks %s: %v", f, err)
		}
	}
	ctl := requireTool(t, "checkpointctl", "go install github.com/checkpoint-restore/checkpointctl@v1.6.0")
	for _, name := range []string{"server", "client"} {
		show, err := exec.Command(ctl, "show", filepath.Join(dir, name+".tar")).CombinedOutput()
		if err != nil || !strings.Contains(lastLine(string(show)), name) {
			t.Errorf("checkpointctl show of %s.tar: %v\n%s", name, err, show)
		}
	}
	a.MustPodlite("pod", "rm", "-f", "app") // root A is done with it: its address is free again

	if out := b.MustPodlite("pod", "restore", "--tcp-established", "--import", archive).Stdout; out != podID+"\n" {
		t.Fatalf("pod restore --import printed %q, want the pod's ID", out)
	}
	if got := netOf(b.Env, infra); got != before {
		t.Fatalf("imported with %q, want the checkpointed %q", got, before)
	}
	expectPodRunning(t, b, infra)
	expectPodContinues(t, b)

	// The pod exists now: a second import fails and leaves nothing.
	r := b.Podlite("pod", "restore", "--import", archive)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "exists already") {
		t.Fatalf("importing the pod twice: exit %d, %q", r.ExitCode, r.Stderr)
	}
	junk := filepath.Join(t.TempDir(), "junk.tar")
	writeFile(t, junk, "not an archive")
	expectOneLineError(t, b.Podlite("pod", "restore", "--import", junk))
	if got := b.MustPodlite("pod", "ps", "-q").Stdout; len(strings.Fields(got)) != 1 {
		t.Fatalf("failed imports left pods: %q", got)
	}
	b.MustPodlite("pod", "rm", "-f", "app")
	a.podsExpectNothingLeft()
	b.podsExpectNothingLeft()
}

// TestPodCheckpointKilledMidway: a pod checkpoint killed after its first
// dump leaves the pod's cgroups frozen with nothing checkpointed; the
// next pod checkpoint takes them over and completes, and the pod
// restores whole; pod rm -f removes such a pod.
func TestPodCheckpointKilledMidway(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	runPodPair(t, n, img)
	infra := podInfra(n)
	n.CrashAt(crashpoint.CheckpointDumped, "pod", "checkpoint", "--tcp-established", "app")
	expectPodRunning(t, n, infra)
	for _, c := range []string{infra, "server", "client"} {
		if st := freezerState(t, inspectField(n.Env, c, "{{.State.Pid}}")); st != "FROZEN" {
			t.Errorf("%s after the killed checkpoint: freezer state %q, want FROZEN", c, st)
		}
	}
	n.MustPodlite("pod", "checkpoint", "--tcp-established", "app")
	expectPodCheckpointed(t, n, infra)
	n.MustPodlite("pod", "restore", "--tcp-established", "app")
	expectPodRunning(t, n, infra)
	expectPodContinues(t, n)

	// Frozen so again, the pod is removed all the same: rm thaws what it
	// kills.
	n.CrashAt(crashpoint.CheckpointDumped, "pod", "checkpoint", "--tcp-established", "app")
	n.MustPodlite("pod", "rm", "-f", "app")
	n.podsExpectNothingLeft()
}

// hostConnection opens a TCP connection from this host to the echo server
// at addr (tried until it listens) and returns what sends a line on it and
// checks the echo.
func hostConnection(t *testing.T, addr string) (exchange func(msg string)) {
	t.Helper()
	var conn net.Conn
	waitFor(t, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		conn = c
		return err == nil
	})
	t.Cleanup(func() { _ = conn.Close() })
	r := bufio.NewReader(conn)
	return func(msg string) {
		t.Helper()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := conn.Write([]byte(msg + "\n")); err != nil {
			t.Fatalf("writing %q: %v", msg, err)
		}
		if got, err := r.ReadString('\n'); err != nil || got != msg+"\n" {
			t.Fatalf("echo of %q: %q, %v", msg, got, err)
		}
	}
}

// freezerState is the state of the v1 freezer cgroup (a machine fact of
// these tests) of process pid.
func freezerState(t *testing.T, pid string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", pid, "cgroup"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		// ID:CONTROLLERS:PATH
		if f := strings.SplitN(line, ":", 3); len(f) == 3 && strings.Contains(","+f[1]+",", ",freezer,") {
			st, err := os.ReadFile(filepath.Join("/sys/fs/cgroup/freezer", f[2], "freezer.state"))
			if err != nil {
				t.Fatal(err)
			}
			return strings.TrimSpace(string(st))
		}
	}
	t.Fatalf("no freezer cgroup for process %s", pid)
	return ""
}
