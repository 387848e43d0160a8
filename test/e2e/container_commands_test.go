package e2e

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// waitScript prints first, waits until /tmp/go exists, prints second and
// exits with code.
func waitScript(first, second, code string) string {
	return "echo " + first + "; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo " + second + "; exit " + code
}

// inspectField prints one Go-template field of ref.
func inspectField(e *Env, ref, tmpl string) string {
	e.T.Helper()
	return strings.TrimSuffix(e.MustPodlite("inspect", "--format", tmpl, ref).Stdout, "\n")
}

func TestKillSignal(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	// Names with and without SIG and numbers all work.
	e.MustPodlite("run", "-d", "--name", "usr2", img, "sh", "-c", trapScript("USR2"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "usr2").Stdout == "ready\n" })
	e.MustPodlite("kill", "--signal", "SIGUSR2", "usr2")
	if got := e.MustPodlite("wait", "usr2").Stdout; got != "7\n" {
		t.Fatalf("wait after kill --signal SIGUSR2: %q, want 7", got)
	}
	if out := e.MustPodlite("logs", "usr2").Stdout; out != "ready\ngot USR2\n" {
		t.Fatalf("logs: %q", out)
	}
	e.MustPodlite("run", "-d", "--name", "usr1", img, "sh", "-c", trapScript("USR1"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "usr1").Stdout == "ready\n" })
	e.MustPodlite("kill", "-s", "USR1", "usr1")
	if got := e.MustPodlite("wait", "usr1").Stdout; got != "7\n" {
		t.Fatalf("wait after kill -s USR1: %q, want 7", got)
	}
	expectOneLineError(t, e.Podlite("kill", "usr2"))
	e.MustPodlite("run", "-d", "--name", "k", img, "sleep", "1000")
	expectOneLineError(t, e.Podlite("kill", "-s", "NOSUCHSIG", "k"))
	e.MustPodlite("kill", "-s", "9", "k")
	if got := e.MustPodlite("wait", "k").Stdout; got != "137\n" {
		t.Fatalf("wait after kill -s 9: %q, want 137", got)
	}
}

func TestRestartCommand(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "rs", img, "sh", "-c", "echo started; sleep 1000")
	waitFor(t, func() bool { return e.MustPodlite("logs", "rs").Stdout == "started\n" })
	first := inspectField(e, "rs", "{{.State.StartedAt}}")
	pid1 := inspectField(e, "rs", "{{.State.Pid}}")
	e.MustPodlite("restart", "-t", "0", "rs")
	if got := inspectField(e, "rs", "{{.State.Status}}"); got != "running" {
		t.Fatalf("after restart: %q", got)
	}
	if second := inspectField(e, "rs", "{{.State.StartedAt}}"); second == first {
		t.Fatalf("StartedAt did not change: %s", second)
	}
	if pid2 := inspectField(e, "rs", "{{.State.Pid}}"); pid2 == pid1 || pid2 == "0" {
		t.Fatalf("Pid after restart %s (before %s)", pid2, pid1)
	}
	waitFor(t, func() bool { return e.MustPodlite("logs", "rs").Stdout == "started\nstarted\n" })
	// restart starts a stopped container too.
	e.MustPodlite("stop", "-t", "0", "rs")
	e.MustPodlite("restart", "rs")
	if got := inspectField(e, "rs", "{{.State.Status}}"); got != "running" {
		t.Fatalf("restart of a stopped container: %q", got)
	}
	expectOneLineError(t, e.Podlite("restart", "nosuch"))
}

func TestLogsFollow(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "follow", img, "sh", "-c", waitScript("one", "two", "3"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "follow").Stdout == "one\n" })
	cmd := e.Command("logs", "-f", "follow")
	lines := streamLines(t, cmd)
	if l := <-lines; l != "one" {
		t.Fatalf("first followed line %q", l)
	}
	// logs -f is still running while the container is.
	select {
	case l, ok := <-lines:
		t.Fatalf("logs -f printed %q (open %v) before the container wrote it", l, ok)
	case <-time.After(500 * time.Millisecond):
	}
	e.MustPodlite("exec", "follow", "touch", "/tmp/go")
	if l := <-lines; l != "two" {
		t.Fatalf("second followed line %q", l)
	}
	if l, ok := <-lines; ok {
		t.Fatalf("extra line %q", l)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("logs -f after the container exited: %v", err)
	}
	// Following an exited container prints everything and returns.
	if out := e.MustPodlite("logs", "-f", "follow").Stdout; out != "one\ntwo\n" {
		t.Fatalf("logs -f of an exited container: %q", out)
	}
}

