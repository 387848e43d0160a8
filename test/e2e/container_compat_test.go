package e2e

import (
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// --privileged grants what podlite itself holds (this host has no
// CAP_SYS_RESOURCE to give).
func TestRunPrivileged(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	r := e.Podlite("run", "--rm", "--privileged", img, "sh", "-c", "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted")
	if r.ExitCode != 0 || r.Stdout != "mounted\n" {
		t.Fatalf("mount with --privileged: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	// exec --privileged gets the same capability set as run --privileged.
	want := e.MustPodlite("run", "--rm", "--privileged", img, "grep", "CapEff", "/proc/self/status").Stdout
	e.MustPodlite("run", "-d", "--name", "priv-exec", img, "sleep", "1000")
	if got := e.MustPodlite("exec", "--privileged", "priv-exec", "grep", "CapEff", "/proc/self/status").Stdout; got != want {
		t.Fatalf("exec --privileged %q, run --privileged %q", got, want)
	}
}

// The supervisor ignores SIGHUP for itself; the container must still be
// able to trap it.
func TestKillHUP(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "hup", img, "sleep", "1000")
	if out := e.MustPodlite("exec", "hup", "grep", "SigIgn", "/proc/1/status").Stdout; out != "SigIgn:\t0000000000000000\n" {
		t.Errorf("container process starts with ignored signals: %q", out)
	}
	// Started by a caller that ignores SIGHUP (as nohup does), the
	// container must still get default dispositions.
	run := e.Command("run", "-d", "--name", "hup2", img, "sh", "-c", trapScript("HUP"))
	ignoring := exec.Command("sh", "-c", `trap "" HUP; exec "$@"`, "sh")
	ignoring.Args = append(ignoring.Args, run.Args...)
	ignoring.Args[4] = run.Path
	if out, err := ignoring.CombinedOutput(); err != nil {
		t.Fatalf("run under an ignored SIGHUP: %v: %s", err, out)
	}
	waitFor(t, func() bool { return e.MustPodlite("logs", "hup2").Stdout == "ready\n" })
	e.MustPodlite("kill", "-s", "HUP", "hup2")
	waitFor(t, func() bool { return inspectField(e, "hup2", "{{.State.Status}}") == "exited" })
	if out := e.MustPodlite("logs", "hup2").Stdout; out != "ready\ngot HUP\n" {
		t.Fatalf("logs: %q", out)
	}
}

// A manual restart is not a policy restart, as in podman.
func TestManualRestartCount(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "rs", img, "sleep", "1000")
	e.MustPodlite("restart", "-t", "0", "rs")
	if got := inspectField(e, "rs", "{{.RestartCount}}"); got != "0" {
		t.Fatalf("RestartCount after a manual restart: %s, want 0", got)
	}
}

// ps --format json prints full IDs, as podman.
func TestPsJSONFullID(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("create", "--name", "c", img).Stdout)
	out := e.MustPodlite("ps", "-a", "--format", "json").Stdout
	var list []struct{ Id string }
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].Id != id {
		t.Fatalf("ps --format json: %v %q, want Id %s", err, out, id)
	}
}

// The restart policy in inspect has podman's keys.
func TestInspectRestartPolicy(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "c", "--restart", "on-failure:3", img)
	if got := inspectField(e, "c", "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"); got != "on-failure 3" {
		t.Fatalf("inspect restart policy: %q", got)
	}
}

// inspect --type picks the kind of object, as in podman.
func TestInspectType(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "c", img)
	if got := e.MustPodlite("inspect", "--type", "container", "--format", "{{.Name}}", "c").Stdout; got != "c\n" {
		t.Fatalf("inspect --type container: %q", got)
	}
	if got := e.MustPodlite("inspect", "--type", "image", "--format", "{{.Config.Cmd}}", img).Stdout; got != "[sh]\n" {
		t.Fatalf("inspect --type image: %q", got)
	}
	expectOneLineError(t, e.Podlite("inspect", "--type", "image", "c"))
	e.MustPodlite("network", "create", "--subnet", "10.231.9.0/24", "insnet")
	for _, args := range [][]string{{"--type", "network", "insnet"}, {"insnet"}} {
		if got := e.MustPodlite(append([]string{"inspect", "--format", "{{.name}} {{.driver}}"}, args...)...).Stdout; got != "insnet bridge\n" {
			t.Errorf("inspect %v: %q", args, got)
		}
	}
	r := e.Podlite("inspect", "nosuch")
	if r.ExitCode != 125 || r.Stdout != "[]\n" || r.Stderr != "Error: no such object: \"nosuch\"\n" {
		t.Errorf("inspect nosuch: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	if r := e.Podlite("inspect", "--type", "pod", "c"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "no such pod") {
		t.Errorf("inspect --type pod: exit %d stderr %q", r.ExitCode, r.Stderr)
	}
	// --size: the read-write layer holds what the container wrote; the
	// whole rootfs adds the image's layers. Without it there are none.
	e.MustPodlite("run", "--name", "w", "--net", "none", img, "sh", "-c", "head -c 300000 /dev/zero > /blob")
	for _, cmd := range [][]string{{"inspect", "--size"}, {"container", "inspect", "-s"}} {
		f := strings.Fields(e.MustPodlite(append(cmd, "--format", "{{.SizeRw}} {{.SizeRootFs}}", "w")...).Stdout)
		rw, _ := strconv.Atoi(f[0])
		rootfs, _ := strconv.Atoi(f[1])
		if rw < 300000 || rootfs <= rw {
			t.Errorf("%v: SizeRw %s SizeRootFs %s", cmd, f[0], f[1])
		}
	}
	if got := e.MustPodlite("inspect", "w").Stdout; strings.Contains(got, "SizeRw") || strings.Contains(got, "SizeRootFs") {
		t.Errorf("inspect without --size shows sizes: %s", got)
	}
	pm := NewPodman(t)
	out, _ := pm.command("inspect", "--type", "bogus", "x").CombinedOutput()
	if r := e.Podlite("inspect", "--type", "bogus", "x"); r.Stderr != string(out) {
		t.Errorf("inspect --type bogus: podlite %q, podman %q", r.Stderr, out)
	}
}
