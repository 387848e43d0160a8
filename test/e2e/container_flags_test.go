package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunEntrypoint(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	// The image's Cmd is ["sh"]: an --entrypoint drops it, so echo gets no
	// arguments and prints an empty line rather than "sh".
	if out := e.MustPodlite("run", "--rm", "--entrypoint", "echo", img).Stdout; out != "\n" {
		t.Fatalf("--entrypoint echo with no command: %q, want %q", out, "\n")
	}
	if out := e.MustPodlite("run", "--rm", "--entrypoint", "echo", img, "a", "b").Stdout; out != "a b\n" {
		t.Fatalf("--entrypoint echo a b: %q", out)
	}
	e.MustPodlite("create", "--name", "ep", "--entrypoint", "/bin/echo", img, "x")
	if out := e.MustPodlite("inspect", "--format", "{{.Config.Entrypoint}} {{.Config.Cmd}}", "ep").Stdout; out != "[/bin/echo] [x]\n" {
		t.Fatalf("inspect entrypoint/cmd: %q", out)
	}
	if out := e.MustPodlite("start", "-a", "ep").Stdout; out != "x\n" {
		t.Fatalf("start -a ep: %q", out)
	}
}

func TestRunLabels(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "lab1", "--label", "app=web", "-l", "tier=front", img, "true")
	e.MustPodlite("create", "--name", "lab2", "--label", "app=db", img, "true")
	if out := e.MustPodlite("inspect", "--format", "{{.Config.Labels}}", "lab1").Stdout; out != "map[app:web tier:front]\n" {
		t.Fatalf("inspect labels: %q", out)
	}
	if out := e.MustPodlite("inspect", "--format", `{{index .Config.Labels "app"}}`, "lab2").Stdout; out != "db\n" {
		t.Fatalf("inspect label app: %q", out)
	}
	for _, tc := range []struct{ filter, want string }{
		{"label=app=web", "lab1\n"},
		{"label=app=db", "lab2\n"},
		{"label=tier", "lab1\n"},
		{"label=app=none", ""},
	} {
		out := e.MustPodlite("ps", "-a", "--filter", tc.filter, "--format", "{{.Names}}").Stdout
		if out != tc.want {
			t.Errorf("ps -a --filter %s: %q, want %q", tc.filter, out, tc.want)
		}
	}
}

func TestRunMountFlag(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "in"), "bound")
	r := e.MustPodlite("run", "--rm", "--mount", "type=bind,source="+host+",target=/data", img,
		"sh", "-c", "cat /data/in; echo out > /data/out")
	if r.Stdout != "bound" {
		t.Fatalf("bind mount read: %q", r.Stdout)
	}
	if b, err := os.ReadFile(filepath.Join(host, "out")); err != nil || string(b) != "out\n" {
		t.Fatalf("bind mount write: %q, %v", b, err)
	}
	r = e.Podlite("run", "--rm", "--mount", "type=bind,source="+host+",target=/data,ro", img, "touch", "/data/x")
	if r.ExitCode != 1 || !strings.Contains(r.Stderr, "Read-only file system") {
		t.Fatalf("write to a ro --mount: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if _, err := os.Stat(filepath.Join(host, "x")); !os.IsNotExist(err) {
		t.Fatalf("ro bind mount was written: %v", err)
	}
	out := e.MustPodlite("run", "--rm", "--mount", "type=tmpfs,target=/scratch", img,
		"sh", "-c", "grep -c ' /scratch tmpfs' /proc/mounts; echo hi > /scratch/f; cat /scratch/f").Stdout
	if out != "1\nhi\n" {
		t.Fatalf("--mount type=tmpfs: %q", out)
	}
}

// cgroupValue runs a container with flags and prints one file of its
// cgroup v1 hierarchy as the container sees it.
func cgroupValue(t *testing.T, e *Env, img, file string, flags ...string) string {
	t.Helper()
	args := append([]string{"run", "--rm"}, flags...)
	args = append(args, img, "cat", file)
	return e.MustPodlite(args...).Stdout
}