func TestLogsSinceAndTimestamps(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "since", img, "sh", "-c", waitScript("early", "late", "0"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "since").Stdout == "early\n" })
	time.Sleep(1100 * time.Millisecond)
	mark := time.Now()
	time.Sleep(1100 * time.Millisecond)
	e.MustPodlite("exec", "since", "touch", "/tmp/go")
	e.MustPodlite("wait", "since")
	for _, since := range []string{mark.UTC().Format(time.RFC3339Nano), mark.Format(time.RFC3339)} {
		if out := e.MustPodlite("logs", "--since", since, "since").Stdout; out != "late\n" {
			t.Errorf("logs --since %s: %q", since, out)
		}
	}
	if out := e.MustPodlite("logs", "--since", "10m", "since").Stdout; out != "early\nlate\n" {
		t.Errorf("logs --since 10m: %q", out)
	}
	if out := e.MustPodlite("logs", "--until", mark.UTC().Format(time.RFC3339Nano), "since").Stdout; out != "early\n" {
		t.Errorf("logs --until: %q", out)
	}
	expectOneLineError(t, e.Podlite("logs", "--since", "yesterday-ish", "since"))

	out := e.MustPodlite("logs", "-t", "since").Stdout
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("logs -t: %q", out)
	}
	for i, want := range []string{"early", "late"} {
		ts, text, ok := strings.Cut(lines[i], " ")
		if !ok || text != want {
			t.Fatalf("logs -t line %d: %q", i, lines[i])
		}
		when, err := time.Parse(time.RFC3339Nano, ts)
		if err != nil {
			t.Fatalf("logs -t timestamp %q: %v", ts, err)
		}
		if (i == 0) != when.Before(mark) || time.Since(when) > time.Minute {
			t.Fatalf("logs -t timestamp %s for %q, mark %s", when, want, mark)
		}
	}
}

func TestStartAttach(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "sa", img, "sh", "-c", "echo out; echo err >&2; exit 3")
	r := e.Podlite("start", "-a", "sa")
	if r.ExitCode != 3 || r.Stdout != "out\n" || r.Stderr != "err\n" {
		t.Fatalf("start -a: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	if got := inspectField(e, "sa", "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 3" {
		t.Fatalf("after start -a: %q", got)
	}
	// Without -a, start prints the name and returns.
	if out := e.MustPodlite("start", "sa").Stdout; out != "sa\n" {
		t.Fatalf("start: %q", out)
	}

	e.MustPodlite("create", "-i", "--name", "cat", img, "cat")
	r = e.PodliteStdin("line 1\nline 2\n", "start", "-a", "-i", "cat")
	if r.ExitCode != 0 || r.Stdout != "line 1\nline 2\n" {
		t.Fatalf("start -a -i cat: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
}

func TestAttach(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "att", img, "sh", "-c", waitScript("before", "after", "5"))
	waitFor(t, func() bool { return e.MustPodlite("logs", "att").Stdout == "before\n" })
	cmd := e.Command("attach", "att")
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(15*time.Second, func() { _ = cmd.Process.Kill() })
	defer timer.Stop()
	time.Sleep(700 * time.Millisecond)
	e.MustPodlite("exec", "att", "touch", "/tmp/go")
	err := cmd.Wait()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code != 5 || !strings.HasSuffix(stdout.String(), "after\n") || strings.Count(stdout.String(), "after") != 1 {
		t.Fatalf("attach: exit %d, stdout %q", code, stdout.String())
	}
	expectOneLineError(t, e.Podlite("attach", "att"))
}

func TestLatest(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "older", img, "sh", "-c", "echo older; sleep 1000")
	time.Sleep(50 * time.Millisecond)
	e.MustPodlite("run", "-d", "--name", "newer", img, "sh", "-c", "echo newer; sleep 1000")
	if got := e.MustPodlite("inspect", "-l", "--format", "{{.Name}}").Stdout; got != "newer\n" {
		t.Fatalf("inspect -l: %q", got)
	}
	waitFor(t, func() bool { return e.MustPodlite("logs", "--latest").Stdout == "newer\n" })
	if got := e.MustPodlite("ps", "-l", "--format", "{{.Names}}").Stdout; got != "newer\n" {
		t.Fatalf("ps -l: %q", got)
	}
	e.MustPodlite("stop", "-l", "-t", "0")
	if got := e.MustPodlite("ps", "--format", "{{.Names}}").Stdout; got != "older\n" {
		t.Fatalf("after stop -l, running: %q", got)
	}
	expectOneLineError(t, e.Podlite("inspect", "-l", "older"))
}

