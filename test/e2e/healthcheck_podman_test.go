package e2e

import (
	"strings"
	"testing"
)

// TestHealthcheckPodman runs the same health checks on podlite and podman
// 4.3.1: `healthcheck run`'s exit codes, output and errors, and inspect's
// .State.Health after them.
func TestHealthcheckPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	setup := [][]string{
		{"run", "-d", "--network", "none", "--name", "ok", "--health-cmd", "echo hi", "--health-interval", "disable", img, "sleep", "60"},
		{"run", "-d", "--network", "none", "--name", "bad", "--health-cmd", `["CMD", "false"]`, "--health-retries", "2", "--health-interval", "disable", img, "sleep", "60"},
		{"run", "-d", "--network", "none", "--name", "plain", img, "sleep", "60"},
		{"create", "--network", "none", "--name", "stopped", "--health-cmd", "true", img},
	}
	ids := map[string]string{}
	for _, args := range setup {
		id := strings.TrimSpace(e.MustPodlite(args...).Stdout)
		pmID := strings.TrimSpace(lastLine(pm.MustRun(args...)))
		ids[id], ids[pmID] = "ID", "ID"
	}
	norm := func(s string) string {
		for id := range ids {
			s = strings.ReplaceAll(s, id, "ID")
		}
		return s
	}
	comparePodman(t, e, pm, func(s, _ string) string { return norm(s) }, [][]string{
		{"healthcheck", "run", "ok"},
		{"healthcheck", "run", "bad"},
		{"healthcheck", "run", "bad"},
		{"healthcheck", "run", "plain"},
		{"healthcheck", "run", "stopped"},
		{"healthcheck", "run", "nosuch"},
		{"inspect", "--format", "{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}} {{(index .State.Health.Log 0).Output}} {{(index .State.Health.Log 0).ExitCode}}", "ok", "bad"},
		// Durations differ: podlite's templates see them as nanoseconds.
		// bad's Test too: 4.3.1 keeps ["CMD", "false"] as one string,
		// which 5.x's docs (a JSON array is the argv) do not.
		{"inspect", "--format", "{{.Config.Healthcheck.Test}} {{.Config.Healthcheck.Retries}}", "ok"},
	})
}

// comparePodman runs each command on podlite and podman and fails t where
// their exit codes or their output (stdout and stderr, normalized by norm,
// which is given the root each ran on) differ.
func comparePodman(t *testing.T, e *Env, pm *Podman, norm func(out, root string) string, cmds [][]string) {
	t.Helper()
	for _, args := range cmds {
		r := e.Podlite(args...)
		out, err := pm.Run(args...)
		code := exitStatus(err)
		if got, want := norm(r.Stdout+r.Stderr, e.Root), norm(out, pm.Root); r.ExitCode != code || got != want {
			t.Errorf("%v:\npodlite (exit %d): %q\npodman  (exit %d): %q", args, r.ExitCode, got, code, want)
		}
	}
}
