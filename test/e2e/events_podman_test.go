package e2e

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEventsMatchPodman runs the same verbs on podlite and podman 4.3.1
// (with its file backend) and compares, status by status, what `events
// --stream=false --filter event=S` prints through the template fields
// 4.3.1 shares with podman 5, and the keys of each event's line in the
// two events.log files. Left out where 4.3.1 differs from 5.x: --format
// json (4.3.1 prints the file's line; 5.x time and timeNano), network
// create/remove (5.x only), and stop (4.3.1 does not always log it).
func TestEventsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	pmRun := func(args ...string) string {
		return pm.MustRun(append([]string{"--events-backend", "file"}, args...)...)
	}
	for _, run := range []func(...string) string{
		func(args ...string) string { return e.MustPodlite(args...).Stdout },
		pmRun,
	} {
		run("network", "create", "evnet")
		run("run", "-d", "--name", "c1", "-l", "tier=web", "--network", "evnet", img, "sleep", "1000")
		for _, verb := range [][]string{
			{"pause", "c1"}, {"unpause", "c1"}, {"network", "disconnect", "evnet", "c1"},
			{"network", "connect", "evnet", "c1"}, {"stop", "-t", "0", "c1"}, {"rename", "c1", "c2"},
			{"rm", "c2"}, {"volume", "create", "v1"}, {"volume", "rm", "v1"},
			{"tag", img, "localhost/extra:1"}, {"rmi", "localhost/extra:1"}, {"network", "rm", "evnet"},
		} {
			run(verb...)
		}
	}
	format := "{{.Type}} {{.Status}} {{.Name}} {{.Image}} {{.Network}} {{.Attributes}}"
	for _, status := range []string{"create", "init", "start", "pause", "unpause", "disconnect", "connect", "died", "rename", "remove", "tag", "untag"} {
		args := []string{"events", "--stream=false", "--filter", "event=" + status, "--format", format}
		if status == "died" {
			args[len(args)-1] += " {{.ContainerExitCode}}"
		}
		if status == "create" || status == "remove" {
			// 4.3.1 has no network create/remove events.
			args = append(args, "--filter", "type=container", "--filter", "type=volume", "--filter", "type=image")
		}
		ours, theirs := sortedLines(e.MustPodlite(args...).Stdout), sortedLines(pmRun(args...))
		if status == "tag" {
			// podman tags the loaded image once more as it loads it.
			theirs = slices.DeleteFunc(theirs, func(l string) bool { return !strings.Contains(l, "extra") })
		}
		if !slices.Equal(ours, theirs) {
			t.Errorf("events --filter event=%s:\npodlite %q\npodman  %q", status, ours, theirs)
		}
	}
	ourKeys := logKeys(t, filepath.Join(e.RunRoot, "events", "events.log"))
	theirKeys := logKeys(t, filepath.Join(filepath.Dir(pm.Root), "tmp", "events", "events.log"))
	for kind, keys := range theirKeys {
		if ours, ok := ourKeys[kind]; ok && !slices.Equal(ours, keys) {
			t.Errorf("events.log keys of %s: podlite %q, podman %q", kind, ours, keys)
		}
	}
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	slices.Sort(lines)
	return lines
}

// logKeys reads an events.log and returns the JSON keys of the first
// line of each "TYPE STATUS".
func logKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%s: %q: %v", path, line, err)
		}
		kind := m["Type"].(string) + " " + m["Status"].(string)
		if _, seen := keys[kind]; !seen {
			keys[kind] = slices.Sorted(maps.Keys(m))
		}
	}
	return keys
}
