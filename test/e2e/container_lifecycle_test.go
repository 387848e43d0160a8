package e2e

import (
	"strings"
	"testing"
	"time"
)

func TestDetachedLifecycle(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "counter", img,
		"sh", "-c", "i=0; while true; do i=$((i+1)); echo line $i; echo err $i >&2; sleep 0.1; done").Stdout)
	if len(id) != 64 {
		t.Fatalf("run -d printed %q, want a 64-hex ID", id)
	}
	waitFor(t, func() bool { return strings.Contains(e.MustPodlite("logs", "counter").Stdout, "line 3") })
	// --tail counts lines of both streams; each stream goes back where it came from.
	r := e.MustPodlite("logs", "--tail", "2", "counter")
	if lines := strings.Count(r.Stdout+r.Stderr, "\n"); lines != 2 {
		t.Fatalf("logs --tail 2 printed %d lines: %q / %q", lines, r.Stdout, r.Stderr)
	}
	r = e.MustPodlite("logs", "counter")
	if !strings.Contains(r.Stdout, "line 1\n") || strings.Contains(r.Stdout, "err ") || !strings.Contains(r.Stderr, "err 1\n") {
		t.Fatalf("streams mixed up in the log: %q / %q", r.Stdout, r.Stderr)
	}
	// Every command takes a name, a full ID or a unique prefix.
	for _, ref := range []string{"counter", id, id[:6]} {
		if got := e.MustPodlite("inspect", "--format", "{{.State.Status}}", ref).Stdout; got != "running\n" {
			t.Fatalf("inspect %s: %q", ref, got)
		}
	}
	if got := e.MustPodlite("ps", "--format", "{{.Names}} {{.State}}").Stdout; got != "counter running\n" {
		t.Fatalf("ps: %q", got)
	}
	e.MustPodlite("pause", "counter")
	if got := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "counter").Stdout; got != "paused\n" {
		t.Fatalf("after pause: %q", got)
	}
	e.MustPodlite("unpause", "counter")
	e.MustPodlite("stop", "-t", "1", "counter")
	r = e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "counter")
	if r.Stdout != "exited 137\n" {
		t.Fatalf("after stop: %q", r.Stdout)
	}
	if got := e.MustPodlite("ps", "-q").Stdout; got != "" {
		t.Fatalf("ps without -a lists a stopped container: %q", got)
	}
	// Restart: logs continue in the same file.
	e.MustPodlite("start", "counter")
	e.MustPodlite("kill", "counter")
	if got := e.MustPodlite("wait", "counter").Stdout; got != "137\n" {
		t.Fatalf("wait after kill: %q", got)
	}
	r = e.Podlite("rm", "counter")
	if r.ExitCode != 0 {
		t.Fatalf("rm of an exited container failed: %s", r.Stderr)
	}
	expectOneLineError(t, e.Podlite("inspect", "counter"))
	if r := e.Podlite("container", "exists", "counter"); r.ExitCode != 1 {
		t.Fatalf("container exists on a removed container: exit %d", r.ExitCode)
	}
}

func TestRmRunningNeedsForce(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "busy", img, "sleep", "1000")
	expectErrorExit(t, e.Podlite("rm", "busy"), 2) // podman's: running, no --force
	e.MustPodlite("rm", "-f", "busy")
	if got := e.MustPodlite("ps", "-aq").Stdout; got != "" {
		t.Fatalf("rm -f left %q", got)
	}
	e.MustPodlite("rm", "--ignore", "busy")
	expectErrorExit(t, e.Podlite("rm", "busy"), 1) // podman's: no such container
}

func TestRestartPolicyOnFailure(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "flaky", "--restart", "on-failure:2", img, "sh", "-c", "echo run; exit 1")
	waitFor(t, func() bool {
		out := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.RestartCount}}", "flaky").Stdout
		return out == "exited 2\n"
	})
	time.Sleep(300 * time.Millisecond)
	if got := strings.Count(e.MustPodlite("logs", "flaky").Stdout, "run\n"); got != 3 {
		t.Fatalf("ran %d times, want 3 (one start and two restarts)", got)
	}
}

func TestRunDetachedRemove(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--rm", "--name", "gone", img, "true")
	waitFor(t, func() bool { return e.Podlite("container", "exists", "gone").ExitCode == 1 })
}

func TestExec(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "box", "-e", "FROM_RUN=1", img, "sleep", "1000")
	r := e.MustPodlite("exec", "-e", "X=y", "-w", "/etc", "box", "sh", "-c", "echo $X $FROM_RUN; pwd")
	if r.Stdout != "y 1\n/etc\n" {
		t.Fatalf("exec stdout = %q", r.Stdout)
	}
	if r := e.Podlite("exec", "box", "sh", "-c", "exit 5"); r.ExitCode != 5 {
		t.Fatalf("exec exit code %d, want 5", r.ExitCode)
	}
	if r := e.Podlite("exec", "box", "/nope"); r.ExitCode != 127 {
		t.Fatalf("exec of a missing command: exit %d, want 127", r.ExitCode)
	}
	if r := e.PodliteStdin("piped\n", "exec", "-i", "box", "cat"); r.Stdout != "piped\n" {
		t.Fatalf("exec -i: %q", r.Stdout)
	}
	e.MustPodlite("stop", "-t", "0", "box")
	expectOneLineError(t, e.Podlite("exec", "box", "true"))
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestAllFlags acts on containers found through listings (--all), whose
// records are loaded without their specs until they are locked.
func TestAllFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "a1", img, "sleep", "1000")
	e.MustPodlite("create", "--name", "a2", img, "sleep", "1000")
	e.MustPodlite("start", "--all")
	if got := len(strings.Fields(e.MustPodlite("ps", "-q").Stdout)); got != 2 {
		t.Fatalf("%d running after start --all, want 2", got)
	}
	e.MustPodlite("stop", "-t", "0", "--all")
	if got := e.MustPodlite("ps", "-q").Stdout; got != "" {
		t.Fatalf("running after stop --all: %q", got)
	}
	e.MustPodlite("rm", "--all")
}
