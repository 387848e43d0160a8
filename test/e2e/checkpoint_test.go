package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// counterScript prints 1, 2, 3… one line each 100 ms.
const counterScript = "i=0; while true; do i=$((i+1)); echo $i; sleep 0.1; done"

// lastCount returns the highest number the counter logged.
func lastCount(t *testing.T, e *Env, name string) int {
	t.Helper()
	lines := strings.Fields(e.MustPodlite("logs", name).Stdout)
	if len(lines) == 0 {
		return 0
	}
	n, err := strconv.Atoi(lines[len(lines)-1])
	if err != nil {
		t.Fatalf("log line %q is not a number", lines[len(lines)-1])
	}
	return n
}

// assertContinuous checks the log is 1, 2, 3… with no restart from 1.
func assertContinuous(t *testing.T, e *Env, name string) {
	t.Helper()
	for i, l := range strings.Fields(e.MustPodlite("logs", name).Stdout) {
		if l != strconv.Itoa(i+1) {
			t.Fatalf("log of %s breaks at line %d: %q (the counter restarted or lost its state)", name, i+1, l)
		}
	}
}

func netOf(e *Env, name string) string {
	return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.MacAddress}}", name).Stdout)
}

func TestCheckpointRestoreCounter(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "counter", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	before := netOf(e, "counter")
	for round := 1; round <= 2; round++ {
		if out := e.MustPodlite("container", "checkpoint", "counter").Stdout; out != "counter\n" {
			t.Fatalf("checkpoint printed %q", out)
		}
		st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "counter").Stdout
		if st != "exited true\n" {
			t.Fatalf("after checkpoint: %q", st)
		}
		if ps := e.MustPodlite("ps", "-a", "--format", "{{.Names}} {{.Status}}").Stdout; !strings.Contains(ps, "(checkpointed)") {
			t.Fatalf("ps -a does not show the checkpoint: %q", ps)
		}
		at := lastCount(t, e, "counter")
		time.Sleep(300 * time.Millisecond)
		e.MustPodlite("container", "restore", "counter")
		waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
		assertContinuous(t, e, "counter")
		if got := netOf(e, "counter"); got != before {
			t.Fatalf("round %d: address and MAC %q after restore, want %q", round, got, before)
		}
		if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "counter").Stdout; st != "running false\n" {
			t.Fatalf("after restore: %q", st)
		}
	}
	if at := e.MustPodlite("inspect", "--format", "{{.State.RestoredAt}}", "counter").Stdout; !strings.HasPrefix(at, "20") {
		t.Fatalf("RestoredAt not set: %q", at)
	}
}

func TestCheckpointLeaveRunningKeepAndErrors(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "c", img, "sh", "-c", counterScript)
	e.MustPodlite("container", "checkpoint", "--leave-running", "c")
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "c").Stdout; st != "running false\n" {
		t.Fatalf("after --leave-running: %q", st)
	}
	expectOneLineError(t, e.Podlite("container", "restore", "c")) // not checkpointed
	e.MustPodlite("container", "checkpoint", "--keep", "c")
	e.MustPodlite("container", "restore", "--keep", "c")
	path := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.CheckpointPath}}", "c").Stdout)
	if _, err := os.Stat(filepath.Join(path, "inventory.img")); err != nil {
		t.Fatalf("restore --keep removed the checkpoint: %v", err)
	}
	e.MustPodlite("stop", "-t", "0", "c")
	expectOneLineError(t, e.Podlite("container", "checkpoint", "c")) // not running
	e.MustPodlite("create", "--name", "never", img, "true")
	expectOneLineError(t, e.Podlite("container", "restore", "never"))
	r := e.Podlite("container", "checkpoint", "--pre-checkpoint", "c")
	expectOneLineError(t, r)
	// Which reason depends on the kernel; preCheckpointRefusal's unit
	// test covers both.
	if !strings.Contains(r.Stderr, "CONFIG_MEM_SOFT_DIRTY") && !strings.Contains(r.Stderr, "does not implement pre-dump yet") {
		t.Fatalf("pre-checkpoint error does not say why: %s", r.Stderr)
	}
	for flag, why := range map[string]string{"--import-previous=/tmp/pre.tar.gz": "pre-checkpoints", "--pod=p1": "into a pod"} {
		r := e.Podlite("container", "restore", flag, "c")
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, why) {
			t.Errorf("restore %s: %s", flag, r.Stderr)
		}
	}
}