func TestPsFiltersAndFormats(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "--name", "done", img, "true")
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "up", img, "sleep", "1000").Stdout)
	e.MustPodlite("create", "--name", "fresh", img, "true")
	for _, tc := range []struct{ filter, want string }{
		{"status=exited", "done\n"},
		{"status=running", "up\n"},
		{"status=created", "fresh\n"},
		{"name=fre", "fresh\n"},
		{"id=" + id[:12], "up\n"},
	} {
		if out := e.MustPodlite("ps", "-a", "--filter", tc.filter, "--format", "{{.Names}}").Stdout; out != tc.want {
			t.Errorf("ps -a --filter %s: %q, want %q", tc.filter, out, tc.want)
		}
	}
	expectOneLineError(t, e.Podlite("ps", "--filter", "color=blue"))

	out := e.MustPodlite("ps", "-a", "--format", "json").Stdout
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("ps --format json is not a JSON array: %v\n%s", err, out)
	}
	states := map[string]string{}
	for _, c := range list {
		var name string
		switch n := c["Names"].(type) {
		case []any:
			if len(n) == 1 {
				name, _ = n[0].(string)
			}
		case string:
			name = n
		}
		state, _ := c["State"].(string)
		states[name] = state
		if cid, _ := c["Id"].(string); name == "up" && (len(cid) < 12 || !strings.HasPrefix(id, cid)) {
			t.Errorf("ps json Id of up: %q, want (a prefix of) %q", cid, id)
		}
	}
	want := map[string]string{"done": "exited", "up": "running", "fresh": "created"}
	if len(states) != 3 || states["done"] != want["done"] || states["up"] != want["up"] || states["fresh"] != want["fresh"] {
		t.Fatalf("ps json states %v, want %v\n%s", states, want, out)
	}
	// Without -a only running ones; an empty list is [].
	e.MustPodlite("stop", "-t", "0", "up")
	out = strings.TrimSpace(e.MustPodlite("ps", "--format", "json").Stdout)
	if out != "[]" {
		t.Fatalf("ps --format json with nothing running: %q", out)
	}

	if got := e.MustPodlite("ps", "-a", "-q", "--no-trunc", "--filter", "name=up").Stdout; got != id+"\n" {
		t.Fatalf("ps -q --no-trunc: %q", got)
	}
	if got := e.MustPodlite("ps", "-a", "-q", "--filter", "name=up").Stdout; got != id[:12]+"\n" {
		t.Fatalf("ps -q: %q", got)
	}
	table := e.MustPodlite("ps", "-a", "--no-trunc", "--filter", "name=up").Stdout
	if !strings.Contains(table, id) || !strings.Contains(table, "sleep 1000") {
		t.Fatalf("ps --no-trunc table lacks the full ID or command:\n%s", table)
	}
}

func TestSystemPruneAndReset(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "--name", "stopped", img, "true")
	e.MustPodlite("create", "--name", "created", img, "true")
	e.MustPodlite("run", "-d", "--name", "running", img, "sleep", "1000")
	e.MustPodlite("system", "prune", "-f")
	if got := e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; got != "running\n" {
		t.Fatalf("after system prune -f: %q, want only the running container", got)
	}
	if got := e.MustPodlite("images", "-q").Stdout; got == "" {
		t.Fatal("system prune without -a removed the used image")
	}
	e.MustPodlite("volume", "create", "v1")
	e.MustPodlite("system", "reset", "-f")
	if got := e.MustPodlite("ps", "-a", "-q").Stdout; got != "" {
		t.Fatalf("ps -a after system reset: %q", got)
	}
	if got := e.MustPodlite("images", "-q").Stdout; got != "" {
		t.Fatalf("images after system reset: %q", got)
	}
	if got := e.MustPodlite("volume", "ls", "-q").Stdout; got != "" {
		t.Fatalf("volumes after system reset: %q", got)
	}
	// The env's network domain (its own, not the host's) is empty: no
	// other root uses it.
	if got := conflists(t, e); len(got) != 0 || linkExists(e.DefaultBridge) {
		t.Fatalf("networks after system reset: %v, bridge %s there: %v", got, e.DefaultBridge, linkExists(e.DefaultBridge))
	}
	// podlite still works afterwards.
	img = e.LoadBusybox()
	if out := e.MustPodlite("run", "--rm", img, "echo", "again").Stdout; out != "again\n" {
		t.Fatalf("run after reset: %q", out)
	}
}

