package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

const journaldBinary = "/lib/systemd/systemd-journald"

// startPrivateJournal runs systemd-journald in a mount namespace of its
// own, with tmpfs over the journal's sockets and files, and returns its
// PID: podlite run in that namespace (Env.MountPID) logs to and reads from
// this journal, the host's /run and /var/log stay as they were. The
// journal goes with t, after the envs made after this call.
func startPrivateJournal(t *testing.T) int {
	t.Helper()
	requireRoot(t)
	requireTool(t, "journalctl", "systemd")
	if _, err := os.Stat(journaldBinary); err != nil {
		t.Fatalf("%s is not installed: contrib/setup.sh installs it (systemd)", journaldBinary)
	}
	var mounts []string
	for _, d := range []string{"/run/systemd", "/run/log", "/var/log/journal"} {
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("%s is missing: the private journal mounts a tmpfs over it (%v)", d, err)
		}
		mounts = append(mounts, "mount -t tmpfs tmpfs "+d)
	}
	cmd := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
		strings.Join(mounts, " && ")+" && exec "+journaldBinary)
	out, err := os.CreateTemp("", "journald-*.log")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting journald: %v", err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil && !strings.Contains(err.Error(), "terminated") {
			t.Errorf("journald: %v", err)
		}
	})
	socket := fmt.Sprintf("/proc/%d/root/run/systemd/journal/socket", pid)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(socket); err == nil {
			return pid
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(out.Name())
			t.Fatalf("the private journald made no socket: %s", b)
		}
	}
}

// journalEntries are the journal's entries with field=value, as
// journalctl shows them in JSON, read in the journal's namespace.
func journalEntries(t *testing.T, pid int, match string) []map[string]any {
	t.Helper()
	out, err := exec.Command("nsenter", fmt.Sprintf("--mount=/proc/%d/ns/mnt", pid), "--",
		"journalctl", "-o", "json", "--no-pager", match).Output()
	if err != nil {
		t.Fatalf("journalctl %s: %v", match, err)
	}
	var entries []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var e map[string]any
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("journalctl's entry %q: %v", line, err)
		}
		entries = append(entries, e)
	}
	return entries
}

