package e2e

import (
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// termSession is podlite running under script(1), which gives it a
// pseudo-terminal; input is typed once the output shows what it waits for.
type termSession struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	mu    sync.Mutex
	out   strings.Builder
	done  chan struct{}
}

func startInTerminal(t *testing.T, e *Env, size string, args ...string) *termSession {
	t.Helper()
	quoted := e.Command(args...).Args
	for i, a := range quoted {
		quoted[i] = "'" + a + "'"
	}
	cmdline := "stty " + size + "; exec " + strings.Join(quoted, " ")
	s := &termSession{t: t, cmd: exec.Command("script", "-qec", cmdline, "/dev/null"), done: make(chan struct{})}
	var err error
	if s.stdin, err = s.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	s.cmd.Stdout, s.cmd.Stderr = s, s
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.done
	})
	return s
}

func (s *termSession) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out.Write(p)
}

func (s *termSession) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.ReplaceAll(s.out.String(), "\r", "")
}

// expect waits until the output has want in it, then types input.
func (s *termSession) expect(want, input string) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.output(), want) {
		if time.Now().After(deadline) {
			s.t.Fatalf("no %q in the terminal's output:\n%s", want, s.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := io.WriteString(s.stdin, input); err != nil {
		s.t.Fatal(err)
	}
}

// exit waits for podlite to end and returns its output and exit code.
func (s *termSession) exit() (string, int) {
	s.t.Helper()
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		s.t.Fatalf("podlite under a terminal did not finish; output so far:\n%s", s.output())
	}
	return s.output(), s.cmd.ProcessState.ExitCode()
}

// TestRunDetachKeys: a foreground run -it detaches on ctrl-p,ctrl-q (or
// --detach-keys) with the container left running for attach to rejoin;
// without detaching it ends with the container's exit code, --rm honoured;
// --detach-keys "" keeps the in-process run, which passes the keys on.
func TestRunDetachKeys(t *testing.T) {
	requireTool(t, "script", "apt-get install util-linux")
	e := NewEnv(t)
	img := e.LoadBusybox()
	status := func(name string) string {
		return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", name).Stdout)
	}

	s := startInTerminal(t, e, "rows 33 cols 101", "run", "-it", "--net", "none", "--name", "d1", img, "sh")
	s.expect("# ", "stty size; echo mark-$((40+2))\n")
	s.expect("mark-42", "\x10\x11")
	if out, code := s.exit(); code != 0 || !strings.Contains(out, "33 101\n") {
		t.Fatalf("detaching from run -it: exit %d, output:\n%s", code, out)
	}
	if got := status("d1"); got != "running" {
		t.Fatalf("after detaching d1 is %s", got)
	}
	a := startInTerminal(t, e, "rows 24 cols 80", "attach", "d1")
	a.expect("", "echo back-$((1+1))\n")
	a.expect("back-2", "exit 7\n")
	if out, code := a.exit(); code != 7 {
		t.Fatalf("attach after the detach: exit %d, want 7; output:\n%s", code, out)
	}

	// Not detached: the container's code, and --rm removes it before run ends.
	s = startInTerminal(t, e, "rows 24 cols 80", "run", "-it", "--rm", "--net", "none", "--name", "d2", img, "sh")
	s.expect("# ", "exit 5\n")
	if out, code := s.exit(); code != 5 {
		t.Fatalf("run -it --rm: exit %d, want 5; output:\n%s", code, out)
	}
	if r := e.Podlite("container", "exists", "d2"); r.ExitCode != 1 {
		t.Fatalf("run -it --rm left d2 behind (exists exits %d)", r.ExitCode)
	}

	// Custom keys; ctrl-p,ctrl-q then go to the container. Detached, --rm
	// is the supervisor's at the exit.
	s = startInTerminal(t, e, "rows 24 cols 80", "run", "-it", "--rm", "--net", "none", "--detach-keys", "ctrl-x,a", "--name", "d3", img, "sh")
	s.expect("# ", "\x10\x11echo custom\n")
	s.expect("custom\n", "\x18a")
	if out, code := s.exit(); code != 0 {
		t.Fatalf("detaching with ctrl-x,a: exit %d; output:\n%s", code, out)
	}
	if got := status("d3"); got != "running" {
		t.Fatalf("after detaching d3 is %s", got)
	}
	e.MustPodlite("stop", "-t", "0", "d3")
	waitFor(t, func() bool { return e.Podlite("container", "exists", "d3").ExitCode == 1 })

	// --detach-keys "": the keys reach the container; the run is podlite's own.
	s = startInTerminal(t, e, "rows 24 cols 80", "run", "-it", "--rm", "--net", "none", "--detach-keys", "", img, "sh")
	s.expect("# ", "\x10\x11echo still-$((3+3))\n")
	s.expect("still-6", "exit 4\n")
	if out, code := s.exit(); code != 4 {
		t.Fatalf(`run -it --detach-keys "": exit %d, want 4; output:\n%s`, code, out)
	}
}

// TestStartAttachDetachKeys: start --attach --interactive detaches the same
// way, and a later start -ai shows only the new run's output.
func TestStartAttachDetachKeys(t *testing.T) {
	requireTool(t, "script", "apt-get install util-linux")
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "-it", "--net", "none", "--name", "s1", img, "sh")
	s := startInTerminal(t, e, "rows 24 cols 80", "start", "-ai", "s1")
	s.expect("# ", "echo first-$((2+3))\n")
	s.expect("first-5", "\x10\x11")
	if out, code := s.exit(); code != 0 {
		t.Fatalf("detaching from start -ai: exit %d; output:\n%s", code, out)
	}
	if got := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "s1").Stdout; got != "running\n" {
		t.Fatalf("after detaching s1 is %q", got)
	}
	e.MustPodlite("stop", "-t", "0", "s1")
	s = startInTerminal(t, e, "rows 24 cols 80", "start", "-ai", "s1")
	s.expect("# ", "exit 6\n")
	out, code := s.exit()
	if code != 6 || strings.Contains(out, "first-5") {
		t.Fatalf("start -ai without detaching: exit %d, want 6, and no output of the last run:\n%s", code, out)
	}
}

