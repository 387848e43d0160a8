package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestLifecycleSelectionFlags: the lifecycle verbs select containers by
// --filter (full IDs printed), --cidfile, --all (each verb's own states)
// and --ignore, and refuse what podman refuses.
func TestLifecycleSelectionFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	cid := filepath.Join(t.TempDir(), "b.cid")
	a := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "a", "-l", "tier=web", img, "sleep", "1000").Stdout)
	b := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "b", "--cidfile", cid, img, "sleep", "1000").Stdout)
	e.MustPodlite("create", "--network", "none", "--name", "c", img, "true")
	status := func(name string) string {
		return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", name).Stdout)
	}
	for _, tc := range []struct {
		args            []string
		out, who, state string // stdout; the state of who after
	}{
		{[]string{"stop", "-t", "0", "--filter", "label=tier=web"}, a, "a", "exited"},
		{[]string{"start", "--filter", "name=^a$"}, a, "a", "running"},
		{[]string{"restart", "-t", "0", "-f", "id=" + a[:12]}, a, "a", "running"},
		{[]string{"pause", "--cidfile", cid}, b, "b", "paused"},
		{[]string{"unpause", "--all"}, b, "b", "running"},
		{[]string{"stop", "-t", "0", "--cidfile", cid}, b, "b", "exited"},
		{[]string{"restart", "-t", "0", "--running"}, a, "b", "exited"},
		{[]string{"start", "--all"}, b + "\n" + lifecycleID(e, "c"), "b", "running"},
		{[]string{"kill", "--cidfile", cid}, b, "b", ""}, // exits soon after
		{[]string{"wait", "b"}, "137", "b", "exited"},
		{[]string{"stop", "-t", "0", "--ignore", "nosuch", "a"}, "a", "a", "exited"},
	} {
		r := e.MustPodlite(tc.args...)
		if got := strings.TrimSpace(r.Stdout); got != tc.out {
			t.Errorf("%v printed %q, want %q", tc.args, got, tc.out)
		}
		if got := status(tc.who); tc.state != "" && got != tc.state {
			t.Errorf("after %v: %s is %s, want %s", tc.args, tc.who, got, tc.state)
		}
	}
	e.MustPodlite("start", "a", "b")
	// stop --all stops the running containers only, and names them by ID.
	if got := e.MustPodlite("stop", "-t", "0", "--all").Stdout; got != a+"\n"+b+"\n" {
		t.Errorf("stop --all printed %q", got)
	}
	for _, bad := range [][]string{
		{"stop", "--filter", "name=a", "a"},                   // --filter takes no names
		{"rm", "-t", "0", "a"},                                // -t needs -f
		{"stop", "--cidfile", cid + ".missing"},               // no such file
		{"start", "--filter", "bogus=1"},                      // ps's keys only
		{"restart", "--running", "a"},                         // --running takes no names
		{"start", "-a", "--sig-proxy=false", "a"},             // always proxies
		{"start", "-a", "-i", "--detach-keys", "ctrl-x", "a"}, // stdin is no terminal: cannot detach
	} {
		expectErrorExit(t, e.Podlite(bad...), 125)
	}
	if r := e.MustPodlite("stop", "--ignore", "--cidfile", cid+".missing"); r.Stdout != "" {
		t.Errorf("stop --ignore of a missing cidfile printed %q", r.Stdout)
	}
	// rm -f -t stops with the stop signal first (sleep, as PID 1, ignores it: killed after 1 s).
	e.MustPodlite("start", "a")
	if got := e.MustPodlite("rm", "-f", "-t", "1", "a").Stdout; got != "a\n" {
		t.Errorf("rm -f -t 1 a printed %q", got)
	}
	c := lifecycleID(e, "c")
	if got := e.MustPodlite("rm", "--filter", "name=^c$").Stdout; got != c+"\n" {
		t.Errorf("rm --filter printed %q, want c's ID", got)
	}
}

// lifecycleID returns a container's full ID.
func lifecycleID(e *Env, name string) string {
	return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", name).Stdout)
}

