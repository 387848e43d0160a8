package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// eventLine is an event as `events --format json` prints it.
type eventLine struct {
	ID, Name, Image, Status, Type string
	Network                       string `json:"network"`
	TimeNano                      int64  `json:"timeNano"`
	ContainerExitCode             *int
	Attributes                    map[string]string
}

func parseEvents(t *testing.T, out string) []eventLine {
	t.Helper()
	var list []eventLine
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var e eventLine
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("event %q: %v", line, err)
		}
		list = append(list, e)
	}
	return list
}

// follower is a running `podlite events` whose output is collected.
type follower struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out bytes.Buffer
}

// followEvents starts `events ARGS` and returns once it follows the log
// (it holds events.log open).
func followEvents(t *testing.T, e *Env, args ...string) *follower {
	t.Helper()
	f := &follower{cmd: e.Command(append([]string{"events"}, args...)...)}
	stdout, err := f.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			f.mu.Lock()
			f.out.WriteString(sc.Text() + "\n")
			f.mu.Unlock()
		}
	}()
	t.Cleanup(func() { _ = f.cmd.Process.Kill(); _ = f.cmd.Wait() })
	logPath := filepath.Join(e.RunRoot, "events", "events.log")
	waitFor(t, func() bool {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", f.cmd.Process.Pid))
		for _, fd := range fds {
			if target, _ := os.Readlink(fd); target == logPath {
				return true
			}
		}
		return false
	})
	return f
}

func (f *follower) text() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

// TestEventsLifecycle follows the log while one container goes through
// podlite's verbs (and a volume, a network, an image name), then reads
// the log back with filters, times and formats.
func TestEventsLifecycle(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	fl := followEvents(t, e, "--format", "json")

	e.MustPodlite("run", "-d", "--name", "c1", "-l", "tier=web", img, "sleep", "1000")
	for _, verb := range [][]string{
		{"pause", "c1"}, {"unpause", "c1"}, {"exec", "c1", "true"}, {"kill", "-s", "USR1", "c1"},
		{"restart", "-t", "0", "c1"}, {"container", "checkpoint", "c1"}, {"container", "restore", "c1"},
		{"stop", "-t", "0", "c1"}, {"mount", "c1"}, {"unmount", "c1"},
		{"rename", "c1", "c2"}, {"rm", "c2"},
		{"volume", "create", "v1"}, {"volume", "rm", "v1"},
		{"network", "create", "evnet"}, {"network", "rm", "evnet"},
		{"tag", img, "localhost/extra:1"}, {"rmi", "localhost/extra:1"},
	} {
		e.MustPodlite(verb...)
	}
	const wantEvents = 31
	waitFor(t, func() bool { return strings.Count(fl.text(), "\n") >= wantEvents })
	if err := fl.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := fl.cmd.Wait(); err != nil {
		t.Errorf("events ended by SIGINT: %v", err)
	}
	streamed := parseEvents(t, fl.text())
	var got []string
	for _, ev := range streamed {
		got = append(got, ev.Type+" "+ev.Status)
	}
	want := []string{
		"container create", "container init", "container start", "container pause", "container unpause",
		"container exec", "container exec_died", "container kill", "container stop", "container died",
		"container cleanup", "container init", "container start", "container restart",
		"container cleanup", "container checkpoint", "container restore", "container stop",
		"container died", "container cleanup", "container mount", "container unmount", "container rename",
		"container remove", "volume create", "volume remove", "network create", "network remove",
		"image tag", "image untag", "image remove",
	}
	if !slices.Equal(got, want) || len(want) != wantEvents {
		t.Errorf("streamed events:\n got %q\nwant %q", got, want)
	}
	c := streamed[0]
	if len(c.ID) != 64 || c.Name != "c1" || c.Image != img || c.Attributes["tier"] != "web" || c.TimeNano == 0 {
		t.Errorf("create event: %+v", c)
	}
	for _, ev := range streamed {
		if ev.Status == "died" && (ev.ContainerExitCode == nil || *ev.ContainerExitCode != 137) {
			t.Errorf("died event without exit code 137: %+v", ev)
		}
	}
	checkEventQueries(t, e, streamed)
}

