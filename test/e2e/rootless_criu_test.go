package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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
// and checkpoint and restore refuse with it, no CRIU log. A member: info
// reports both paths, and checkpoint refuses precisely (podlite does not
// drive the helper yet: criu must run outside the user namespace).
func TestRootlessCheckpointHelper(t *testing.T) {
	requireCRIUHelper(t)
	const format = "{{.Host.RootlessCheckpoint}}"
	out := e2eRun(t, NewEnv(t), "info", "--format", format)
	if out != "" {
		t.Errorf("info as root: RootlessCheckpoint %q, want empty", out)
	}

	outside := rootlessUser(t, "a")
	e := NewRootlessEnv(t, outside)
	want := "none: not in group podlite-criu (root runs: usermod -aG podlite-criu " + outside.name + ")"
	if got := e2eRun(t, e, "info", "--format", format); got != want {
		t.Errorf("info outside the group: %q, want %q", got, want)
	}
	e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "counter", "--network", "none", BusyboxImage, "sh", "-c", "i=0; while :; do echo $i; i=$((i+1)); sleep 0.2; done")
	for _, verb := range [][]string{{"container", "checkpoint"}, {"container", "restore"}} {
		r := e.Podlite(append(verb, "counter")...)
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, "requires root here: not in group podlite-criu") {
			t.Errorf("%s outside the group: %q", verb[1], r.Stderr)
		}
	}
	e.MustPodlite("rm", "-f", "-t", "0", "counter")

	member := rootlessUser(t, "crmember")
	joinCRIUGroup(t, member)
	m := NewRootlessEnv(t, member)
	if got := e2eRun(t, m, "info", "--format", format); got != "dump,restore" {
		t.Errorf("info in the group: %q, want dump,restore", got)
	}
	m.LoadBusybox()
	m.MustPodlite("run", "-d", "--name", "counter", "--network", "none", BusyboxImage, "sleep", "300")
	r := m.Podlite("container", "checkpoint", "counter")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "checkpointing a container as a user is not implemented yet: criu must run outside podlite's user namespace") {
		t.Errorf("checkpoint in the group: %q", r.Stderr)
	}
	if st := strings.TrimSpace(m.MustPodlite("inspect", "--format", "{{.State.Status}}", "counter").Stdout); st != "running" {
		t.Errorf("after the refused checkpoint: %q, want running", st)
	}
	m.MustPodlite("rm", "-f", "-t", "0", "counter")
}

func e2eRun(t *testing.T, e *Env, args ...string) string {
	t.Helper()
	return strings.TrimSpace(e.MustPodlite(args...).Stdout)
}
