package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// hookFile writes an oci-hooks(5) 1.0.0 file into dir whose hook saves the
// container state it reads on stdin to out.
func hookFile(t *testing.T, dir, name, out, when string, stages ...string) {
	t.Helper()
	st, _ := json.Marshal(stages)
	writeFile(t, filepath.Join(dir, name), `{"version":"1.0.0","hook":{"path":"/bin/sh","args":["sh","-c","cat > `+out+`"]},`+
		`"when":`+when+`,"stages":`+string(st)+`}`)
}

// hookState reads the container state a hook saved, polling for it.
func hookState(t *testing.T, path string) map[string]any {
	t.Helper()
	var data []byte
	waitFor(t, func() bool {
		var err error
		data, err = os.ReadFile(path)
		return err == nil && len(data) > 0
	})
	var st map[string]any
	if err := json.Unmarshal(data, &st); err != nil {
		t.Fatalf("hook state %s: %v: %q", path, err, data)
	}
	return st
}

// TestHooksDir: --hooks-dir's hooks run at their stages with the container
// state on stdin, when always, an annotation or the command says so; a
// failing hook fails the start with its error and leaves nothing running.
func TestHooksDir(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	dir, out := t.TempDir(), t.TempDir()
	mark := func(n string) string { return filepath.Join(out, n) }
	hookFile(t, dir, "10-always-pre.json", mark("prestart"), `{"always":true}`, "prestart")
	hookFile(t, dir, "20-always-stop.json", mark("poststop"), `{"always":true}`, "poststop")
	hookFile(t, dir, "30-annotation.json", mark("annotation"), `{"annotations":{"^io\\.podlite\\.hook$":"^yes$"}}`, "createRuntime")
	hookFile(t, dir, "40-command.json", mark("command"), `{"commands":["sleep$"]}`, "poststart")

	id := strings.TrimSpace(e.MustPodlite("--hooks-dir", dir, "run", "-d", "--annotation", "io.podlite.hook=yes", img, "sleep", "100").Stdout)
	// The states runc's libcontainer reports at these stages.
	for stage, status := range map[string]string{"prestart": "creating", "annotation": "creating", "command": "created"} {
		if st := hookState(t, mark(stage)); st["id"] != id || st["status"] != status {
			t.Errorf("%s hook saw %v, want id %s status %s", stage, st, id, status)
		}
	}
	// The bundle, as runc's, holds the container's config.json.
	if st := hookState(t, mark("prestart")); !fileExists(filepath.Join(st["bundle"].(string), "config.json")) {
		t.Errorf("bundle %v holds no config.json", st["bundle"])
	}
	e.MustPodlite("--hooks-dir", dir, "stop", "-t", "0", id)
	if st := hookState(t, mark("poststop")); st["id"] != id || st["status"] != "stopped" {
		t.Errorf("poststop hook saw %v, want id %s stopped", st, id)
	}

	// Neither the annotation nor the command matches: only always runs.
	for _, n := range []string{"prestart", "annotation", "command"} {
		if err := os.Remove(mark(n)); err != nil {
			t.Fatal(err)
		}
	}
	e.MustPodlite("--hooks-dir", dir, "run", "--rm", "--annotation", "io.podlite.hook=no", img, "true")
	hookState(t, mark("prestart"))
	for _, n := range []string{"annotation", "command"} {
		if _, err := os.Stat(mark(n)); !os.IsNotExist(err) {
			t.Errorf("%s hook ran for a container it does not match (%v)", n, err)
		}
	}

	fail := t.TempDir()
	writeFile(t, filepath.Join(fail, "fail.json"), `{"version":"1.0.0","hook":{"path":"/bin/sh","args":["sh","-c","echo hook-refuses >&2; exit 3"]},"when":{"always":true},"stages":["prestart"]}`)
	r := e.Podlite("--hooks-dir", fail, "run", "--name", "refused", img, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "prestart hook") || !strings.Contains(r.Stderr, "hook-refuses") {
		t.Errorf("failing prestart hook: stderr %q, want the hook's stage and error", r.Stderr)
	}
	if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "refused").Stdout); st == "running" {
		t.Errorf("container of a failed hook is %s", st)
	}
	e.MustPodlite("rm", "refused")

	bad := t.TempDir()
	writeFile(t, filepath.Join(bad, "bad.json"), `{"version":"2.0.0"}`)
	expectOneLineError(t, e.Podlite("--hooks-dir", bad, "run", "--rm", img, "true"))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestHooksDirPodman: the same hook files run at the same stages, for the
// same containers, with the same states on podman 4.3.1 (runc) as on
// podlite.
func TestHooksDirPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	seen := func(run func(args ...string) *Result) map[string]string {
		dir, out := t.TempDir(), t.TempDir()
		hookFile(t, dir, "10-pre.json", filepath.Join(out, "prestart"), `{"always":true}`, "prestart")
		hookFile(t, dir, "20-stop.json", filepath.Join(out, "poststop"), `{"always":true}`, "poststop")
		hookFile(t, dir, "30-annotation.json", filepath.Join(out, "annotation"), `{"annotations":{"^io\\.podlite\\.hook$":"^yes$"}}`, "createRuntime")
		hookFile(t, dir, "40-command.json", filepath.Join(out, "command"), `{"commands":["^nomatch$"]}`, "poststart")
		if r := run("--hooks-dir", dir, "run", "--rm", "--annotation", "io.podlite.hook=yes", img, "true"); r.ExitCode != 0 {
			t.Fatalf("run: exit %d: %s", r.ExitCode, r.Stderr)
		}
		got := map[string]string{"poststop": hookState(t, filepath.Join(out, "poststop"))["status"].(string)}
		entries, err := os.ReadDir(out)
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			got[en.Name()] = hookState(t, filepath.Join(out, en.Name()))["status"].(string)
		}
		return got
	}
	podlite := seen(func(args ...string) *Result { return e.Podlite(args...) })
	podman := seen(pm.Result)
	t.Logf("hooks run and their states: %v", podlite)
	if !reflect.DeepEqual(podlite, podman) {
		t.Errorf("hooks run and states: podlite %v, podman %v", podlite, podman)
	}
}
