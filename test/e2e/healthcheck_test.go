package e2e

import (
	"archive/tar"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// healthOf is inspect's .State.Health of a container.
type healthOf struct {
	Status        string
	FailingStreak int
	Log           []struct {
		ExitCode int
		Output   string
	}
}

func inspectHealth(t *testing.T, e *Env, name string) *healthOf {
	t.Helper()
	out := e.MustPodlite("inspect", "--format", "{{json .State.Health}}", name).Stdout
	var h *healthOf
	if err := json.Unmarshal([]byte(out), &h); err != nil {
		t.Fatalf("inspect %s .State.Health %q: %v", name, out, err)
	}
	return h
}

// TestHealthcheck runs health checks on the supervisor's timer and by
// hand: statuses in inspect and ps, the startup check, timeouts,
// --health-on-failure, and podman's errors of `healthcheck run`.
func TestHealthcheck(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	net := []string{"run", "-d", "--network", "none"}
	run := func(args ...string) string {
		return strings.TrimSpace(e.MustPodlite(append(append([]string{}, net...), args...)...).Stdout)
	}
	run("--name", "timed", "--health-cmd", "echo hello", "--health-interval", "1s", img, "sleep", "60")
	run("--name", "startup", "--health-startup-cmd", "test -e /tmp/up", "--health-startup-interval", "1s",
		"--health-cmd", `["CMD", "true"]`, "--health-interval", "1s", img, "sh", "-c", "sleep 1; touch /tmp/up; sleep 60")
	logDir := t.TempDir()
	failingID := run("--name", "failing", "--health-cmd", "echo sick >&2; exit 2", "--health-retries", "2",
		"--health-interval", "disable", "--health-max-log-size", "3", "--health-log-destination", logDir, img, "sleep", "60")
	run("--name", "slow", "--health-cmd", "sleep 30", "--health-timeout", "1s", "--health-interval", "disable", img, "sleep", "60")
	run("--name", "killme", "--health-cmd", "false", "--health-retries", "1", "--health-interval", "disable",
		"--health-on-failure", "kill", img, "sleep", "60")
	plainID := run("--name", "plain", img, "sleep", "60")

	t.Run("timer", func(t *testing.T) {
		// wait --condition healthy returns once the timer's check passed.
		if got := e.MustPodlite("wait", "--condition", "healthy", "timed").Stdout; got != "-1\n" {
			t.Errorf("wait --condition healthy printed %q", got)
		}
		if h := inspectHealth(t, e, "timed"); h.Status != "healthy" {
			t.Errorf("after wait --condition healthy: %+v", h)
		}
		r := e.Podlite("wait", "--condition", "unhealthy", "plain")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, "has no healthcheck") {
			t.Errorf("wait --condition unhealthy without a check: exit %d %q", r.ExitCode, r.Stderr)
		}
		if h := inspectHealth(t, e, "timed"); h.Log[0].Output != "hello" || h.Log[0].ExitCode != 0 {
			t.Errorf("log of timed: %+v", h)
		}
		ps := e.MustPodlite("ps", "--filter", "health=healthy", "--format", "{{.Names}} {{.Status}}").Stdout
		if !strings.Contains(ps, "timed Up") || !strings.Contains(ps, "(healthy)") || strings.Contains(ps, "plain") {
			t.Errorf("ps --filter health=healthy:\n%s", ps)
		}
		cfg := e.MustPodlite("inspect", "--format", "{{json .Config.Healthcheck}}", "timed").Stdout
		if !strings.Contains(cfg, `"Test":["CMD-SHELL","echo hello"]`) || !strings.Contains(cfg, `"Interval":1000000000`) {
			t.Errorf(".Config.Healthcheck: %s", cfg)
		}
	})
	t.Run("startup", func(t *testing.T) {
		waitFor(t, func() bool { return inspectHealth(t, e, "startup").Status == "healthy" })
	})
	t.Run("unhealthy", func(t *testing.T) {
		for i, want := range []string{"starting", "unhealthy"} {
			r := e.Podlite("healthcheck", "run", "failing")
			if r.ExitCode != 1 || strings.TrimSpace(r.Stdout) != "unhealthy" {
				t.Fatalf("healthcheck run %d: exit %d, %q", i, r.ExitCode, r.Stdout)
			}
			if h := inspectHealth(t, e, "failing"); h.Status != want || h.FailingStreak != i+1 || h.Log[i].Output != "sic" {
				t.Errorf("after check %d: %+v, want %s", i, h, want)
			}
		}
		ps := e.MustPodlite("ps", "--filter", "health=unhealthy", "--format", "{{.Names}}").Stdout
		if strings.TrimSpace(ps) != "failing" {
			t.Errorf("ps --filter health=unhealthy: %q", ps)
		}
		if _, err := os.Stat(filepath.Join(logDir, failingID+"-healthcheck.log")); err != nil {
			t.Errorf("--health-log-destination: %v", err)
		}
		// The checks' exec sessions left nothing: no process in the
		// container but its own, no file in its run directory (the
		// spec, the init's and the supervisor's PID files).
		if top := e.MustPodlite("top", "failing", "args").Stdout; strings.Join(strings.Fields(top), " ") != "COMMAND sleep 60" {
			t.Errorf("processes after the checks:\n%s", top)
		}
		entries, err := os.ReadDir(filepath.Join(e.RunRoot, "containers", failingID))
		var names []string
		for _, en := range entries {
			names = append(names, en.Name())
		}
		if err != nil || strings.Join(names, " ") != "config.json conmon.pid pid" {
			t.Errorf("run directory after the checks: %v %v", names, err)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		start := time.Now()
		if r := e.Podlite("healthcheck", "run", "slow"); r.ExitCode != 1 || time.Since(start) > 10*time.Second {
			t.Errorf("timed out check: exit %d after %s", r.ExitCode, time.Since(start))
		}
		if h := inspectHealth(t, e, "slow"); h.Log[0].ExitCode != -1 {
			t.Errorf("timed out check logged %+v", h.Log)
		}
	})
	t.Run("on-failure kill", func(t *testing.T) {
		if r := e.Podlite("healthcheck", "run", "killme"); r.ExitCode != 1 {
			t.Errorf("healthcheck run killme: exit %d", r.ExitCode)
		}
		// kill signals and returns; the supervisor records the exit.
		st := func() string {
			return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "killme").Stdout)
		}
		waitFor(t, func() bool { return strings.HasPrefix(st(), "exited") })
		if st() != "exited 137" {
			t.Errorf("killme after an unhealthy check: %s", st())
		}
	})
	t.Run("errors", func(t *testing.T) {
		if r := e.Podlite("healthcheck", "run", "plain"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "Error: container "+plainID+" has no defined healthcheck\n") {
			t.Errorf("no healthcheck: %d %q", r.ExitCode, r.Stderr)
		}
		if r := e.Podlite("healthcheck", "run", "killme"); r.ExitCode != 125 || !strings.Contains(r.Stderr, " is not running\n") {
			t.Errorf("not running: %d %q", r.ExitCode, r.Stderr)
		}
		if out := e.MustPodlite("inspect", "plain").Stdout; strings.Contains(out, `"Health"`) {
			t.Errorf("a container without a check has a Health block")
		}
		for _, bad := range [][]string{{"--health-interval", "0.5s"}, {"--health-retries", "0"}, {"--health-on-failure", "panic"}, {"--no-healthcheck"}} {
			args := append([]string{"create", "--health-cmd", "true"}, bad...)
			if r := e.Podlite(append(args, img)...); r.ExitCode != 125 {
				t.Errorf("create %v: exit %d", bad, r.ExitCode)
			}
		}
	})
}

