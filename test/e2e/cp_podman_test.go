package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCpDiffMatchPodman runs the same containers on podlite and podman
// 4.3.1 and compares, where 4.3.1 agrees with podman 5's documentation:
// cp's messages and exit codes for missing sources and destinations,
// globs, directories onto files, stdin that is no tar or goes to a file;
// what cp makes (names, types, owners with and without --archive, modes,
// "dir/.", --overwrite);
// diff's lines and JSON for a container and an image, and its errors;
// image mount's listing and JSON keys.
func TestCpDiffMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	host := t.TempDir()
	if err := os.WriteFile(filepath.Join(host, "plain"), []byte("plain\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	setup := "mkdir -p /d/sub && echo f > /d/f && echo g > /d/sub/g && echo a > /file && rm /etc/group"
	for _, run := range []func(args ...string){
		func(args ...string) { e.MustPodlite(args...) },
		func(args ...string) { pm.MustRun(args...) },
	} {
		run("run", "-d", "--name", "c1", "--network", "none", img, "sleep", "1000")
		run("exec", "c1", "sh", "-c", setup)
	}
	both := func(t *testing.T, stdin string, args ...string) (podlite, podman *Result) {
		t.Helper()
		return e.PodliteStdin(stdin, args...), pm.ResultStdin(stdin, args...)
	}
	t.Run("cp errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"c1:/nope", host}, {"c1:/d/*", host}, {host + "/*", "c1:/"}, {host + "/nope", "c1:/"},
			{"c1:/d", host + "/nodir/x"}, {"c1:/d", host + "/plain"}, {host, "c1:/file"},
			{"c1:/file", "c1:/nodir/x"}, {"nosuch:/a", host}, {"c1:/file", host + "/nodir/"},
			{host + "/plain", "c1:/nodir/"}, {"c1:/d", "c1:/file"}, {host + "/plain", host + "/x"}, {"c1:", host},
			{"c1:nope", host},
		} {
			args = append([]string{"cp"}, args...)
			ours, theirs := both(t, "", args...)
			if ours.ExitCode != 125 || ours.ExitCode != theirs.ExitCode || strings.TrimSpace(ours.Stderr) != strings.TrimSpace(theirs.Stderr) {
				t.Errorf("%v: podlite exit %d %q, podman exit %d %q", args, ours.ExitCode, ours.Stderr, theirs.ExitCode, theirs.Stderr)
			}
		}
		for _, c := range []struct{ stdin, dest string }{{"not a tar", "c1:/tmp"}, {"", "c1:/file"}, {"", "c1:/nodir"}} {
			ours, theirs := both(t, c.stdin, "cp", "-", c.dest)
			if ours.ExitCode != theirs.ExitCode || strings.TrimSpace(ours.Stderr) != strings.TrimSpace(theirs.Stderr) {
				t.Errorf("cp - %s: podlite exit %d %q, podman exit %d %q", c.dest, ours.ExitCode, ours.Stderr, theirs.ExitCode, theirs.Stderr)
			}
		}
	})
	// Not from a container into itself: podman 4.3.1 hangs there.
	t.Run("cp results", func(t *testing.T) {
		src := filepath.Join(host, "src")
		for _, p := range []string{"src/sub", "ow/f"} {
			if err := os.MkdirAll(filepath.Join(host, p), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(filepath.Join(src, "sub", "t"), []byte("t\n"), 0o640); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"src", "src/sub", "src/sub/t"} {
			if err := os.Lchown(filepath.Join(host, p), 1234, 1234); err != nil {
				t.Fatal(err)
			}
		}
		for _, args := range [][]string{
			{"cp", src, "c1:/a1"}, {"cp", "-a=false", src, "c1:/a2"}, {"cp", src + "/.", "c1:/newdot"},
			{"cp", src + "/.", "c1:/d"}, {"cp", src, "c1:/d"}, {"cp", host + "/plain", "c1:/file"},
			{"cp", host + "/ow/.", "c1:/d"}, {"cp", "--overwrite", host + "/ow/.", "c1:/d"},
		} {
			ours, theirs := both(t, "", args...)
			if (ours.ExitCode == 0) != (theirs.ExitCode == 0) {
				t.Errorf("%v: podlite exit %d %s, podman exit %d %s", args, ours.ExitCode, ours.Stderr, theirs.ExitCode, theirs.Stderr)
			}
		}
		list := []string{"exec", "c1", "sh", "-c", "find /a1 /a2 /newdot /d /file | sort | xargs stat -c '%n %F %u:%g %a %s'"}
		ours, theirs := both(t, "", list...)
		if ours.Stdout != theirs.Stdout || ours.ExitCode != 0 {
			t.Errorf("the copies differ:\npodlite\n%s%s\npodman\n%s", ours.Stdout, ours.Stderr, theirs.Stdout)
		}
	})
	t.Run("diff", func(t *testing.T) {
		for _, args := range [][]string{
			{"diff", "c1"}, {"container", "diff", "c1"}, {"diff", "--format", "json", "c1"}, {"diff", img},
			{"image", "diff", "--format", "json", img}, {"diff", "c1", img}, {"diff", "nosuch"},
			{"image", "diff", "c1"}, {"container", "diff", img}, {"diff", "--format", "table", "c1"},
		} {
			ours, theirs := both(t, "", args...)
			if ours.ExitCode != theirs.ExitCode || ours.Stdout != theirs.Stdout || strings.TrimSpace(ours.Stderr) != strings.TrimSpace(theirs.Stderr) {
				t.Errorf("%v:\npodlite exit %d\n%s%s\npodman exit %d\n%s%s", args, ours.ExitCode, ours.Stdout, ours.Stderr, theirs.ExitCode, theirs.Stdout, theirs.Stderr)
			}
		}
	})
	if out := e.MustPodlite("diff", "c1").Stdout; !strings.Contains(out, "D /etc/group\n") || !strings.Contains(out, "A /d/sub/g\n") {
		t.Errorf("diff c1 misses the container's changes:\n%s", out)
	}
	t.Run("image mount", func(t *testing.T) {
		ours, theirs := both(t, "", "image", "mount", img)
		if ours.ExitCode != 0 || theirs.ExitCode != 0 {
			t.Fatalf("image mount: podlite %s, podman %s", ours.Stderr, theirs.Stderr)
		}
		defer both(t, "", "image", "unmount", "--all")
		listing := func(r *Result) string { return strings.Join(strings.Fields(r.Stdout)[:1], " ") }
		ours, theirs = both(t, "", "image", "mount")
		if listing(ours) != listing(theirs) {
			t.Errorf("image mount listing: podlite %q, podman %q", ours.Stdout, theirs.Stdout)
		}
		keys := func(out string) []string {
			var items []map[string]any
			if err := json.Unmarshal([]byte(out), &items); err != nil || len(items) != 1 {
				t.Fatalf("image mount --format json: %v: %q", err, out)
			}
			var keys []string
			for k := range items[0] {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			return keys
		}
		ours, theirs = both(t, "", "image", "mount", "--format", "json")
		if o, p := keys(ours.Stdout), keys(theirs.Stdout); !slices.Equal(o, p) {
			t.Errorf("image mount --format json keys: podlite %v, podman %v", o, p)
		}
		for _, args := range [][]string{{"image", "mount", "--format", "{{.ID}}"}, {"image", "unmount"}, {"image", "mount", "-a", img}, {"image", "unmount", "nosuch"}} {
			ours, theirs := both(t, "", args...)
			if ours.ExitCode != theirs.ExitCode || strings.TrimSpace(ours.Stderr) != strings.TrimSpace(theirs.Stderr) {
				t.Errorf("%v: podlite exit %d %q, podman exit %d %q", args, ours.ExitCode, ours.Stderr, theirs.ExitCode, theirs.Stderr)
			}
		}
	})
}