func TestRestoreFailuresKeepTheCheckpoint(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "victim", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "victim") >= 3 })
	ip := strings.Fields(netOf(e, "victim"))[0]
	e.MustPodlite("container", "checkpoint", "victim")

	// No other container can take the held address.
	expectOneLineError(t, e.Podlite("run", "--rm", "--ip", ip, img, "true"))

	// Another holder of the address makes the restore fail, nothing lost.
	lease := filepath.Join(e.NetStateDir, "ipam", "podlite", ip)
	held, err := os.ReadFile(lease)
	if err != nil {
		t.Fatalf("the checkpointed container's address is not held: %v", err)
	}
	writeFile(t, lease, "someone-else\r\neth0")
	expectOneLineError(t, e.Podlite("container", "restore", "victim"))
	if st := e.MustPodlite("inspect", "--format", "{{.State.Checkpointed}}", "victim").Stdout; st != "true\n" {
		t.Fatalf("a failed restore lost the checkpoint: %q", st)
	}
	writeFile(t, lease, string(held))

	// Corrupted images: a clear error, still restorable once repaired.
	images := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.CheckpointPath}}", "victim").Stdout)
	inv := filepath.Join(images, "inventory.img")
	good, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, inv, "garbage")
	expectOneLineError(t, e.Podlite("container", "restore", "victim"))
	if n := countFiles(t, filepath.Join(e.RunRoot, "netns")); n != 0 {
		t.Fatalf("a failed restore left %d network namespaces", n)
	}
	writeFile(t, inv, string(good))
	e.MustPodlite("container", "restore", "victim")
	if got := strings.Fields(netOf(e, "victim"))[0]; got != ip {
		t.Fatalf("restored with %s, want %s", got, ip)
	}

	// Without criu on PATH: a clear error naming what is missing.
	cmd := e.Command("container", "checkpoint", "victim")
	cmd.Env = append(os.Environ(), "PATH=/usr/bin:/bin")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "criu") {
		t.Fatalf("checkpoint without criu: %v: %s", err, out)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			n++
		}
	}
	return n
}

// TestCheckpointAcrossReboot checkpoints, simulates a reboot, and checks
// that the container stays checkpointed, keeps its address against a new
// container, and comes back with the same address and state.
func TestCheckpointAcrossReboot(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "web", "-p", "18181:80", "-v", ntWebRoot(t, "served\n")+":/www", img,
		"sh", "-c", "httpd -p 80 -h /www; "+counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "web") >= 3 })
	before := netOf(e, "web")
	e.MustPodlite("container", "checkpoint", "web")

	// The reboot: every podlite process gone, mounts and the runroot too.
	for _, p := range podliteSupervisors(t, e) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	if err := unmountUnder(e.Root); err != nil {
		t.Fatal(err)
	}
	if err := unmountUnder(e.RunRoot); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(e.RunRoot); err != nil {
		t.Fatal(err)
	}
	// The reboot takes the bridge (and with it the veths) too.
	if out, err := exec.Command("ip", "link", "del", e.DefaultBridge).CombinedOutput(); err != nil {
		t.Fatalf("deleting the bridge: %v: %s", err, out)
	}

	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "web").Stdout; st != "exited true\n" {
		t.Fatalf("after the reboot: %q", st)
	}
	e.MustPodlite("run", "-d", "--name", "newcomer", img, "sleep", "1000")
	if got := netOf(e, "newcomer"); strings.Fields(got)[0] == strings.Fields(before)[0] {
		t.Fatalf("a new container got the checkpointed container's address %s", got)
	}
	at := lastCount(t, e, "web")
	e.MustPodlite("container", "restore", "web")
	if got := netOf(e, "web"); got != before {
		t.Fatalf("after the reboot and restore: %q, want %q", got, before)
	}
	waitFor(t, func() bool { return lastCount(t, e, "web") >= at+3 })
	assertContinuous(t, e, "web")
	waitFor(t, func() bool { return httpGet("127.0.0.1:18181") == "served\n" })
}

func podliteSupervisors(t *testing.T, e *Env) []int {
	t.Helper()
	var pids []int
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", p.Name(), "cmdline"))
		if strings.HasPrefix(string(cmdline), "podlite-supervisor") && strings.Contains(string(cmdline), e.RunRoot) {
			pids = append(pids, pid)
		}
	}
	return pids
}

func httpGet(addr string) string {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return ""
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	_, _ = conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return ""
		}
		if line == "\r\n" {
			break
		}
	}
	body, _ := r.ReadString(0)
	return body
}

