package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRmTimeOfUsers: volume rm and network rm take podman's --time: with
// --force the containers using the object are stopped (their stop signal,
// then the wait) before they go, where --force alone kills them; --time
// without --force is refused in podman's words.
func TestRmTimeOfUsers(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	out := t.TempDir()
	// The user records that it saw its stop signal.
	user := func(name string, args ...string) {
		script := "trap 'echo term > /out/" + name + "; exit 0' TERM; while :; do sleep 0.1; done"
		e.MustPodlite(append(append([]string{"run", "-d", "--name", name, "-v", out + ":/out"}, args...), img, "sh", "-c", script)...)
	}
	e.MustPodlite("volume", "create", "vt")
	e.MustPodlite("network", "create", "--subnet", "10.231.13.0/24", "nt")
	for _, tc := range []struct{ noun, object, flag string }{
		{"volume", "vt", "-v=vt:/data"}, {"network", "nt", "--network=nt"},
	} {
		r := e.Podlite(tc.noun, "rm", "-t", "5", tc.object)
		if r.ExitCode != 125 || r.Stderr != "Error: --force option must be specified to use the --time option: invalid argument\n" {
			t.Errorf("%s rm -t without -f: exit %d stderr %q", tc.noun, r.ExitCode, r.Stderr)
		}
		user(tc.noun+"-stopped", tc.flag)
		e.MustPodlite(tc.noun, "rm", "-f", "-t", "5", tc.object)
		if b, err := os.ReadFile(filepath.Join(out, tc.noun+"-stopped")); err != nil || strings.TrimSpace(string(b)) != "term" {
			t.Errorf("%s rm -f -t 5: the user did not get its stop signal (%q, %v)", tc.noun, b, err)
		}
		if r := e.Podlite("container", "exists", tc.noun+"-stopped"); r.ExitCode != 1 {
			t.Errorf("%s rm -f -t 5 left its user: exit %d", tc.noun, r.ExitCode)
		}
	}
	// --force alone kills at once: no stop signal.
	e.MustPodlite("volume", "create", "vk")
	user("killed", "-v=vk:/data")
	e.MustPodlite("volume", "rm", "-f", "vk")
	if _, err := os.Stat(filepath.Join(out, "killed")); err == nil {
		t.Error("volume rm -f sent the stop signal; it kills at once without --time")
	}
}