// TestLogsJournald checks the journald log driver against a private
// journald: the detached supervisor's and a foreground run's lines with
// conmon's fields (priorities 6 and 3, IDs, name, tag, a partial line),
// and logs reading them back: --tail, --until, --names of two
// containers, and -f of a running container to its exit.
func TestLogsJournald(t *testing.T) {
	pid := startPrivateJournal(t)
	e := NewEnv(t)
	e.MountPID = pid
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "bg", "--net", "none", "--log-driver", "journald", "--log-opt", "tag=web",
		img, "sh", "-c", "head -c 20000 /dev/zero | tr '\\0' x; echo; echo out1; echo err1 >&2; echo out2; printf part; sleep 1000").Stdout)
	e.MustPodlite("run", "-d", "-i", "--name", "att", "--net", "none", "--log-driver", "journald", "--log-opt", "tag={{.Name}}/t", img, "sh", "-c", "read x; echo got $x")
	if r := e.PodliteStdin("hello\n", "attach", "att"); r.ExitCode != 0 || r.Stdout != "got hello\n" {
		t.Errorf("attach to att: exit %d stdout %q stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	// The pause orders fg1 before fg2 and fg3 in the journal: the streams are
	// copied side by side.
	e.MustPodlite("run", "--name", "fg", "--net", "none", "--log-driver", "journald", img, "sh", "-c", "echo fg1; sleep 0.2; echo fg2 >&2; echo fg3")

	follow := e.Command("logs", "-f", "bg")
	var followOut strings.Builder
	follow.Stdout, follow.Stderr = &followOut, &followOut
	if err := follow.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		return strings.Contains(e.MustPodlite("logs", "bg").Stdout, "out2")
	})
	// Following from now on, it gets only the line the exit flushes.
	follow0 := e.Command("logs", "-f", "--tail", "0", "bg")
	var follow0Out strings.Builder
	follow0.Stdout, follow0.Stderr = &follow0Out, &follow0Out
	if err := follow0.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return childNamed(follow0.Process.Pid, "journalctl") })
	e.MustPodlite("stop", "-t", "0", "bg")
	for _, f := range []struct {
		cmd  *exec.Cmd
		out  *strings.Builder
		want func(string) bool
	}{
		{follow, &followOut, func(s string) bool {
			return strings.Contains(s, "out1\n") && strings.Contains(s, "out2\n") && strings.Contains(s, "err1\n") && strings.HasSuffix(s, "part")
		}},
		{follow0, &follow0Out, func(s string) bool { return s == "part" }},
	} {
		done := make(chan error, 1)
		go func() { done <- f.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil || !f.want(f.out.String()) {
				t.Errorf("%v of bg to its stop: %v %q", f.cmd.Args[len(f.cmd.Args)-4:], err, strings.ReplaceAll(f.out.String(), strings.Repeat("x", 20000), "X*20000"))
			}
		case <-time.After(20 * time.Second):
			_ = f.cmd.Process.Kill()
			t.Errorf("%v did not end with bg's stop: %q", f.cmd.Args, f.out.String())
		}
	}

	want := map[string]map[string]string{
		"out1\n":      {"PRIORITY": "6", "CONTAINER_ID": id[:12], "CONTAINER_ID_FULL": id, "CONTAINER_NAME": "bg", "CONTAINER_TAG": "web", "SYSLOG_IDENTIFIER": "web"},
		"err1\n":      {"PRIORITY": "3", "CONTAINER_TAG": "web"},
		"part":        {"PRIORITY": "6", "CONTAINER_PARTIAL_MESSAGE": "true"},
		"fg1\n":       {"PRIORITY": "6", "CONTAINER_NAME": "fg", "SYSLOG_IDENTIFIER": "fg", "CONTAINER_TAG": "<nil>"},
		"fg2\n":       {"PRIORITY": "3", "CONTAINER_NAME": "fg", "CONTAINER_PARTIAL_MESSAGE": "<nil>"},
		"got hello\n": {"CONTAINER_TAG": "att/t", "SYSLOG_IDENTIFIER": "att/t"},
	}
	got := map[string]map[string]any{}
	for _, name := range []string{"bg", "fg", "att"} {
		for _, m := range journalEntries(t, pid, "CONTAINER_NAME="+name) {
			if msg, ok := m["MESSAGE"].(string); ok {
				got[msg] = m
			}
		}
	}
	for msg, fields := range want {
		for k, v := range fields {
			if g := fmt.Sprint(got[msg][k]); g != v {
				t.Errorf("journal entry %q: %s=%s, want %s", msg, k, g, v)
			}
		}
	}

	for _, c := range []struct {
		args           []string
		stdout, stderr string
	}{
		{[]string{"logs", "fg"}, "fg1\nfg3\n", "fg2\n"},
		{[]string{"logs", "--tail", "2", "fg"}, "fg3\n", "fg2\n"},
		{[]string{"logs", "--until", "2000-01-01T00:00:00Z", "fg"}, "", ""},
		{[]string{"logs", "--names", "fg", "bg"}, "fg fg1\nfg fg3\nbg " + strings.Repeat("x", 20000) + "\nbg out1\nbg out2\nbg part", "fg fg2\nbg err1\n"},
	} {
		r := e.MustPodlite(c.args...)
		if r.Stdout != c.stdout || r.Stderr != c.stderr {
			t.Errorf("%v: stdout %q stderr %q, want %q %q", c.args, r.Stdout, r.Stderr, c.stdout, c.stderr)
		}
	}
}