// TestWaitFlags: wait's conditions, interval, --ignore and
// --exit-first-match, with podman's codes (-1 for conditions other than
// stopped/exited).
func TestWaitFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--network", "none", "--name", "up", img, "sleep", "1000")
	if r := e.Podlite("run", "--network", "none", "--name", "three", img, "sh", "-c", "exit 3"); r.ExitCode != 3 {
		t.Fatalf("run three: exit %d: %s", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("create", "--network", "none", "--name", "fresh", img, "true")
	for _, tc := range []struct {
		args []string
		out  string
	}{
		{[]string{"wait", "three"}, "3"},
		{[]string{"wait", "fresh"}, "0"}, // never ran: stopped already
		{[]string{"wait", "--condition", "running", "up"}, "-1"},
		{[]string{"wait", "--condition", "created", "--condition", "running", "fresh"}, "-1"},
		{[]string{"wait", "--condition", "exited", "-i", "10", "three"}, "3"},
		{[]string{"wait", "--interval", "20ms", "three", "fresh"}, "3\n0"},
		{[]string{"wait", "--ignore", "nosuch", "three"}, "-1\n3"},
		{[]string{"wait", "--exit-first-match", "up", "three"}, "3"},
	} {
		if got := strings.TrimSpace(e.MustPodlite(tc.args...).Stdout); got != tc.out {
			t.Errorf("%v printed %q, want %q", tc.args, got, tc.out)
		}
	}
	for _, bad := range [][]string{
		{"wait", "--condition", "bogus", "up"}, {"wait", "--condition", "healthy", "up"},
		{"wait", "--interval", "soon", "up"}, {"wait", "nosuch"},
	} {
		expectErrorExit(t, e.Podlite(bad...), 125)
	}
}

// TestRmDepend: a container whose network namespace others joined is
// refused with podman's message unless --depend, which removes them
// first and prints every ID; rm -a orders them the same way.
func TestRmDepend(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	x := strings.TrimSpace(e.MustPodlite("create", "--network", "none", "--name", "x", img, "sleep", "100").Stdout)
	y := strings.TrimSpace(e.MustPodlite("create", "--network", "container:x", "--name", "y", img, "true").Stdout)
	z := strings.TrimSpace(e.MustPodlite("create", "--network", "container:y", "--name", "z", img, "true").Stdout)
	want := "Error: container " + x + " has dependent containers which must be removed before it: " + y + ": container already exists\n"
	for _, args := range [][]string{{"rm", "x"}, {"rm", "-f", "x"}} {
		r := e.Podlite(args...)
		expectErrorExit(t, r, 125)
		if r.Stderr != want {
			t.Errorf("%v: stderr %q\nwant %q", args, r.Stderr, want)
		}
	}
	if got := e.MustPodlite("rm", "--depend", "x").Stdout; got != z+"\n"+y+"\n"+x+"\n" {
		t.Errorf("rm --depend x printed %q", got)
	}
	e.MustPodlite("create", "--network", "none", "--name", "x", img, "sleep", "100")
	e.MustPodlite("create", "--network", "container:x", "--name", "y", img, "true")
	if r := e.MustPodlite("rm", "-a"); strings.Count(r.Stdout, "\n") != 2 {
		t.Errorf("rm -a printed %q", r.Stdout)
	}
}

// TestInitThenStart: init prepares a container without running it
// (podman's "initialized"), start runs it, a second init is refused with
// podman's words, and rm of an initialized container releases its rootfs
// mount and network (the leak checker).
func TestInitThenStart(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("create", "--name", "i", img, "sleep", "1000").Stdout)
	if got := e.MustPodlite("init", "i").Stdout; got != "i\n" {
		t.Fatalf("init printed %q", got)
	}
	r := e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Pid}}", "i")
	if r.Stdout != "initialized 0\n" {
		t.Fatalf("after init: %q", r.Stdout)
	}
	if got := e.MustPodlite("ps", "-a", "--format", "{{.Status}}", "--filter", "status=initialized").Stdout; got != "Initialized\n" {
		t.Errorf("ps of an initialized container: %q", got)
	}
	r = e.Podlite("container", "init", "i")
	expectErrorExit(t, r, 125)
	if want := "Error: container " + id + " has already been created in runtime: container state improper\n"; r.Stderr != want {
		t.Errorf("second init: %q, want %q", r.Stderr, want)
	}
	e.MustPodlite("start", "i")
	if got := e.MustPodlite("exec", "i", "echo", "in").Stdout; got != "in\n" {
		t.Errorf("exec in the started container: %q", got)
	}
	// init reports its event; the start after it does not again.
	if got := e.MustPodlite("events", "--stream=false", "--filter", "container=i", "--filter", "event=init", "--filter", "event=start", "--format", "{{.Status}}").Stdout; got != "init\nstart\n" {
		t.Errorf("events of init then start: %q", got)
	}
	e.MustPodlite("stop", "-t", "0", "i")
	// Exited containers can be initialized again; --all takes them.
	e.MustPodlite("create", "--name", "j", img, "true")
	if got := e.MustPodlite("init", "--all").Stdout; strings.Count(got, "\n") != 2 {
		t.Errorf("init --all printed %q", got)
	}
	e.MustPodlite("rm", "i", "j")
	e.leaks.check()
}