func TestRunResourceLimits(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	_, err := os.Stat("/sys/fs/cgroup/memory")
	requireMachine(t, "the cgroup v1 memory hierarchy", err == nil)
	if got := cgroupValue(t, e, img, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "--memory", "64m"); got != "67108864\n" {
		t.Errorf("--memory 64m: memory.limit_in_bytes = %q", got)
	}
	if got := cgroupValue(t, e, img, "/sys/fs/cgroup/pids/pids.max", "--pids-limit", "50"); got != "50\n" {
		t.Errorf("--pids-limit 50: pids.max = %q", got)
	}
	out := e.MustPodlite("run", "--rm", "--cpus", "0.5", img, "sh", "-c",
		"cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us").Stdout
	if out != "50000\n100000\n" {
		t.Errorf("--cpus 0.5: quota and period = %q", out)
	}
	// The pids limit holds: a fork bomb stops at it.
	r := e.Podlite("run", "--rm", "--pids-limit", "5", img, "sh", "-c",
		"for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait")
	if !strings.Contains(r.Stderr, "can't fork") && !strings.Contains(r.Stderr, "Resource temporarily unavailable") {
		t.Errorf("--pids-limit 5 let 8 sleeps start: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
}

func TestRunCidfile(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	dir := t.TempDir()
	cidfile := filepath.Join(dir, "cid")
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "cid1", "--cidfile", cidfile, img, "sleep", "1000").Stdout)
	b, err := os.ReadFile(cidfile)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != id || len(id) != 64 {
		t.Fatalf("cidfile holds %q, run printed %q", b, id)
	}
	// An existing file is an error, and nothing is created.
	expectOneLineError(t, e.Podlite("create", "--name", "cid2", "--cidfile", cidfile, img, "true"))
	if r := e.Podlite("container", "exists", "cid2"); r.ExitCode != 1 {
		t.Fatalf("create with an existing cidfile left a container (exists: %d)", r.ExitCode)
	}
	if b2, _ := os.ReadFile(cidfile); string(b2) != id {
		t.Fatalf("cidfile overwritten: %q", b2)
	}
	if n := len(strings.Fields(e.MustPodlite("ps", "-aq").Stdout)); n != 1 {
		t.Fatalf("%d containers, want 1", n)
	}
	// create writes it too.
	cid3 := filepath.Join(dir, "cid3")
	id3 := strings.TrimSpace(e.MustPodlite("create", "--name", "cid3", "--cidfile", cid3, img, "true").Stdout)
	if b, _ := os.ReadFile(cid3); string(b) != id3 {
		t.Fatalf("create --cidfile holds %q, want %q", b, id3)
	}
}

// trapScript prints ready, then waits for signal sig and exits 7.
func trapScript(sig string) string {
	return "trap 'echo got " + sig + "; exit 7' " + sig + "; echo ready; while true; do sleep 0.1; done"
}

func TestRunStopSignalAndTimeout(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()

	e.MustPodlite("run", "-d", "--name", "term", img, "sh", "-c", trapScript("TERM"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "term").Stdout == "ready\n" })
	e.MustPodlite("stop", "term")
	if out := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "term").Stdout; out != "exited 7\n" {
		t.Fatalf("stop of a TERM-trapping container: %q, want exited 7", out)
	}
	if out := e.MustPodlite("logs", "term").Stdout; out != "ready\ngot TERM\n" {
		t.Fatalf("logs: %q", out)
	}

	e.MustPodlite("run", "-d", "--name", "usr1", "--stop-signal", "USR1", img, "sh", "-c", trapScript("USR1"))
	if out := e.MustPodlite("inspect", "--format", "{{.Config.StopSignal}}", "usr1").Stdout; out != "SIGUSR1\n" && out != "USR1\n" && out != "10\n" {
		t.Fatalf("inspect StopSignal: %q", out)
	}
	waitFor(t, func() bool { return e.MustPodlite("logs", "usr1").Stdout == "ready\n" })
	e.MustPodlite("stop", "usr1")
	if out := e.MustPodlite("inspect", "--format", "{{.State.ExitCode}}", "usr1").Stdout; out != "7\n" {
		t.Fatalf("stop with --stop-signal USR1: exit %q, want 7", out)
	}
	if out := e.MustPodlite("logs", "usr1").Stdout; out != "ready\ngot USR1\n" {
		t.Fatalf("logs: %q", out)
	}

	// --stop-timeout: a container ignoring SIGTERM is killed after it.
	e.MustPodlite("run", "-d", "--name", "deaf", "--stop-timeout", "1", img, "sh", "-c", "trap '' TERM; echo ready; while true; do sleep 0.1; done")
	if out := e.MustPodlite("inspect", "--format", "{{.Config.StopTimeout}}", "deaf").Stdout; out != "1\n" {
		t.Fatalf("inspect StopTimeout: %q", out)
	}
	waitFor(t, func() bool { return e.MustPodlite("logs", "deaf").Stdout == "ready\n" })
	start := time.Now()
	e.MustPodlite("stop", "deaf")
	took := time.Since(start)
	if took < 900*time.Millisecond || took > 6*time.Second {
		t.Fatalf("stop with --stop-timeout 1 took %s", took)
	}
	if out := e.MustPodlite("inspect", "--format", "{{.State.ExitCode}}", "deaf").Stdout; out != "137\n" {
		t.Fatalf("killed after the timeout: exit %q, want 137", out)
	}
}