// TestLogsJournaldMatchesPodman runs the same containers on podlite and
// podman 4.3.1 (conmon) against one private journal and compares the
// entries they write (conmon's fields, IDs normalized) and what logs
// reads back, for a detached and a foreground run.
func TestLogsJournaldMatchesPodman(t *testing.T) {
	pid := startPrivateJournal(t)
	e, pm, img := NewPodlitePodman(t)
	e.MountPID = pid
	// podman runs in the journal's namespace through a wrapper kept with
	// its own files (its cleanup runs it too).
	wrapper := filepath.Join(filepath.Dir(pm.Root), "podman-in-journal")
	script := fmt.Sprintf("#!/bin/sh\nexec nsenter --mount=/proc/%d/ns/mnt -- %s \"$@\"\n", pid, pm.Bin)
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	pm.Bin = wrapper
	cmd := "echo out; echo err >&2; sleep 0.2; printf part"
	for _, c := range []struct {
		name string
		args []string
	}{
		{"detached", []string{"run", "-d", "--name", "jd", "--net", "none", "--log-driver", "journald", "--log-opt", "tag=web", img, "sh", "-c", cmd}},
		{"foreground", []string{"run", "--name", "jf", "--net", "none", "--log-driver", "journald", img, "sh", "-c", cmd}},
	} {
		t.Run(c.name, func(t *testing.T) {
			mine, theirs := e.Podlite(c.args...), pm.Result(c.args...)
			name := c.args[slices.Index(c.args, "--name")+1]
			e.Podlite("wait", name)
			pm.Result("wait", name)
			id := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.ID}}", name).Stdout)
			pmID := strings.TrimSpace(pm.Result("inspect", "--format", "{{.ID}}", name).Stdout)
			if mine.Stdout != theirs.Stdout && c.name == "foreground" || mine.ExitCode != theirs.ExitCode {
				t.Errorf("run: podlite %d %q, podman %d %q %q", mine.ExitCode, mine.Stdout, theirs.ExitCode, theirs.Stdout, theirs.Stderr)
			}
			if got, want := normalizedEntries(t, pid, id), normalizedEntries(t, pid, pmID); got != want {
				t.Errorf("journal entries:\npodlite %s\npodman  %s", got, want)
			}
			l, p := e.Podlite("logs", name), pm.Result("logs", name)
			if l.Stdout != p.Stdout || l.Stderr != p.Stderr {
				t.Errorf("logs: podlite %q %q, podman %q %q", l.Stdout, l.Stderr, p.Stdout, p.Stderr)
			}
		})
	}
}

// normalizedEntries are the container's journal entries as text: conmon's
// fields only, its IDs replaced, stdout and stderr apart (their relative
// order is the copiers').
func normalizedEntries(t *testing.T, pid int, id string) string {
	t.Helper()
	var streams [2][]string
	for _, m := range journalEntries(t, pid, "CONTAINER_ID_FULL="+id) {
		var b strings.Builder
		for _, k := range []string{"MESSAGE", "PRIORITY", "CONTAINER_ID", "CONTAINER_ID_FULL", "CONTAINER_NAME", "CONTAINER_TAG", "SYSLOG_IDENTIFIER", "CONTAINER_PARTIAL_MESSAGE"} {
			v := fmt.Sprint(m[k])
			v = strings.ReplaceAll(strings.ReplaceAll(v, id, "ID"), id[:12], "ID12")
			fmt.Fprintf(&b, "%s=%q ", k, v)
		}
		i := 0
		if m["PRIORITY"] == "3" {
			i = 1
		}
		streams[i] = append(streams[i], b.String())
	}
	return strings.Join(streams[0], "\n") + "\n" + strings.Join(streams[1], "\n")
}

// childNamed says whether the process pid has a child whose command is
// comm.
func childNamed(pid int, comm string) bool {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// "PID (COMM) STATE PPID ...": COMM may hold spaces.
		i := strings.LastIndexByte(string(b), ')')
		fields := strings.Fields(string(b[i+1:]))
		if i > 0 && len(fields) > 1 && fields[1] == fmt.Sprint(pid) && strings.HasSuffix(string(b[:i]), "("+comm) {
			return true
		}
	}
	return false
}