// TestRmForceAfterSupervisorKilled: with its supervisor SIGKILLed, a
// running container is still removed by rm -f: its process killed, its
// network and rootfs released (the leak checker, before the cleanup's own
// rm -af could hide anything).
func TestRmForceAfterSupervisorKilled(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "orphan", img, "sleep", "1000")
	pids := strings.Fields(e.MustPodlite("inspect", "--format", "{{.State.ConmonPid}} {{.State.Pid}}", "orphan").Stdout)
	supervisor, _ := strconv.Atoi(pids[0])
	pid, _ := strconv.Atoi(pids[1])
	if supervisor <= 0 || pid <= 0 {
		t.Fatalf("inspect pids: %v", pids)
	}
	if err := syscall.Kill(supervisor, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return lifecycleProcessGone(pids[0]) })
	if got := e.MustPodlite("rm", "-f", "orphan").Stdout; got != "orphan\n" {
		t.Errorf("rm -f printed %q", got)
	}
	if !lifecycleProcessGone(pids[1]) {
		t.Errorf("the container's process %d survived rm -f", pid)
	}
	e.leaks.check()
}

// lifecycleProcessGone reports whether process pid is gone or a zombie its parent has yet
// to reap.
func lifecycleProcessGone(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	return err != nil || strings.Contains(string(stat), ") Z ")
}

// TestContainerClone: clone recreates a container from its create
// command line with a new name (NAME-clone by default), the resources
// given, --run, --destroy and --pod; bad resource values, an unknown pod
// and a --destroy of a running original without --force are refused
// before anything is created.
func TestContainerClone(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--network", "none", "--name", "web", "-l", "tier=web", "-m", "32m", img, "sleep", "1000")
	format := "{{.Name}} {{.State.Status}} {{.HostConfig.Memory}} {{.Config.Labels.tier}}"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"container", "clone", "web"}, "web-clone created 33554432 web"},
		{[]string{"container", "clone", "--name", "w2", "-m", "64m", "--run", "web"}, "w2 running 67108864 web"},
		{[]string{"container", "clone", "web", "w3"}, "w3 created 33554432 web"},
	} {
		id := strings.TrimSpace(e.MustPodlite(tc.args...).Stdout)
		if got := strings.TrimSpace(e.MustPodlite("inspect", "--format", format, id).Stdout); got != tc.want {
			t.Errorf("%v: the clone is %q, want %q", tc.args, got, tc.want)
		}
	}
	for _, bad := range [][]string{
		{"container", "clone", "--cpu-shares", "lots", "web"},
		{"container", "clone", "--pod", "nosuchpod", "web"},
		{"container", "clone", "-f", "web"},
		{"container", "clone", "--destroy", "--name", "w4", "web"},
		{"container", "clone", "nosuch"},
	} {
		expectErrorExit(t, e.Podlite(bad...), 125)
	}
	if r := e.Podlite("container", "exists", "w4"); r.ExitCode != 1 {
		t.Errorf("a refused clone --destroy left its clone behind")
	}
	checkClonePods(e, img)
	e.MustPodlite("container", "clone", "--destroy", "-f", "--name", "w4", "web")
	got := e.MustPodlite("ps", "-a", "--format", "{{.Names}}", "--sort", "names").Stdout
	if got != "w2\nw3\nw4\nweb-clone\n" {
		t.Errorf("after clone --destroy: %q", got)
	}
}

