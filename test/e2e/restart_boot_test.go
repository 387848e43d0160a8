package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// shippedRestartUnit is contrib/systemd/KIND/podlite-restart.service.in
// with binary in place of @@PODLITE@@, as make install writes it.
func shippedRestartUnit(t *testing.T, kind, binary string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "contrib", "systemd", kind, "podlite-restart.service.in"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(data), "@@PODLITE@@", binary)
}

// unitCommand is the arguments of the unit's key= line (ExecStart,
// ExecStop) after the binary.
func unitCommand(t *testing.T, unit, key string) []string {
	t.Helper()
	for _, line := range strings.Split(unit, "\n") {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			return strings.Fields(v)[1:]
		}
	}
	t.Fatalf("the unit has no %s:\n%s", key, unit)
	return nil
}

// requireStates fails the test unless each container is in its state.
func requireStates(e *Env, when string, want map[string]string) {
	e.T.Helper()
	for name, state := range want {
		if got := inspectField(e, name, "{{.State.Status}}"); got != state {
			e.T.Errorf("%s, %s is %q, want %q", when, name, got, state)
		}
	}
}

// verifySystemUnit runs systemd-analyze verify on a system unit's text.
func verifySystemUnit(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "" {
		t.Errorf("systemd-analyze verify %s: %v\n%s", name, err, out)
	}
}

// TestRestartAtBoot checks the shipped system unit with systemd-analyze
// verify and runs its ExecStart after a simulated reboot: the always container and the unless-stopped one no
// one stopped run again; the stopped unless-stopped one and the `no` one
// stay down. ExecStop then stops only the always one.
func TestRestartAtBoot(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	for name, policy := range map[string]string{"always": "always", "kept": "unless-stopped", "halted": "unless-stopped", "plain": "no"} {
		e.MustPodlite(append([]string{"run", "-d", "--name", name, "--network", "none", "--restart", policy, img}, loopCommand...)...)
	}
	e.MustPodlite("stop", "-t", "0", "halted")
	e.simulateReboot("always", "kept", "plain")
	requireStates(e, "after the reboot", map[string]string{"always": "exited", "kept": "exited", "halted": "exited", "plain": "exited"})

	unit := shippedRestartUnit(t, "system", podliteBinary)
	verifySystemUnit(t, "podlite-restart.service", unit)
	e.MustPodlite(unitCommand(t, unit, "ExecStart")...)
	requireStates(e, "after the unit's start", map[string]string{"always": "running", "kept": "running", "halted": "exited", "plain": "exited"})
	// Run again (a second start of the unit): nothing changes.
	pid := inspectField(e, "always", "{{.State.Pid}}")
	e.MustPodlite(unitCommand(t, unit, "ExecStart")...)
	if got := inspectField(e, "always", "{{.State.Pid}}"); got != pid {
		t.Errorf("a second ExecStart restarted the always container: pid %s, then %s", pid, got)
	}

	e.MustPodlite(unitCommand(t, unit, "ExecStop")...)
	requireStates(e, "after the unit's stop", map[string]string{"always": "exited", "kept": "running"})
	e.MustPodlite("rm", "-f", "-t", "0", "always", "kept", "halted", "plain")
}

// TestSystemdUserRestartAtBoot verifies and enables the shipped user unit
// under the user's real manager (its podlite and XDG directories the
// env's), then stops the manager, simulates a reboot of the user's runroot
// and starts the manager again: the enabled unit starts, the always
// container runs again, the `no` one does not.
func TestSystemdUserRestartAtBoot(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite(append([]string{"run", "-d", "--name", "web", "--network", "none", "--restart", "always", img}, loopCommand...)...)
	e.MustPodlite(append([]string{"run", "-d", "--name", "once", "--network", "none", img}, loopCommand...)...)

	unit := shippedRestartUnit(t, "user", userBinary)
	var env strings.Builder
	for i := 1; i < len(unitEnv(e)); i += 2 {
		env.WriteString("Environment=" + unitEnv(e)[i] + "\n")
	}
	unit = strings.Replace(unit, "[Service]\n", "[Service]\n"+env.String(), 1)
	m.Install(map[string]string{"podlite-restart.service": unit})
	m.Systemctl("enable", "podlite-restart.service")
	if got := strings.TrimSpace(m.Systemctl("is-enabled", "podlite-restart.service")); got != "enabled" {
		t.Fatalf("is-enabled: %q", got)
	}

	// The reboot ends the user's manager too; its next start (as at a
	// boot, or a login) starts default.target, which pulls the unit in.
	m.run("stop")
	// No podlite command runs between the reboot and the unit's, which
	// thus finds the runroot gone.
	e.simulateReboot("web", "once")
	m.run("start")
	got := m.WaitFor("podlite-restart.service", 30*time.Second, func(p map[string]string) bool {
		return p["ActiveState"] == "active" || p["ActiveState"] == "failed"
	},
		"ActiveState", "Result")
	if got["ActiveState"] != "active" || got["Result"] != "success" {
		t.Errorf("the unit after the manager's start: %v", got)
	}
	requireStates(e, "after the unit's start", map[string]string{"web": "running", "once": "exited"})
	m.Systemctl("stop", "podlite-restart.service")
	m.WaitFor("podlite-restart.service", 20*time.Second, func(p map[string]string) bool { return p["ActiveState"] == "inactive" }, "ActiveState")
	requireStates(e, "after the unit's stop", map[string]string{"web": "exited"})
}

// run runs the user-systemd tool's start or stop for the manager's user.
func (m *userManager) run(verb string) {
	m.t.Helper()
	if out, err := exec.Command(m.tool, verb, m.u.name).CombinedOutput(); err != nil {
		m.t.Fatalf("user-systemd %s %s: %v\n%s", verb, m.u.name, err, out)
	}
}
