package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestPodVerbs: one pod with a static address, the pod's hosts and DNS
// entries and the infra supervisor's PID file serves top, logs, pause,
// unpause, restart, kill, inspect, the pod's events and prune; nothing is
// left.
func TestPodVerbs(t *testing.T) {
	n := newNetEnv(t, "pltestpodv")
	img := n.LoadBusybox()
	n.MustPodlite("network", "create", "--subnet", "10.214.52.0/24", "--interface-name", "pltestpodv", "podv")
	pidFile := filepath.Join(t.TempDir(), "infra.pid")
	podID := strings.TrimSpace(n.MustPodlite("pod", "create", "--name", "vp", "--network", "podv",
		"--ip", "10.214.52.9", "--mac-address", "92:d0:c6:0a:29:33", "--add-host", "db.example:10.1.2.3",
		"--dns", "10.214.52.53", "--infra-conmon-pidfile", pidFile).Stdout)
	if r := n.Podlite("run", "--rm", "--pod", "vp", "--add-host", "x:1.2.3.4", img, "true"); r.ExitCode != 125 ||
		!strings.Contains(r.Stderr, "extra host entries must be specified on the pod") {
		t.Errorf("--add-host on a member: exit %d, %q", r.ExitCode, r.Stderr)
	}
	n.MustPodlite("run", "-d", "--pod", "vp", "--name", "talker", img, "sh", "-c", "echo hello from talker; while :; do sleep 1; done")
	n.MustPodlite("run", "-d", "--pod", "vp", "--name", "other", img, "sh", "-c", "echo hi from other; exec sleep 1000")
	ids := map[string]string{}
	for _, c := range []string{"talker", "other"} {
		ids[c] = strings.TrimSpace(n.MustPodlite("inspect", "--format", "{{.Id}}", c).Stdout)[:12]
	}

	podVerbsNetwork(t, n, pidFile)
	podVerbsTopLogs(t, n, ids)
	podVerbsStats(t, n, podID)

	// inspect finds the pod; --type pod too.
	infra := n.infraOf("vp")
	for _, args := range [][]string{{"inspect"}, {"inspect", "--type", "pod"}} {
		var got []struct {
			ID               string `json:"Id"`
			InfraContainerID string
		}
		if err := json.Unmarshal([]byte(n.MustPodlite(append(args, "vp")...).Stdout), &got); err != nil || len(got) != 1 ||
			got[0].ID != podID || got[0].InfraContainerID != infra {
			t.Errorf("podlite %v vp: %+v, %v", args, got, err)
		}
	}

	status := func() string { return n.MustPodlite("pod", "ps", "--format", "{{.Status}}").Stdout }
	for _, step := range []struct{ verb, want string }{{"pause", "Paused\n"}, {"unpause", "Running\n"}} {
		verb, want := step.verb, step.want
		if got := n.MustPodlite("pod", verb, "vp").Stdout; got != podID+"\n" {
			t.Errorf("pod %s printed %q", verb, got)
		}
		if got := status(); got != want {
			t.Errorf("after pod %s: %q, want %q", verb, got, want)
		}
		if verb == "pause" {
			if got := n.MustPodlite("inspect", "--format", "{{.State.Status}}", "talker").Stdout; got != "paused\n" {
				t.Errorf("talker after pod pause: %q", got)
			}
		}
	}
	n.MustPodlite("pod", "restart", "-t", "1", "--latest")
	if got := n.MustPodlite("logs", "talker").Stdout; got != "hello from talker\nhello from talker\n" {
		t.Errorf("talker's logs after pod restart: %q, want two starts", got)
	}
	if got := n.MustPodlite("pod", "kill", "-s", "KILL", "vp").Stdout; got != podID+"\n" {
		t.Errorf("pod kill printed %q", got)
	}
	waitFor(t, func() bool { return status() == "Exited\n" })
	if got := n.MustPodlite("inspect", "--format", "{{.State.ExitCode}}", "other").Stdout; got != "137\n" {
		t.Errorf("other's exit code after pod kill: %q", got)
	}
	if got := n.MustPodlite("pod", "prune", "-f").Stdout; got != podID+"\n" {
		t.Errorf("pod prune printed %q", got)
	}
	got := n.MustPodlite("events", "--stream=false", "--filter", "pod=vp", "--format", "{{.Type}} {{.Status}}").Stdout
	if want := "pod create\npod pause\npod unpause\npod stop\npod start\npod kill\npod remove\n"; got != want {
		t.Errorf("the pod's events:\n%s\nwant\n%s", got, want)
	}
	n.MustPodlite("network", "rm", "podv")
	n.podsExpectNothingLeft()
}