func TestRunInit(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	out := e.MustPodlite("run", "--rm", "--init", img, "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline; echo; echo $$").Stdout
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "/run/podlite-init ") || lines[1] == "1" {
		t.Fatalf("--init: PID 1 cmdline and sh's PID = %q", out)
	}
	// Without --init the command is PID 1.
	if out := e.MustPodlite("run", "--rm", img, "sh", "-c", "echo $$").Stdout; out != "1\n" {
		t.Fatalf("without --init sh's PID is %q", out)
	}
	// The init reaps orphans: a zombie re-parented to PID 1 disappears.
	e.MustPodlite("run", "-d", "--init", "--name", "reaper", img, "sleep", "1000")
	e.MustPodlite("exec", "reaper", "sh", "-c", "sh -c 'sleep 0.2 &' ; true")
	time.Sleep(500 * time.Millisecond)
	waitFor(t, func() bool {
		ps := e.MustPodlite("exec", "reaper", "ps", "-o", "stat,comm").Stdout
		return !strings.Contains(ps, "Z ")
	})
	// The init forwards the exit code.
	if r := e.Podlite("run", "--rm", "--init", img, "sh", "-c", "exit 4"); r.ExitCode != 4 {
		t.Fatalf("--init exit code %d, want 4", r.ExitCode)
	}
	// ...and signals: stop delivers SIGTERM to sh's trap.
	e.MustPodlite("run", "-d", "--init", "--name", "fwd", img, "sh", "-c", trapScript("TERM"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "fwd").Stdout == "ready\n" })
	e.MustPodlite("stop", "-t", "5", "fwd")
	if out := e.MustPodlite("inspect", "--format", "{{.State.ExitCode}}", "fwd").Stdout; out != "7\n" {
		t.Fatalf("--init did not forward SIGTERM: exit %q, want 7", out)
	}
}

func TestRunLogDrivers(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "--name", "nolog", "--log-driver", "none", img, "echo", "hidden")
	expectOneLineError(t, e.Podlite("logs", "nolog"))
	r := e.MustPodlite("run", "--name", "pass", "--log-driver", "passthrough", img, "sh", "-c", "echo out; echo err >&2")
	if r.Stdout != "out\n" || r.Stderr != "err\n" {
		t.Fatalf("passthrough run: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	if out := e.MustPodlite("inspect", "--format", "{{.HostConfig.LogConfig.Type}}", "pass").Stdout; out != "passthrough\n" {
		t.Fatalf("inspect log driver: %q", out)
	}
}

func TestRunCapabilities(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	r := e.Podlite("run", "--rm", img, "sh", "-c", "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted")
	if r.ExitCode == 0 || r.Stdout != "" {
		t.Fatalf("mount without --privileged: exit %d, stdout %q", r.ExitCode, r.Stdout)
	}
	if out := e.MustPodlite("run", "--rm", img, "sh", "-c", "touch /f && chown nobody /f && echo ok").Stdout; out != "ok\n" {
		t.Fatalf("chown with default caps: %q", out)
	}
	r = e.Podlite("run", "--rm", "--cap-drop", "CHOWN", img, "sh", "-c", "touch /f && chown nobody /f")
	if r.ExitCode != 1 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Fatalf("chown with --cap-drop CHOWN: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	status := "grep NoNewPrivs /proc/self/status"
	if out := e.MustPodlite("run", "--rm", "--security-opt", "no-new-privileges", img, "sh", "-c", status).Stdout; out != "NoNewPrivs:\t1\n" {
		t.Fatalf("no-new-privileges: %q", out)
	}
	if out := e.MustPodlite("run", "--rm", img, "sh", "-c", status).Stdout; out != "NoNewPrivs:\t0\n" {
		t.Fatalf("default NoNewPrivs: %q", out)
	}
}

func TestRunReadOnlyWithTmpfs(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	r := e.MustPodlite("run", "--rm", "--read-only", "--tmpfs", "/tmp", img, "sh", "-c",
		"echo hi > /tmp/f && cat /tmp/f; touch /etc/x 2>/dev/null || echo ro")
	if r.Stdout != "hi\nro\n" {
		t.Fatalf("--read-only --tmpfs /tmp: %q (stderr %q)", r.Stdout, r.Stderr)
	}
}
