package e2e

import (
	"slices"
	"strings"
	"testing"
)

// TestHealthStatusEventsMatchPodman runs health checks on podlite and
// podman 4.3.1 (file events backend) and compares the health_status
// events each logs: one per check, with the status it left.
func TestHealthStatusEventsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	pmRun := func(args ...string) (string, error) {
		return pm.Run(append([]string{"--events-backend", "file"}, args...)...)
	}
	for _, run := range []func(...string) (string, error){
		func(args ...string) (string, error) { r := e.Podlite(args...); return r.Stdout, nil },
		pmRun,
	} {
		for _, args := range [][]string{
			{"run", "-d", "--network", "none", "--name", "ok", "--health-cmd", "true", "--health-interval", "disable", img, "sleep", "60"},
			{"run", "-d", "--network", "none", "--name", "bad", "--health-cmd", "false", "--health-retries", "2", "--health-interval", "disable", img, "sleep", "60"},
			{"healthcheck", "run", "ok"}, {"healthcheck", "run", "bad"}, {"healthcheck", "run", "bad"},
		} {
			_, _ = run(args...)
		}
	}
	args := []string{"events", "--stream=false", "--filter", "event=health_status", "--format", "{{.Type}} {{.Status}} {{.Name}} {{.HealthStatus}}"}
	ours := sortedLines(e.MustPodlite(args...).Stdout)
	out, err := pmRun(args...)
	if err != nil {
		t.Fatalf("podman events: %v\n%s", err, out)
	}
	// 4.3.1 logs the status from before the check (5.x the one after
	// it): compare the events with it less their status, and the status
	// with 5.x's.
	theirs := sortedLines(out)
	want := []string{"container health_status bad starting", "container health_status bad unhealthy", "container health_status ok healthy"}
	if !slices.Equal(ours, want) || !slices.Equal(lessLastWord(ours), lessLastWord(theirs)) {
		t.Errorf("health_status events:\npodlite %q\npodman  %q\nwant    %q", ours, theirs, want)
	}
	e.MustPodlite("rm", "-f", "-t", "0", "ok", "bad")
	_, _ = pm.Run("rm", "-f", "-t", "0", "ok", "bad")
}

// lessLastWord returns lines without their last word.
func lessLastWord(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l[:max(strings.LastIndex(l, " "), 0)]
	}
	return out
}
