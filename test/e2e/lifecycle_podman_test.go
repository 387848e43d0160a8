package e2e

import (
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// lifecycleFullID matches the full container IDs podman and podlite print for
// --all, --filter, --latest and --depend.
var lifecycleFullID = regexp.MustCompile(`\b[0-9a-f]{64}\b`)

// TestLifecycleMatchesPodman runs the same lifecycle commands on podlite
// and podman 4.3.1 and compares what they print (full IDs made "ID") and
// their exit codes, where 4.3.1 agrees with podman 5's documentation:
// names printed as given, full IDs for --filter, --all and --latest,
// init's "initialized", wait's codes, rm --depend and its refusal, and
// the usage errors. Left out where 4.3.1 differs from 5.x: `restart
// --running` alone (4.3.1 asks for a name) and stop/kill of a missing
// container (4.3.1 exits 125, 5.x documents 1).
func TestLifecycleMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	for _, args := range [][]string{
		{"run", "-d", "--network", "none", "--name", "a", "-l", "tier=web", img, "sleep", "1000"},
		{"run", "-d", "--network", "none", "--name", "b", img, "sleep", "1000"},
		{"create", "--network", "none", "--name", "c", img, "true"},
		{"create", "--network", "none", "--name", "x", img, "sleep", "1000"},
		{"create", "--network", "container:x", "--name", "y", img, "true"},
	} {
		e.MustPodlite(args...)
		pm.MustRun(args...)
	}
	both := func(args ...string) (ours, theirs string, ourCode, theirCode int) {
		t.Helper()
		r := e.Podlite(args...)
		out, err := pm.Run(args...)
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			theirCode = exitErr.ExitCode()
		} else if err != nil {
			t.Fatalf("podman %v: %v", args, err)
		}
		ours = r.Stdout
		if r.ExitCode != 0 {
			ours = r.Stderr
		}
		return lifecycleFullID.ReplaceAllString(ours, "ID"), lifecycleFullID.ReplaceAllString(out, "ID"), r.ExitCode, theirCode
	}
	for _, args := range [][]string{
		{"stop", "-t", "0", "--filter", "label=tier=web"},
		{"start", "--filter", "name=^a$"},
		{"pause", "a"},
		{"unpause", "a"},
		{"pause", "--filter", "name=^a$"},
		{"unpause", "--filter", "name=^a$"},
		{"kill", "--all"},
		{"wait", "a", "b"},
		{"start", "a"},
		{"stop", "-t", "0", "--latest"},
		{"init", "c"},
		{"inspect", "--format", "{{.State.Status}}", "c"},
		{"start", "c"},
		{"wait", "c"},
		{"init", "c"}, // exited: initialized again
		{"wait", "--condition", "running", "a"},
		{"wait", "--interval", "50", "b"},
		{"rm", "x"},
		{"rm", "--depend", "x"},
	} {
		ours, theirs, ourCode, theirCode := both(args...)
		if ours != theirs || ourCode != theirCode {
			t.Errorf("%v: podlite (exit %d)\n%s\npodman (exit %d)\n%s", args, ourCode, ours, theirCode, theirs)
		}
	}
	// Usage errors: the same exit code; the words differ by podlite's
	// error class suffix.
	for _, args := range [][]string{
		{"rm", "-t", "0", "a"},
		{"stop", "--filter", "name=a", "a"},
		{"wait", "--condition", "bogus", "a"},
		{"wait", "--interval", "soon", "a"},
		{"init", "nosuch"},
		{"init", "c"}, // already initialized
	} {
		ours, theirs, ourCode, theirCode := both(args...)
		if ourCode != theirCode || !strings.HasPrefix(ours, "Error: ") {
			t.Errorf("%v: podlite (exit %d) %s; podman (exit %d) %s", args, ourCode, ours, theirCode, theirs)
		}
	}
}

// TestCloneResourcesMatchPodman clones a container with clone's resource
// flags on podlite and podman 4.3.1 (which agrees with the 5.x docs
// here): the given values override the original's, the others stay.
// --memory-swap is left out: 4.3.1's clone drops the original's memory
// limit and then refuses it.
func TestCloneResourcesMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	create := []string{"create", "--network", "none", "--name", "web", "-m", "32m", "--cpu-shares", "256", img, "sleep", "1000"}
	clone := []string{"container", "clone", "--memory-reservation", "16m", "--cpuset-cpus", "0", "--cpu-period", "50000", "web", "w2"}
	format := "{{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpusetCpus}} {{.HostConfig.CpuPeriod}}"
	e.MustPodlite(create...)
	pm.MustRun(create...)
	e.MustPodlite(clone...)
	pm.MustRun(clone...)
	ours := e.MustPodlite("inspect", "--format", format, "w2").Stdout
	theirs := pm.MustRun("inspect", "--format", format, "w2")
	if ours != theirs || ours != "33554432 256 16777216 0 50000\n" {
		t.Errorf("the clone's resources: podlite %q, podman %q", ours, theirs)
	}
}
