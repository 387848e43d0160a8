package e2e

import (
	"encoding/json"
	"errors"
	"maps"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// psBoth runs the same command on podlite and on podman (podlite's
// stdout; podman's output is combined, and its commands here print
// nothing on stderr).
type psBoth struct {
	e  *Env
	pm *Podman
}

func (b psBoth) run(t *testing.T, args ...string) (podlite, podman string) {
	t.Helper()
	return b.e.MustPodlite(args...).Stdout, b.pm.MustRun(args...)
}

// psNormalize drops what differs by nature between two engines: IDs
// and durations ("Up 2 seconds ago" in 4.3.1, "Up 2 seconds" in 5.x).
var psDuration = regexp.MustCompile(`(Less than a second|About a minute|About an hour|\d+ \w+)( ago)?`)

func psNormalize(s string) string { return psDuration.ReplaceAllString(s, "T") }

// TestPsMatchesPodman runs the same containers on podlite and on podman
// 4.3.1 and compares ps's output where 4.3.1 agrees with podman 5's
// documentation: --format json's keys and their JSON types, the default
// table's header, --noheading, --sort, -n, -l, filters, template fields,
// and the exit codes of bad flags. Left out where 4.3.1 differs from 5.x:
// {{.State}} (4.3.1 prints the status), label!= (5.x only), and "Up 2
// seconds" (4.3.1 adds "ago"; psNormalize hides it).
func TestPsMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	b := psBoth{e, pm}

	e.MustPodlite("run", "-d", "--name", "up", "-l", "tier=web", img, "sleep", "1000")
	pm.MustRun("run", "-d", "--name", "up", "-l", "tier=web", img, "sleep", "1000")
	if r := e.Podlite("run", "--name", "done", img, "sh", "-c", "exit 3"); r.ExitCode != 3 {
		t.Fatalf("podlite run done: exit %d: %s", r.ExitCode, r.Stderr)
	}
	if out, err := pm.Run("run", "--name", "done", img, "sh", "-c", "exit 3"); err == nil {
		t.Fatalf("podman run done succeeded: %s", out)
	}
	e.MustPodlite("create", "--name", "fresh", img, "true")
	pm.MustRun("create", "--name", "fresh", img, "true")

	compareJSON(t, b)
	ours, theirs := b.run(t, "ps", "--size", "--format", "json")
	sizeKeys := func(out string) string {
		var list []struct{ Size map[string]any }
		if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
			t.Fatalf("ps --size --format json: %v: %q", err, out)
		}
		keys := slices.Sorted(maps.Keys(list[0].Size))
		return strings.Join(keys, ",")
	}
	if o, p := sizeKeys(ours), sizeKeys(theirs); o != p {
		t.Errorf("ps --size: Size keys %s, podman's %s", o, p)
	}
	ours, theirs = b.run(t, "ps", "-a")
	if o, p := headerWords(strings.SplitN(ours, "\n", 2)[0]), headerWords(strings.SplitN(theirs, "\n", 2)[0]); o != p {
		t.Errorf("default table header: podlite %q, podman %q", o, p)
	}
	ours, theirs = b.run(t, "ps", "-a", "--noheading")
	if strings.Count(ours, "\n") != strings.Count(theirs, "\n") || strings.Contains(ours, "CONTAINER ID") {
		t.Errorf("ps -a --noheading: podlite\n%s\npodman\n%s", ours, theirs)
	}
	for _, args := range [][]string{
		{"-a", "--sort", "names"}, {"-a", "--sort", "created"}, {"-a", "--sort", "status"}, {"-a", "--sort", "command"},
		{"-a", "--sort", "image"}, {"-n", "2"}, {"-l"}, {},
		{"-a", "--filter", "status=exited"}, {"-a", "--filter", "exited=3"}, {"-a", "--filter", "label=tier=web"},
		{"-a", "--filter", "name=^d"}, {"-a", "--filter", "ancestor=" + img},
		{"-a", "--filter", "before=done"}, {"-a", "--filter", "since=done"}, {"--filter", "status=created"},
		{"-a", "--filter", "name=fresh", "--filter", "name=up"},
	} {
		format := `{{.Names}}|{{.Status}}|{{.Labels}}|{{.Mounts}}|{{.Namespaces}}|{{.Pod}}|{{.PodName}}|{{.IsInfra}}|{{.AutoRemove}}|{{.ExitCode}}|{{.Exited}}|{{.Image}}|{{.Command}}|{{.Ports}}|{{len .ID}}|{{len .ImageID}}`
		ours, theirs := b.run(t, append(append([]string{"ps"}, args...), "--format", format)...)
		if psNormalize(ours) != psNormalize(theirs) {
			t.Errorf("ps %v: podlite\n%s\npodman\n%s", args, ours, theirs)
		}
	}
	// A paused container is listed with -a only, as "Paused".
	e.MustPodlite("pause", "up")
	pm.MustRun("pause", "up")
	for _, args := range [][]string{{"ps", "--format", "{{.Names}}"}, {"ps", "-a", "--filter", "status=paused", "--format", "{{.Names}} {{.Status}}"}} {
		if ours, theirs := b.run(t, args...); ours != theirs {
			t.Errorf("%v with up paused: podlite %q, podman %q", args, ours, theirs)
		}
	}
	e.MustPodlite("unpause", "up")
	for _, bad := range [][]string{{"--sort", "bogus"}, {"--filter", "bogus=1"}, {"--filter", "name"}, {"-l", "-n", "1"}, {"-q", "--size"}, {"--size", "--ns"}, {"--filter", "status=sleepy"}} {
		r := e.Podlite(append([]string{"ps"}, bad...)...)
		_, err := pm.Run(append([]string{"ps"}, bad...)...)
		var exitErr *exec.ExitError
		if r.ExitCode != 125 || !errors.As(err, &exitErr) || exitErr.ExitCode() != 125 {
			t.Errorf("ps %v: podlite exit %d, podman %v", bad, r.ExitCode, err)
		}
	}
}