// TestContainerCleanup: a user's container cleanup refuses a running
// container in podman's words, and with --rm removes exited ones, printing
// them as given; --exec is refused.
func TestContainerCleanup(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--net", "none", "--name", "up", img, "sleep", "1000").Stdout)
	r := e.Podlite("container", "cleanup", "up")
	expectErrorExit(t, r, 125)
	if want := "Error: failed to clean up container " + id + ": container " + id + " is running or paused, refusing to clean up: container state improper\n"; r.Stderr != want {
		t.Errorf("cleanup of a running container: %q, want %q", r.Stderr, want)
	}
	e.MustPodlite("run", "--net", "none", "--name", "done", img, "true")
	if got := e.MustPodlite("container", "cleanup", "done").Stdout; got != "done\n" {
		t.Errorf("cleanup printed %q", got)
	}
	e.MustPodlite("container", "exists", "done")
	if got := e.MustPodlite("container", "cleanup", "--rm", "done").Stdout; got != "done\n" {
		t.Errorf("cleanup --rm printed %q", got)
	}
	if r := e.Podlite("container", "exists", "done"); r.ExitCode != 1 {
		t.Errorf("cleanup --rm kept the container: exit %d", r.ExitCode)
	}
	expectOneLineError(t, e.Podlite("container", "cleanup", "--exec", "abc", "up"))
}

// checkClonePods checks clone's resource flags over the original's, and
// pods: --pod moves the clone into an existing pod (the original's
// --network dropped: it takes the pod's hostname), and the clone of a
// container that made its pod (--pod new:NAME) joins that pod.
func checkClonePods(e *Env, img string) {
	t := e.T
	id := strings.TrimSpace(e.MustPodlite("container", "clone", "--cpu-shares", "512", "--memory-reservation", "16m",
		"--device-read-bps", rootDevice(t).path+":1mb", "web", "w5").Stdout)
	format := "{{.HostConfig.Memory}} {{.HostConfig.CpuShares}} {{.HostConfig.MemoryReservation}} {{len .HostConfig.BlkioDeviceReadBps}}"
	if got := e.MustPodlite("inspect", "--format", format, id).Stdout; got != "33554432 512 16777216 1\n" {
		t.Errorf("clone with resource flags: %q", got)
	}
	e.MustPodlite("rm", "w5")
	e.MustPodlite("pod", "create", "--network", "none", "--name", "p1")
	e.MustPodlite("container", "clone", "--pod", "p1", "--run", "web", "inp1")
	if got := e.MustPodlite("exec", "inp1", "hostname").Stdout; got != "p1\n" {
		t.Errorf("hostname of a clone moved into pod p1: %q", got)
	}
	e.MustPodlite("create", "--pod", "new:p2", "--network", "none", "--name", "made", img, "true")
	e.MustPodlite("container", "clone", "made", "inp2")
	for pod, want := range map[string]string{"p1": "inp1\n", "p2": "inp2\nmade\n"} {
		if got := e.MustPodlite("ps", "-a", "--filter", "pod="+pod, "--sort", "names", "--format", "{{.Names}}").Stdout; !strings.HasSuffix(got, want) {
			t.Errorf("containers of pod %s: %q, want %q after its infra", pod, got, want)
		}
	}
	e.MustPodlite("pod", "rm", "-f", "p1", "p2")
}