// podVerbsNetwork checks the pod's static address and MAC, its hosts and
// DNS entries as a member sees them, and the infra supervisor's PID file.
func podVerbsNetwork(t *testing.T, n *netEnv, pidFile string) {
	t.Helper()
	got := n.MustPodlite("exec", "talker", "sh", "-c", "ip addr show eth0; cat /etc/hosts /etc/resolv.conf").Stdout
	for _, want := range []string{"inet 10.214.52.9/24", "link/ether 92:d0:c6:0a:29:33", "10.1.2.3\tdb.example", "nameserver 10.214.52.53"} {
		if !strings.Contains(got, want) {
			t.Errorf("a member of the pod lacks %q in:\n%s", want, got)
		}
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || syscall.Kill(pid, 0) != nil {
		t.Fatalf("--infra-conmon-pidfile holds %q: not a live process", b)
	}
	infraPID := strings.TrimSpace(n.MustPodlite("inspect", "--format", "{{.State.Pid}}", n.infraOf("vp")).Stdout)
	if strconv.Itoa(pid) == infraPID {
		t.Errorf("--infra-conmon-pidfile holds the infra's own PID %d, not its supervisor's", pid)
	}
}

// podVerbsTopLogs checks pod top over every container and pod logs with
// podman's prefixes, -c and --names.
func podVerbsTopLogs(t *testing.T, n *netEnv, ids map[string]string) {
	t.Helper()
	top := n.MustPodlite("pod", "top", "vp").Stdout
	if !strings.HasPrefix(top, "USER") || strings.Count(top, "USER") != 1 ||
		!strings.Contains(top, "/podlite-pause") || !strings.Contains(top, "sleep 1000") {
		t.Errorf("pod top printed:\n%s", top)
	}
	if got := n.MustPodlite("pod", "top", "vp", "pid,args").Stdout; !strings.HasPrefix(got, "PID") || !strings.Contains(got, "sleep 1000") {
		t.Errorf("pod top vp pid,args printed:\n%s", got)
	}
	want := ids["talker"] + " hello from talker\n" + ids["other"] + " hi from other\n"
	if got := n.MustPodlite("pod", "logs", "vp").Stdout; got != want {
		t.Errorf("pod logs printed %q, want %q", got, want)
	}
	if got := n.MustPodlite("pod", "logs", "-c", "other", "vp").Stdout; got != "hi from other\n" {
		t.Errorf("pod logs -c other printed %q", got)
	}
	if got := n.MustPodlite("pod", "logs", "--names", "vp").Stdout; got != "talker hello from talker\nother hi from other\n" {
		t.Errorf("pod logs --names printed %q", got)
	}
}

// podVerbsStats checks pod stats: a row per running container of the pod
// (the infra first), podman's table header and JSON keys.
func podVerbsStats(t *testing.T, n *netEnv, podID string) {
	t.Helper()
	var rows []struct{ Pod, CID, Name, CPU, MemUsage, PIDS string }
	out := n.MustPodlite("pod", "stats", "--no-stream", "--format", "json", "vp").Stdout
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("pod stats --format json: %v: %s", err, out)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r.Name)
		if r.Pod != podID[:12] || len(r.CID) != 12 || !strings.HasSuffix(r.CPU, "%") || !strings.Contains(r.MemUsage, " / ") || r.PIDS == "0" {
			t.Errorf("pod stats row: %+v", r)
		}
	}
	if got := strings.Join(names, " "); got != podID[:12]+"-infra talker other" {
		t.Errorf("pod stats containers: %q", got)
	}
	table := n.MustPodlite("pod", "stats", "--no-stream").Stdout
	if first := strings.Fields(strings.SplitN(table, "\n", 2)[0]); strings.Join(first, " ") != "POD CID NAME CPU % MEM USAGE/ LIMIT MEM % NET IO BLOCK IO PIDS" {
		t.Errorf("pod stats header: %q", first)
	}
}

// infraOf is the infra container's ID of pod.
func (n *netEnv) infraOf(pod string) string {
	return strings.TrimSpace(n.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).Stdout)
}