func TestExecDetachAndUser(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "ex", img, "sleep", "1000")
	if out := e.MustPodlite("exec", "-u", "nobody", "ex", "id", "-u").Stdout; out != "65534\n" {
		t.Fatalf("exec -u nobody: %q", out)
	}
	if out := e.MustPodlite("exec", "-u", "65534:0", "ex", "sh", "-c", "id -u; id -g").Stdout; out != "65534\n0\n" {
		t.Fatalf("exec -u 65534:0: %q", out)
	}
	// -d prints the exec session's ID, as podman's, and leaves the process
	// running in the container.
	r := e.MustPodlite("exec", "-d", "ex", "sleep", "777")
	if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(r.Stdout) {
		t.Fatalf("exec -d printed %q, want a session ID", r.Stdout)
	}
	waitFor(t, func() bool { return strings.Contains(e.MustPodlite("top", "ex").Stdout, "sleep 777") })
	if out := e.MustPodlite("exec", "ex", "sh", "-c", "ps -o comm,args | grep -c '^sleep *sleep 777'").Stdout; out != "1\n" {
		t.Fatalf("exec -d process not visible inside: %q", out)
	}
}

func TestRestartPolicyAlways(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "always", "--restart", "always", img, "sh", "-c", "echo run; sleep 0.2")
	waitFor(t, func() bool {
		return strings.Count(e.MustPodlite("logs", "always").Stdout, "run\n") >= 3
	})
	e.MustPodlite("stop", "-t", "1", "always")
	if got := inspectField(e, "always", "{{.State.Status}}"); got != "exited" {
		t.Fatalf("after stop: %q", got)
	}
	count := inspectField(e, "always", "{{.RestartCount}}")
	runs := strings.Count(e.MustPodlite("logs", "always").Stdout, "run\n")
	time.Sleep(1500 * time.Millisecond)
	if got := inspectField(e, "always", "{{.State.Status}} {{.RestartCount}}"); got != "exited "+count {
		t.Fatalf("a stopped always-container came back: %q (was exited %s)", got, count)
	}
	if got := strings.Count(e.MustPodlite("logs", "always").Stdout, "run\n"); got != runs {
		t.Fatalf("ran %d times after stop, %d before", got, runs)
	}
}

// runWithTTY runs podlite with args under script(1), which gives it a
// pseudo-terminal, and returns the output with CRs removed.
func runWithTTY(t *testing.T, e *Env, args ...string) (string, int) {
	t.Helper()
	requireTool(t, "script", "apt-get install bsdutils")
	quoted := []string{podliteBinary}
	for _, a := range e.args(args) {
		quoted = append(quoted, "'"+strings.ReplaceAll(a, "'", `'\''`)+"'")
	}
	cmd := exec.Command("script", "-qec", strings.Join(quoted, " "), "/dev/null")
	cmd.Stdin = strings.NewReader("")
	done := time.AfterFunc(15*time.Second, func() { _ = cmd.Process.Kill() })
	defer done.Stop()
	out, err := cmd.Output()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(string(out), "\r", ""), code
}

func TestTTY(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	out, code := runWithTTY(t, e, "run", "--rm", "-t", img, "sh", "-c", "tty; test -t 0 && echo stdin-tty; test -t 1 && echo stdout-tty; exit 4")
	if code != 4 || !strings.HasPrefix(out, "/dev/pts/") || !strings.HasSuffix(out, "\nstdin-tty\nstdout-tty\n") {
		t.Fatalf("run -t: exit %d, output %q", code, out)
	}
	// Without -t the container has no terminal even when podlite has one.
	out, code = runWithTTY(t, e, "run", "--rm", img, "sh", "-c", "tty; true")
	if code != 0 || out != "not a tty\n" {
		t.Fatalf("run without -t: exit %d, output %q", code, out)
	}
	e.MustPodlite("run", "-d", "--name", "ttybox", img, "sleep", "1000")
	out, code = runWithTTY(t, e, "exec", "-t", "ttybox", "sh", "-c", "tty; test -t 1 && echo stdout-tty")
	if code != 0 || !strings.HasPrefix(out, "/dev/pts/") || !strings.HasSuffix(out, "\nstdout-tty\n") {
		t.Fatalf("exec -t: exit %d, output %q", code, out)
	}
	if got := inspectField(e, "ttybox", "{{.Config.Tty}}"); got != "false" {
		t.Fatalf("Config.Tty of a non-tty container: %q", got)
	}
}