// TestExecDetachKeys: exec -it detaches and leaves its process running,
// reaped later by its own supervisor; not detached, the code is the
// process's, exec_died records it, and no session file stays behind.
func TestExecDetachKeys(t *testing.T) {
	requireTool(t, "script", "apt-get install util-linux")
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--net", "none", "--name", "ex", img, "sleep", "1000").Stdout)
	sessions := func() []string {
		m, _ := filepath.Glob(filepath.Join(e.RunRoot, "containers", id, "exec-*"))
		return m
	}
	s := startInTerminal(t, e, "rows 24 cols 80", "exec", "-it", "ex", "sh", "-c", "echo $$ >/tmp/pid; echo in-exec; exec sleep 999")
	s.expect("in-exec", "\x10\x11")
	if out, code := s.exit(); code != 0 {
		t.Fatalf("detaching from exec -it: exit %d; output:\n%s", code, out)
	}
	if top := e.MustPodlite("top", "ex").Stdout; !strings.Contains(top, "sleep 999") {
		t.Fatalf("the detached exec's process is gone:\n%s", top)
	}
	if n := len(sessions()); n != 1 {
		t.Fatalf("%d exec sessions' files while one runs detached", n)
	}

	s = startInTerminal(t, e, "rows 31 cols 97", "exec", "-it", "ex", "sh")
	s.expect("# ", "stty size; exit 3\n")
	if out, code := s.exit(); code != 3 || !strings.Contains(out, "31 97\n") {
		t.Fatalf("exec -it: exit %d, want 3, and the terminal's size; output:\n%s", code, out)
	}
	if n := len(sessions()); n != 1 {
		t.Fatalf("%d exec sessions' files after an exec ended, want the detached one's only", n)
	}
	died := e.MustPodlite("events", "--stream=false", "--filter", "event=exec_died", "--format", "{{.ContainerExitCode}}").Stdout
	if !strings.Contains(died, "3\n") {
		t.Fatalf("exec_died events %q, want one with code 3", died)
	}
	// The detached process ends; its supervisor's cleanup removes its files.
	e.MustPodlite("exec", "ex", "sh", "-c", "kill $(cat /tmp/pid)")
	waitFor(t, func() bool { return len(sessions()) == 0 })
}
