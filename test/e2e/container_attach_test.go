package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// inTerminal runs podlite under script(1), which gives it a pseudo-terminal
// of the given size, feeding it input step by step.
func inTerminal(t *testing.T, e *Env, size string, input []string, args ...string) (string, int) {
	t.Helper()
	cmdline := "stty " + size + "; exec " + strings.Join(e.Command(args...).Args, " ")
	cmd := exec.Command("script", "-qec", cmdline, "/dev/null")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for _, in := range input {
		time.Sleep(400 * time.Millisecond)
		if _, err := stdin.Write([]byte(in)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("podlite under a terminal did not finish; output so far:\n%s", out.String())
	}
	return strings.ReplaceAll(out.String(), "\r", ""), cmd.ProcessState.ExitCode()
}

func TestAttachTerminal(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-dit", "--name", "shell", img, "sh")

	// The attached terminal's size reaches the container; input and the
	// exit code go through.
	out, code := inTerminal(t, e, "rows 33 cols 101", []string{"stty size; echo mark-$((40+2))\n", "exit 3\n"}, "attach", "shell")
	if !strings.Contains(out, "33 101\n") || !strings.Contains(out, "mark-42") {
		t.Fatalf("attach output:\n%s", out)
	}
	if code != 3 {
		t.Fatalf("attach exit code %d, want the container's 3", code)
	}

	// The detach keys leave the container running.
	e.MustPodlite("start", "shell")
	_, code = inTerminal(t, e, "rows 24 cols 80", []string{"echo still\n", "\x10\x11"}, "attach", "shell")
	if code != 0 {
		t.Fatalf("detaching exited %d, want 0", code)
	}
	if got := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "shell").Stdout; got != "running\n" {
		t.Fatalf("after detaching the container is %q", got)
	}
	expectOneLineError(t, e.Podlite("attach", "--detach-keys", "ctrl-1", "shell"))
}

func TestRunTerminal(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	out, code := inTerminal(t, e, "rows 40 cols 120", []string{"stty size; tty\n", "exit 5\n"}, "run", "-it", "--name", "fg", img, "sh")
	if !strings.Contains(out, "40 120\n") || !strings.Contains(out, "/dev/pts/") {
		t.Fatalf("run -it output:\n%s", out)
	}
	if code != 5 {
		t.Fatalf("run -it exit code %d, want 5", code)
	}
	// The terminal's output went to the log too.
	if logs := e.MustPodlite("logs", "fg").Stdout; !strings.Contains(logs, "/dev/pts/") {
		t.Fatalf("run -it output missing from the log:\n%s", logs)
	}
}

// TestAttachSigProxy: attach passes the signals it receives on to the
// container (--sig-proxy, the default); the container's trap sees them.
func TestAttachSigProxy(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--net", "none", "--name", "trapper", img, "sh", "-c",
		`trap "echo got-usr1" USR1; while :; do sleep 0.1; done`)
	attach := e.Command("attach", "--no-stdin", "trapper")
	if err := attach.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = attach.Process.Kill()
		_ = attach.Wait()
	}()
	// A USR1 before the attach is up would end podlite itself: wait for
	// its attach event and a moment more.
	waitFor(t, func() bool {
		return e.MustPodlite("events", "--stream=false", "--filter", "container=trapper", "--filter", "event=attach").Stdout != ""
	})
	time.Sleep(300 * time.Millisecond)
	waitFor(t, func() bool {
		if err := attach.Process.Signal(syscall.SIGUSR1); err != nil {
			t.Fatalf("attach ended before passing a signal on: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
		return strings.Contains(e.MustPodlite("logs", "trapper").Stdout, "got-usr1")
	})
}