// TestCheckpointTCPEstablished keeps a client's TCP connection to the
// container open across a checkpoint and restore.
func TestCheckpointTCPEstablished(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "echo", img, "nc", "-l", "-p", "5000", "-e", "cat")
	ip := strings.Fields(netOf(e, "echo"))[0]
	var conn net.Conn
	waitFor(t, func() bool {
		c, err := net.DialTimeout("tcp", ip+":5000", time.Second)
		conn = c
		return err == nil
	})
	defer conn.Close()
	r := bufio.NewReader(conn)
	exchange := func(msg string) {
		t.Helper()
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := conn.Write([]byte(msg + "\n")); err != nil {
			t.Fatalf("writing %q: %v", msg, err)
		}
		got, err := r.ReadString('\n')
		if err != nil || got != msg+"\n" {
			t.Fatalf("echo of %q: %q, %v", msg, got, err)
		}
	}
	exchange("before")
	r1 := e.Podlite("container", "checkpoint", "echo")
	expectOneLineError(t, r1) // an established connection needs --tcp-established
	if !strings.Contains(r1.Stderr, "tcp-established") {
		t.Fatalf("the refusal does not give CRIU's reason: %s", r1.Stderr)
	}
	e.MustPodlite("container", "checkpoint", "--tcp-established", "echo")
	e.MustPodlite("container", "restore", "--tcp-established", "echo")
	exchange("after")
}

func TestCheckpointPrintStatsAndInfo(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	if v := e.MustPodlite("info", "--format", "{{.Host.CRIU.Version}} {{.Host.CRIU.Usable}}").Stdout; v != "4.2.1 true\n" {
		t.Fatalf("info reports CRIU as %q", v)
	}
	e.MustPodlite("run", "-d", "--name", "s", "--network", "none", img, "sleep", "1000")
	var ck struct {
		Duration int64 `json:"checkpoint_duration"`
		Stats    []struct {
			ID   string `json:"Id"`
			Criu struct {
				PagesWritten int `json:"pages_written"`
			} `json:"criu_statistics"`
		} `json:"container_statistics"`
	}
	out := e.MustPodlite("container", "checkpoint", "--print-stats", "s").Stdout
	if err := json.Unmarshal([]byte(out), &ck); err != nil || ck.Duration <= 0 || len(ck.Stats) != 1 || ck.Stats[0].Criu.PagesWritten <= 0 {
		t.Fatalf("checkpoint --print-stats: %v\n%s", err, out)
	}
	out = e.MustPodlite("container", "restore", "--print-stats", "s").Stdout
	if !strings.Contains(out, `"restore_duration"`) || !strings.Contains(out, `"pages_restored"`) {
		t.Fatalf("restore --print-stats:\n%s", out)
	}
}

// TestCheckpointNamedNamespace restores a container created with
// --network ns:PATH into exactly that namespace, and fails clearly when
// the namespace is gone.
func TestCheckpointNamedNamespace(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	name := "pltestns" + strconv.Itoa(os.Getpid()%10000)
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", name).Run() })
	path := "/run/netns/" + name
	if out, err := exec.Command("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("lo up: %v: %s", err, out)
	}
	e.MustPodlite("run", "-d", "--name", "inns", "--network", "ns:"+path, img, "sh", "-c", counterScript)
	inode := func() string {
		out := e.MustPodlite("exec", "inns", "readlink", "/proc/1/ns/net").Stdout
		return strings.TrimSpace(out)
	}
	before := inode()
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		t.Fatal(err)
	}
	if want := "net:[" + strconv.FormatUint(st.Ino, 10) + "]"; before != want {
		t.Fatalf("container runs in %s, want the named namespace %s", before, want)
	}
	e.MustPodlite("container", "checkpoint", "inns")
	e.MustPodlite("container", "restore", "inns")
	if after := inode(); after != before {
		t.Fatalf("restored into %s, want %s", after, before)
	}
	assertContinuous(t, e, "inns")
	e.MustPodlite("container", "checkpoint", "inns")
	if out, err := exec.Command("ip", "netns", "del", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns del: %v: %s", err, out)
	}
	expectOneLineError(t, e.Podlite("container", "restore", "inns"))
	if st := e.MustPodlite("inspect", "--format", "{{.State.Checkpointed}}", "inns").Stdout; st != "true\n" {
		t.Fatalf("the failed restore lost the checkpoint: %q", st)
	}
}

func TestCheckpointRestoreAll(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	for _, n := range []string{"a1", "a2", "a3"} {
		e.MustPodlite("run", "-d", "--name", n, img, "sh", "-c", counterScript)
	}
	e.MustPodlite("create", "--name", "idle", img, "true")
	if out := e.MustPodlite("container", "checkpoint", "-a").Stdout; strings.Count(out, "\n") != 3 {
		t.Fatalf("checkpoint -a printed %q, want the three running containers", out)
	}
	e.MustPodlite("container", "restore", "-a")
	for _, n := range []string{"a1", "a2", "a3"} {
		if st := e.MustPodlite("inspect", "--format", "{{.State.Status}}", n).Stdout; st != "running\n" {
			t.Fatalf("%s after restore -a: %q", n, st)
		}
		assertContinuous(t, e, n)
	}
}
