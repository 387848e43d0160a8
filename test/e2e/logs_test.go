package e2e

import (
	"bufio"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// logStamp is a k8s-file timestamp as logs -t prints it.
const logStamp = `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)`

// TestLogsSeveral: logs of several containers, each line prefixed as
// podman's (the short ID, the name under --names, then the timestamp),
// stdout and stderr kept apart, --tail per container, --color, and
// podman's refusals before anything is printed.
func TestLogsSeveral(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id1 := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "l1", img, "sh", "-c", "echo out1; echo err1 >&2").Stdout)
	id2 := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "l2", img, "sh", "-c", "echo out2a; echo out2b").Stdout)
	e.MustPodlite("wait", "l1", "l2")
	s1, s2 := id1[:12], id2[:12]
	for _, tc := range []struct {
		name           string
		args           []string
		stdout, stderr string
	}{
		{"short IDs", []string{"l1", "l2"}, s1 + " out1\n" + s2 + " out2a\n" + s2 + " out2b\n", s1 + " err1\n"},
		{"names", []string{"--names", "l2", "l1"}, "l2 out2a\nl2 out2b\nl1 out1\n", "l1 err1\n"},
		{"tail per container", []string{"-n", "--tail", "1", "l1", "l2"}, "l2 out2b\n", "l1 err1\n"},
		{"tail 0", []string{"--tail", "0", "l1", "l2"}, "", ""},
		{"one container has no prefix", []string{"-n", "l1"}, "out1\n", "err1\n"},
		{"color by position", []string{"--color", "l1", "l2"},
			"\033[37m" + s1 + " out1\033[0m\n\033[31m" + s2 + " out2a\033[0m\n\033[31m" + s2 + " out2b\033[0m\n", "\033[37m" + s1 + " err1\033[0m\n"},
		{"until before the output", []string{"--until", "2000-01-01", "l1", "l2"}, "", ""},
		{"latest", []string{"-l"}, "out2a\nout2b\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.MustPodlite(append([]string{"logs"}, tc.args...)...)
			if r.Stdout != tc.stdout || r.Stderr != tc.stderr {
				t.Errorf("logs %v:\nstdout %q want %q\nstderr %q want %q", tc.args, r.Stdout, tc.stdout, r.Stderr, tc.stderr)
			}
		})
	}
	t.Run("timestamps after the prefix", func(t *testing.T) {
		out := e.MustPodlite("container", "logs", "-t", "-n", "l1", "l2").Stdout
		if !regexp.MustCompile(`^l1 ` + logStamp + ` out1\nl2 ` + logStamp + ` out2a\nl2 ` + logStamp + ` out2b\n$`).MatchString(out) {
			t.Errorf("logs -t -n: %q", out)
		}
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no container", nil, "Error: specify at least one container name or ID to log: invalid argument\n"},
		{"latest and names", []string{"-l", "l1"}, "Error: --latest and containers cannot be used together: invalid argument\n"},
		{"a missing one", []string{"l1", "nosuch"}, "Error: no container with name or ID \"nosuch\" found: no such container\n"},
		{"bad since", []string{"--since", "bogus", "l1"}, "Error: parsing --since \"bogus\": unable to interpret time value: invalid argument\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Podlite(append([]string{"logs"}, tc.args...)...)
			if r.ExitCode != 125 || r.Stdout != "" || r.Stderr != tc.msg {
				t.Errorf("logs %v: exit %d stdout %q stderr %q, want 125 and %q", tc.args, r.ExitCode, r.Stdout, r.Stderr, tc.msg)
			}
		})
	}
}

// TestLogsFollowSeveral: logs -f over two running containers prints each
// one's lines as they come, prefixed by name, and returns once both exit.
func TestLogsFollowSeveral(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	for _, n := range []string{"f1", "f2"} {
		e.MustPodlite("run", "-d", "--network", "none", "--name", n, img, "sh", "-c", waitScript("first-"+n, "second-"+n, "0"))
	}
	cmd := e.Command("logs", "-f", "-n", "f1", "f2")
	lines := streamLines(t, cmd)
	got := map[string]bool{}
	for len(got) < 2 {
		got[<-lines] = true
	}
	if !got["f1 first-f1"] || !got["f2 first-f2"] {
		t.Fatalf("first lines: %v", got)
	}
	e.MustPodlite("exec", "f2", "touch", "/tmp/go")
	if l := <-lines; l != "f2 second-f2" {
		t.Fatalf("after f2 went on: %q", l)
	}
	e.MustPodlite("exec", "f1", "touch", "/tmp/go")
	if l := <-lines; l != "f1 second-f1" {
		t.Fatalf("after f1 went on: %q", l)
	}
	if l, ok := <-lines; ok {
		t.Fatalf("extra line %q", l)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("logs -f after both exited: %v", err)
	}
}

// streamLines starts cmd and sends each line of its standard output, then
// closes the channel at its end; cmd is killed if it runs for 20 s.
func streamLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(20*time.Second, func() { _ = cmd.Process.Kill() })
	t.Cleanup(func() { timer.Stop() })
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}