// compareJSON checks that podlite's `ps -a --format json` has each key
// podman's has, with the same JSON type, container by container; and
// no key of its own beyond those podman 5 added.
func compareJSON(t *testing.T, b psBoth) {
	t.Helper()
	ours, theirs := b.run(t, "ps", "-a", "--format", "json")
	byName := func(out string) map[string]map[string]any {
		var list []map[string]any
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatalf("ps --format json: %v\n%s", err, out)
		}
		m := map[string]map[string]any{}
		for _, c := range list {
			m[c["Names"].([]any)[0].(string)] = c
		}
		return m
	}
	o, p := byName(ours), byName(theirs)
	if len(o) != 3 || len(p) != 3 {
		t.Fatalf("ps json: podlite %d containers, podman %d", len(o), len(p))
	}
	newIn5 := []string{"CIDFile", "Restarts", "ExposedPorts"}
	for name, pc := range p {
		oc := o[name]
		for k, v := range pc {
			if got, want := jsonType(oc[k]), jsonType(v); got != want {
				t.Errorf("ps json %s: %s is a %s (%v), podman's a %s (%v)", name, k, got, oc[k], want, v)
			}
		}
		for k := range oc {
			if _, ok := pc[k]; !ok && !slices.Contains(newIn5, k) {
				t.Errorf("ps json %s: key %s that podman has not", name, k)
			}
		}
		for _, k := range []string{"State", "Exited", "ExitCode", "Image", "Command", "Labels", "IsInfra", "AutoRemove", "Pod", "PodName", "Size"} {
			ob, _ := json.Marshal(oc[k])
			pb, _ := json.Marshal(pc[k])
			if string(ob) != string(pb) {
				t.Errorf("ps json %s: %s is %s, podman's %s", name, k, ob, pb)
			}
		}
		if psNormalize(oc["Status"].(string)) != psNormalize(pc["Status"].(string)) {
			t.Errorf("ps json %s: Status %q, podman's %q", name, oc["Status"], pc["Status"])
		}
	}
}