// TestHealthcheckImage honours the image's HEALTHCHECK, which
// --no-healthcheck drops and --health-* flags adjust; an attached run
// runs the checks itself.
func TestHealthcheckImage(t *testing.T) {
	e := NewEnv(t)
	bin, err := os.ReadFile(busyboxPath)
	if err != nil {
		t.Fatal(err)
	}
	entries := []tarEntry{{name: "bin/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "bin/busybox", mode: 0o755, typeflag: tar.TypeReg, data: bin}}
	for _, a := range []string{"sh", "sleep", "true"} {
		entries = append(entries, tarEntry{name: "bin/" + a, mode: 0o777, typeflag: tar.TypeSymlink, linkname: "busybox"})
	}
	archive := filepath.Join(t.TempDir(), "hc.tar")
	if err := writeOCIArchive(archive, "localhost/hc:latest", entries, map[string]any{
		"Cmd":         []string{"sleep", "60"},
		"Healthcheck": map[string]any{"Test": []string{"CMD-SHELL", "true"}, "Interval": int64(time.Second), "Retries": 5},
	}); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("load", "-q", "-i", archive)
	e.MustPodlite("run", "-d", "--network", "none", "--name", "img", "--health-retries", "2", "localhost/hc")
	waitFor(t, func() bool { return inspectHealth(t, e, "img").Status == "healthy" })
	cfg := e.MustPodlite("inspect", "--format", "{{json .Config.Healthcheck}}", "img").Stdout
	if !strings.Contains(cfg, `"Test":["CMD-SHELL","true"]`) || !strings.Contains(cfg, `"Retries":2`) {
		t.Errorf("image's healthcheck with --health-retries 2: %s", cfg)
	}
	e.MustPodlite("create", "--network", "none", "--name", "off", "--no-healthcheck", "localhost/hc")
	if cfg := e.MustPodlite("inspect", "--format", "{{json .Config.Healthcheck}}", "off").Stdout; strings.TrimSpace(cfg) != "null" {
		t.Errorf("--no-healthcheck kept %s", cfg)
	}
	e.MustPodlite("run", "--network", "none", "--name", "attached", "localhost/hc", "sleep", "2.5")
	if h := inspectHealth(t, e, "attached"); len(h.Log) == 0 {
		t.Errorf("no check ran during an attached run: %+v", h)
	}
}