// checkEventQueries reads the log of TestEventsLifecycle back.
func checkEventQueries(t *testing.T, e *Env, streamed []eventLine) {
	t.Helper()
	id := streamed[0].ID
	count := func(args ...string) int {
		t.Helper()
		out := e.MustPodlite(append([]string{"events", "--stream=false", "--format", "{{.Type}}"}, args...)...).Stdout
		return strings.Count(out, "\n")
	}
	pause := time.Unix(0, streamed[3].TimeNano)
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--filter", "event=start"}, 2},
		{[]string{"--filter", "container=c1"}, 22},
		{[]string{"--filter", "container=" + id[:12]}, 24},
		{[]string{"--filter", "event=create", "--filter", "event=remove"}, 7},
		{[]string{"--filter", "event=create", "--filter", "type=volume"}, 1},
		{[]string{"--filter", "type=network"}, 2},
		{[]string{"--filter", "network=evnet"}, 2},
		{[]string{"--filter", "volume=v1"}, 2},
		{[]string{"--filter", "image=localhost/extra:1"}, 3},
		{[]string{"--filter", "label=tier=web"}, 24},
		{[]string{"--filter", "label=tier=db"}, 0},
		{[]string{"--filter", "type=container", "--since", pause.Add(-time.Nanosecond).Format(time.RFC3339Nano)}, 21},
		{[]string{"--filter", "type=container", "--until", pause.Format(time.RFC3339Nano)}, 3},
	} {
		if got := count(tc.args...); got != tc.want {
			t.Errorf("events %v: %d events, want %d", tc.args, got, tc.want)
		}
	}
	r := e.MustPodlite("events", "--stream=false", "--filter", "event=create", "--filter", "type=container", "--no-trunc=false")
	if want := " container create " + id[:12] + " (image=" + BusyboxImage + ", name=c1, tier=web)\n"; !strings.HasSuffix(r.Stdout, want) {
		t.Errorf("default format: %q, want suffix %q", r.Stdout, want)
	}
	r = e.MustPodlite("events", "--stream=false", "--filter", "event=died", "--format", "{{.Name}} {{.ContainerExitCode}} {{.Status}} {{.Type}} {{len .ID}}")
	if r.Stdout != "c1 137 died container 64\nc1 137 died container 64\n" {
		t.Errorf("--format template: %q", r.Stdout)
	}
	// --until a moment ahead follows the log until then.
	start := time.Now()
	r = e.MustPodlite("events", "--until", "1s", "--filter", "type=volume", "--format", "{{.Status}}")
	if took := time.Since(start); r.Stdout != "create\nremove\n" || took < time.Second || took > 10*time.Second {
		t.Errorf("events --until 1s: %q after %v", r.Stdout, took)
	}
	for _, bad := range [][]string{{"--filter", "bogus=1"}, {"--filter", "event"}, {"--since", "yesterday"}, {"--format", "{{.Bogus}}"}} {
		if r := e.Podlite(append([]string{"events", "--stream=false"}, bad...)...); r.ExitCode != 125 || r.Stdout != "" {
			t.Errorf("events %v: exit %d, stdout %q", bad, r.ExitCode, r.Stdout)
		}
	}
}

// TestEventsBackends: with `none` nothing is written and events refuses
// to read; concurrent writers leave whole lines. An attached run that
// exits on its own logs its start and its death.
func TestEventsBackends(t *testing.T) {
	e := NewEnv(t)
	logPath := filepath.Join(e.RunRoot, "events", "events.log")
	img := e.LoadBusybox()
	if r := e.Podlite("run", "--name", "once", img, "sh", "-c", "exit 3"); r.ExitCode != 3 {
		t.Fatalf("run once: exit %d: %s", r.ExitCode, r.Stderr)
	}
	format := "{{.Status}} {{if .ContainerExitCode}}{{.ContainerExitCode}}{{end}}"
	if out := e.MustPodlite("events", "--stream=false", "--filter", "container=once", "--format", format).Stdout; out != "create \ninit \nstart \ndied 3\ncleanup \n" {
		t.Errorf("events of an attached run: %q", out)
	}
	if err := os.Remove(logPath); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("--events-backend", "none", "volume", "create", "quiet")
	if _, err := os.Stat(logPath); !os.IsNotExist(err) {
		t.Errorf("events-backend none wrote %s (%v)", logPath, err)
	}
	if r := e.Podlite("--events-backend", "none", "events", "--stream=false"); r.ExitCode != 125 || !strings.Contains(r.Stderr, `"none" backend`) {
		t.Errorf("events with the none backend: exit %d: %s", r.ExitCode, r.Stderr)
	}
	const n = 12
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e.MustPodlite("volume", "create", fmt.Sprintf("par%d", i))
		}()
	}
	wg.Wait()
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if lines := parseEvents(t, string(b)); len(lines) != n {
		t.Errorf("%d concurrent creates logged %d events", n, len(lines))
	}
}
