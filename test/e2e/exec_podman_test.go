package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestExecAndLogsMatchPodman runs the same exec and logs commands on
// podman 4.3.1 and podlite where 4.3.1 agrees with podman 5's
// documentation: users and supplementary groups (`id`), the environment,
// capabilities, exit codes 126/127/125 and their messages (podman names
// its runtime, "runc: ", where podlite says "podlite: "), and logs' line
// prefixes and timestamps over several containers (sorted: podman prints
// them in no fixed order; IDs replaced by names). Left out where 4.3.1
// departs from the 5.x docs: its default capabilities (NET_RAW, MKNOD and
// AUDIT_WRITE, gone from 5.x's defaults), its 255 for exec without a
// command (125 documented), and the message for exec without a container,
// which 4.3.1 words without --cidfile.
func TestExecAndLogsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("A=file\nC=file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	engines := []struct {
		name string
		run  func(args ...string) *Result
		ids  *strings.Replacer
	}{{name: "podman", run: pm.Result}, {name: "podlite", run: e.Podlite}}
	for i, en := range engines {
		for _, args := range [][]string{
			{"run", "-d", "--network", "none", "--name", "box", img, "sleep", "1000"},
			{"run", "-d", "--network", "none", "--name", "l1", img, "sh", "-c", "echo out1; echo err1 >&2"},
			{"run", "-d", "--network", "none", "--name", "l2", img, "sh", "-c", "echo out2a; echo out2b"},
			{"wait", "l1", "l2"},
		} {
			if r := en.run(args...); r.ExitCode != 0 {
				t.Fatalf("%s %v: %d %s", en.name, args, r.ExitCode, r.Stderr)
			}
		}
		if r := addExecUsers(en.run, "box"); r.ExitCode != 0 {
			t.Fatalf("%s: adding users: %s", en.name, r.Stderr)
		}
		var pairs []string
		for _, n := range []string{"l1", "l2"} {
			pairs = append(pairs, strings.TrimSpace(en.run("inspect", "--format", "{{.Id}}", n).Stdout)[:12], "<"+n+">")
		}
		engines[i].ids = strings.NewReplacer(pairs...)
	}
	runtime := regexp.MustCompile(`(?m)^Error: (runc|podlite): `)
	stamps := regexp.MustCompile(logStamp)
	normalize := func(ids *strings.Replacer, s string) string {
		s = stamps.ReplaceAllString(ids.Replace(runtime.ReplaceAllString(s, "Error: RUNTIME: ")), "TS")
		lines := strings.Split(s, "\n")
		slices.Sort(lines)
		return strings.Join(lines, "\n")
	}
	same := func(args ...string) {
		t.Helper()
		p, l := engines[0].run(args...), engines[1].run(args...)
		pOut, lOut := normalize(engines[0].ids, p.Stdout), normalize(engines[1].ids, l.Stdout)
		pErr, lErr := normalize(engines[0].ids, p.Stderr), normalize(engines[1].ids, l.Stderr)
		if p.ExitCode != l.ExitCode || pOut != lOut || pErr != lErr {
			t.Errorf("%v:\npodman  exit %d stdout %q stderr %q\npodlite exit %d stdout %q stderr %q", args, p.ExitCode, pOut, pErr, l.ExitCode, lOut, lErr)
		}
	}
	for _, u := range []string{"app", "1000", "app:extra", "root", "0:3000", "1234", "nobody"} {
		same("exec", "-u", u, "box", "id")
	}
	same("exec", "box", "id")
	same("exec", "--env-file", envFile, "-e", "A=e", "box", "sh", "-c", "echo $A $C")
	same("exec", "-w", "/etc", "box", "pwd")
	same("exec", "--privileged", "box", "grep", "CapEff", "/proc/self/status")
	same("exec", "box", "nosuch")
	same("exec", "box", "/tmp/noexec")
	same("exec", "box", "sh", "-c", "exit 3")
	same("exec", "nosuch", "true")
	same("logs", "l1", "l2")
	same("logs", "--names", "l1", "l2")
	same("logs", "-t", "-n", "--tail", "1", "l1", "l2")
	same("logs", "-t", "l1")
	same("logs", "--names", "l1")
	same("logs", "--tail", "0", "l1", "l2")
	same("logs", "l1", "nosuch")
	// Same message, podman's 5.x documented 125 where 4.3.1 exits 255.
	if p, l := engines[0].run("exec", "box"), engines[1].run("exec", "box"); p.Stderr != l.Stderr || l.ExitCode != 125 {
		t.Errorf("exec without a command: podman %q, podlite exit %d %q", p.Stderr, l.ExitCode, l.Stderr)
	}
	// podlite adds its error class to these two of podman's messages.
	for _, args := range [][]string{{"logs"}, {"logs", "-l", "l1"}} {
		p, l := engines[0].run(args...), engines[1].run(args...)
		if p.ExitCode != l.ExitCode || !strings.HasPrefix(l.Stderr, strings.TrimSuffix(p.Stderr, "\n")) {
			t.Errorf("%v: podman exit %d %q, podlite exit %d %q", args, p.ExitCode, p.Stderr, l.ExitCode, l.Stderr)
		}
	}
	pm.MustRun("rm", "-f", "-t", "0", "box")
}
