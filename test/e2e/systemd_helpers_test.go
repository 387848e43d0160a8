package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Tests of generated units run them under a real `systemd --user` for a
// user the run creates: ../shared/tools/user-systemd (from the module
// root; $PODLITE_USER_SYSTEMD names another copy) starts one on this
// machine, whose PID 1 is not systemd. Without the tool or systemd the
// tests skip: a fact of the machine.

// userManager is a running systemd user manager of a test user.
type userManager struct {
	t          *testing.T
	u          *testUser
	tool       string
	runtimeDir string
	// UnitDir is where the user's units go (~/.config/systemd/user, or
	// root's runtime unit directory).
	UnitDir string
}

// startUserManager starts u's user manager, stopped when t ends (before
// the env's own cleanup, when called after NewRootlessEnv).
func startUserManager(t *testing.T, u *testUser) *userManager {
	t.Helper()
	m := launchManager(t, u, filepath.Join(u.home, ".config", "systemd", "user"))
	for _, d := range []string{filepath.Join(u.home, ".config"), filepath.Join(u.home, ".config", "systemd"), m.UnitDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, u.uid, u.gid); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// startRootManager starts root's user manager with its units in its
// runtime unit directory (/run/user/0/systemd/user): root's home is not
// touched. /run/user/0 and its log go at the end if the run made them.
func startRootManager(t *testing.T) *userManager {
	t.Helper()
	rt := "/run/user/0"
	if _, err := os.Stat(rt); os.IsNotExist(err) {
		// Registered first, so it runs after the manager's stop.
		t.Cleanup(func() {
			for _, p := range []string{rt, rt + ".log"} {
				if err := os.RemoveAll(p); err != nil {
					t.Error(err)
				}
			}
		})
	}
	m := launchManager(t, &testUser{name: "root", home: "/root"}, filepath.Join(rt, "systemd", "user"))
	if err := os.MkdirAll(m.UnitDir, 0o755); err != nil {
		t.Fatal(err)
	}
	return m
}

// launchManager starts u's user manager with its units in unitDir; when
// t ends the manager stops and unitDir is removed.
func launchManager(t *testing.T, u *testUser, unitDir string) *userManager {
	t.Helper()
	tool := os.Getenv("PODLITE_USER_SYSTEMD")
	if tool == "" {
		tool, _ = filepath.Abs("../../../shared/tools/user-systemd")
	}
	_, toolErr := os.Stat(tool)
	_, systemdErr := os.Stat("/lib/systemd/systemd")
	requireMachine(t, "a systemd user manager (systemd and "+tool+")", toolErr == nil && systemdErr == nil)
	if out, err := exec.Command(tool, "start", u.name).CombinedOutput(); err != nil {
		t.Fatalf("starting the user manager of %s: %v\n%s", u.name, err, out)
	}
	m := &userManager{t: t, u: u, tool: tool, runtimeDir: fmt.Sprintf("/run/user/%d", u.uid), UnitDir: unitDir}
	t.Cleanup(func() {
		if out, err := exec.Command(tool, "stop", u.name).CombinedOutput(); err != nil {
			t.Errorf("stopping the user manager of %s: %v\n%s", u.name, err, out)
		}
		if err := os.RemoveAll(m.UnitDir); err != nil {
			t.Error(err)
		}
	})
	return m
}

// newSystemdEnv is a rootless env of the run's systemd test user with the
// busybox image loaded, and the user's manager running.
func newSystemdEnv(t *testing.T) (*Env, *userManager, string) {
	t.Helper()
	u := rootlessUser(t, "sysd")
	e := NewRootlessEnv(t, u)
	img := e.LoadBusybox()
	return e, startUserManager(t, u), img
}

// asUser runs a command as the manager's user with its runtime directory.
func (m *userManager) asUser(name string, args ...string) (string, error) {
	argv := append([]string{"-u", m.u.name, "--", "env", "XDG_RUNTIME_DIR=" + m.runtimeDir, name}, args...)
	out, err := exec.Command("runuser", argv...).CombinedOutput()
	return string(out), err
}

// Systemctl runs `systemctl --user ARGS` and fails the test on an error.
func (m *userManager) Systemctl(args ...string) string {
	m.t.Helper()
	out, err := m.asUser("systemctl", append([]string{"--user"}, args...)...)
	if err != nil {
		m.t.Fatalf("systemctl --user %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Show returns the unit's properties (systemctl --user show -p).
func (m *userManager) Show(unit string, props ...string) map[string]string {
	m.t.Helper()
	out := m.Systemctl("show", "-p", strings.Join(props, ","), unit)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	return got
}

// WaitFor polls the unit until cond holds on its properties, failing the
// test after timeout with the last values seen.
func (m *userManager) WaitFor(unit string, timeout time.Duration, cond func(map[string]string) bool, props ...string) map[string]string {
	m.t.Helper()
	var got map[string]string
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = m.Show(unit, props...); cond(got) {
			return got
		}
	}
	status, _ := m.asUser("systemctl", "--user", "status", "--no-pager", "-n", "20", unit)
	m.t.Fatalf("unit %s: still %v after %s\n%s", unit, got, timeout, status)
	return nil
}

// Install writes units (file name to text) into the user's unit
// directory, checks each with systemd-analyze verify once all are there,
// and reloads the manager.
func (m *userManager) Install(units map[string]string) {
	m.t.Helper()
	for name, text := range units {
		path := filepath.Join(m.UnitDir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			m.t.Fatal(err)
		}
		if err := os.Chown(path, m.u.uid, m.u.gid); err != nil {
			m.t.Fatal(err)
		}
	}
	for name, text := range units {
		path := filepath.Join(m.UnitDir, name)
		if out, err := m.asUser("systemd-analyze", "--user", "verify", path); err != nil || strings.TrimSpace(out) != "" {
			m.t.Errorf("systemd-analyze --user verify %s: %v\n%s\n%s", name, err, out, text)
		}
	}
	m.Systemctl("daemon-reload")
}

// RequireMain fails the test unless the unit is active with the
// container's supervisor as its main process, and returns that PID.
func (m *userManager) RequireMain(e *Env, unit, ctr string) int {
	m.t.Helper()
	got := m.Show(unit, "MainPID", "ActiveState")
	sup := e.inspectInt(ctr, ".State.ConmonPid")
	if got["ActiveState"] != "active" || got["MainPID"] != strconv.Itoa(sup) {
		m.t.Fatalf("unit %s: %v, want active with MainPID %d (the supervisor of %s)", unit, got, sup, ctr)
	}
	return sup
}

// RequireStopped checks that the unit is inactive after its stop and its
// container is in status want ("exited", or "" for removed).
func (m *userManager) RequireStopped(e *Env, unit, ctr, want string) {
	m.t.Helper()
	if got := m.Show(unit, "ActiveState", "Result"); got["ActiveState"] != "inactive" || got["Result"] != "success" {
		m.t.Errorf("unit %s after its stop: %v, want inactive with success", unit, got)
	}
	r := e.Podlite("inspect", "--format", "{{.State.Status}}", ctr)
	if got := strings.TrimSpace(r.Stdout); (want == "" && r.ExitCode == 0) || (want != "" && got != want) {
		m.t.Errorf("after the stop of %s, container %s is %q (exit %d), want %q", unit, ctr, got, r.ExitCode, want)
	}
}

// generateUnits runs `generate systemd --format json` with args (and
// unitEnv) and returns the units by file name.
func generateUnits(e *Env, args ...string) map[string]string {
	e.T.Helper()
	argv := append(append([]string{"generate", "systemd", "--format", "json"}, unitEnv(e)...), args...)
	var units map[string]string
	if err := json.Unmarshal([]byte(e.MustPodlite(argv...).Stdout), &units); err != nil {
		e.T.Fatalf("generate systemd %v: %v", args, err)
	}
	files := map[string]string{}
	for name, text := range units {
		files[name+".service"] = text
	}
	return files
}

// unitEnv are generate's --env flags that give a user unit's podlite the
// env's XDG directories (a unit gets the manager's environment, and the
// env's directories are not the user's defaults).
func unitEnv(e *Env) []string {
	var out []string
	for _, d := range [][2]string{{"XDG_DATA_HOME", "data"}, {"XDG_CONFIG_HOME", "config"}, {"XDG_RUNTIME_DIR", "run"}} {
		out = append(out, "-e", d[0]+"="+filepath.Join(e.XDG, d[1]))
	}
	return out
}

// inspectInt is an integer field of a container's inspect output.
func (e *Env) inspectInt(name, field string) int {
	e.T.Helper()
	r := e.MustPodlite("inspect", "--format", "{{"+field+"}}", name)
	n, err := strconv.Atoi(strings.TrimSpace(r.Stdout))
	if err != nil {
		e.T.Fatalf("inspect %s %s: %q", name, field, r.Stdout)
	}
	return n
}

var (
	sdnotifyOnce sync.Once
	sdnotifyBin  string
	sdnotifyErr  error
)

// sdnotifyHelper is testdata/sdnotify.c built static into the run's work
// dir (readable by the test users): busybox has no systemd-notify.
func sdnotifyHelper(t *testing.T) string {
	t.Helper()
	sdnotifyOnce.Do(func() {
		sdnotifyBin = filepath.Join(workDir, "sdnotify")
		out, err := exec.Command("gcc", "-static", "-O2", "-o", sdnotifyBin, "testdata/sdnotify.c").CombinedOutput()
		if err != nil {
			sdnotifyErr = fmt.Errorf("building testdata/sdnotify.c: %v\n%s", err, out)
		}
	})
	if sdnotifyErr != nil {
		t.Fatal(sdnotifyErr)
	}
	return sdnotifyBin
}
