package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// crashEnv is an Env whose config names a CNI plugin directory of symlinks to the host's plugins (so a test can
// take one away), and one network on a bridge of its own (so the veths on
// it are this test's).
type crashEnv struct {
	*Env
	plugins, bridge, img string
	// mounts are the mount points under the env's dirs after the set-up:
	// shared ones that stay by design (the netns directory's bind mount).
	mounts []string
}

const (
	crashNetwork = "crashnet"
	crashSubnet  = "10.231.7.0/24"
)

func newCrashEnv(t *testing.T, bridge string) *crashEnv {
	t.Helper()
	e := NewEnv(t)
	e.crashBinary() // fail early without it
	dir := filepath.Dir(e.Root)
	c := &crashEnv{Env: e, plugins: filepath.Join(dir, "cni"), bridge: bridge}
	linkPlugins(t, c.plugins)
	e.CNIPluginDirs = []string{c.plugins}
	e.WriteConfig()
	t.Cleanup(func() {
		// Before NewEnv's cleanup (cleanups run last first): the network
		// goes with its bridge and firewall chains, which would outlive
		// this env's configuration directory.
		c.Podlite("rm", "-af")
		if r := c.Podlite("network", "rm", "-f", crashNetwork); r.ExitCode != 0 && !strings.Contains(r.Stderr, "not found") {
			t.Errorf("network rm %s: %s", crashNetwork, r.Stderr)
		}
		if exec.Command("ip", "link", "show", bridge).Run() == nil {
			if out, err := exec.Command("ip", "link", "del", bridge).CombinedOutput(); err != nil {
				t.Errorf("deleting bridge %s: %v: %s", bridge, err, out)
			}
		}
	})
	c.img = e.LoadBusybox()
	c.MustPodlite("network", "create", "--subnet", crashSubnet, "--interface-name", bridge, crashNetwork)
	// One container run and removed, so the shared mounts and the network
	// exist before the baseline is taken.
	c.MustPodlite("run", "--rm", "--network", crashNetwork, c.img, "true")
	c.mounts = mountsUnder(t, dir)
	return c
}

// linkPlugins fills dir with symlinks to every CNI plugin of the host.
func linkPlugins(t *testing.T, dir string) {
	t.Helper()
	src := ""
	for _, d := range []string{"/usr/local/libexec/cni", "/usr/libexec/cni", "/usr/lib/cni", "/opt/cni/bin"} {
		if _, err := os.Stat(filepath.Join(d, "bridge")); err == nil {
			src = d
			break
		}
	}
	if src == "" {
		t.Fatal("no CNI plugins found (apt-get install containernetworking-plugins)")
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		if err := os.Symlink(filepath.Join(src, en.Name()), filepath.Join(dir, en.Name())); err != nil {
			t.Fatal(err)
		}
	}
}

// status is the container's status as `ps -a` shows it, "" when ps does
// not list it. ps must work whatever a crash left.
func (c *crashEnv) status(name string) string {
	c.T.Helper()
	for _, l := range outputLines(c.MustPodlite("ps", "-a", "--format", "{{.Names}} {{.State}}").Stdout) {
		if n, st, _ := strings.Cut(l, " "); n == name {
			return st
		}
	}
	return ""
}

func (c *crashEnv) inspect(name, format string) string {
	c.T.Helper()
	return strings.TrimSpace(c.MustPodlite("inspect", "--format", format, name).Stdout)
}

// expectStatus fails unless ps shows name with status want.
func (c *crashEnv) expectStatus(name, want string) {
	c.T.Helper()
	if got := c.status(name); got != want {
		c.T.Fatalf("container %s: status %q, want %q", name, got, want)
	}
}

// expectUsable runs a stopped container again: it must get one address
// on the network (no second lease beside a leaked one), stop and start.
func (c *crashEnv) expectUsable(name string) {
	c.T.Helper()
	if c.status(name) != "running" {
		c.MustPodlite("start", name)
	}
	c.expectStatus(name, "running")
	if ip := c.inspect(name, "{{.NetworkSettings.IPAddress}}"); net.ParseIP(ip) == nil {
		c.T.Errorf("container %s runs without an address: %q", name, ip)
	}
	if l := c.leases(); len(l) != 1 {
		c.T.Errorf("one container running, leases %v", l)
	}
	c.MustPodlite("stop", "-t", "0", name)
	c.expectStatus(name, "exited")
	c.MustPodlite("start", name)
	c.expectStatus(name, "running")
}

// leases lists the address leases in the env's network state directory.
func (c *crashEnv) leases() []string {
	c.T.Helper()
	var ips []string
	err := filepath.WalkDir(c.NetStateDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if !d.IsDir() && net.ParseIP(d.Name()) != nil {
			ips = append(ips, path)
		}
		return nil
	})
	if err != nil {
		c.T.Fatal(err)
	}
	return ips
}

// expectNothingLeft removes every container (rm -af) and checks that
// nothing of container id is left: record, storage, files, mounts,
// namespace, lease, lock, veth, processes and cgroups.
func (c *crashEnv) expectNothingLeft(id string) {
	c.T.Helper()
	c.MustPodlite("rm", "-af")
	if got := c.MustPodlite("ps", "-aq").Stdout; got != "" {
		c.T.Errorf("containers left after rm -af: %q", got)
	}
	for _, p := range []string{
		filepath.Join(c.Root, "containers", id), filepath.Join(c.RunRoot, "containers", id),
		filepath.Join(c.RunRoot, "runtime", id), filepath.Join(c.RunRoot, "locks", id),
		filepath.Join(c.RunRoot, "netns", id),
	} {
		if _, err := os.Stat(p); err == nil {
			c.T.Errorf("left after rm -af: %s", p)
		}
	}
	stores, _ := filepath.Glob(filepath.Join(c.Root, "storage", "*-containers", "containers.json"))
	for _, s := range stores {
		if b, err := os.ReadFile(s); err == nil && strings.Contains(string(b), id) {
			c.T.Errorf("storage still has a rootfs for %s (%s)", id, s)
		}
	}
	if l := c.leases(); len(l) != 0 {
		c.T.Errorf("leases left: %v", l)
	}
	if extra := added(c.mounts, mountsUnder(c.T, filepath.Dir(c.Root))); len(extra) != 0 {
		c.T.Errorf("mounts left: %v", extra)
	}
	if v := vethsOn(c.T, c.bridge); len(v) != 0 {
		c.T.Errorf("veths left on %s: %v", c.bridge, v)
	}
	// The supervisor's cleanup may still be on its way out.
	deadline := time.Now().Add(20 * time.Second)
	for {
		procs, cgroups := processesOf(id), cgroupsOf(id)
		if len(procs)+len(cgroups) == 0 {
			break
		}
		if time.Now().After(deadline) {
			c.T.Errorf("left for %s: processes %q, cgroups %q", id, procs, cgroups)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mountsUnder lists the mount points at or below dir.
func mountsUnder(t *testing.T, dir string) []string {
	t.Helper()
	points, err := mountPointsUnder(dir)
	if err != nil {
		t.Fatal(err)
	}
	return points
}

func vethsOn(t *testing.T, bridge string) []string {
	t.Helper()
	out, err := exec.Command("ip", "-o", "link", "show", "type", "veth", "master", bridge).CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "does not exist") {
			return nil
		}
		t.Fatalf("ip link show master %s: %v: %s", bridge, err, out)
	}
	return outputLines(string(out))
}

// processesOf lists the processes whose command line or cgroup names id:
// the container's own, its supervisor, its cleanup.
func processesOf(id string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmdline, _ := os.ReadFile(filepath.Join(d, "cmdline"))
		cgroup, _ := os.ReadFile(filepath.Join(d, "cgroup"))
		if strings.Contains(string(cmdline), id) || strings.Contains(string(cgroup), id) {
			out = append(out, filepath.Base(d)+" "+strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}
	return out
}

// cgroupsOf lists the cgroup directories made for container id.
func cgroupsOf(id string) []string {
	v1, _ := filepath.Glob("/sys/fs/cgroup/*/podlite/" + id)
	v2, _ := filepath.Glob("/sys/fs/cgroup/podlite/" + id)
	return append(v1, v2...)
}

// newID returns the one entry of ROOT/containers that before did not have.
func (c *crashEnv) newID(before []string) string {
	c.T.Helper()
	ids := added(before, c.containerDirs())
	if len(ids) != 1 {
		c.T.Fatalf("want one new container directory, got %v", ids)
	}
	return ids[0]
}

func (c *crashEnv) containerDirs() []string {
	entries, _ := os.ReadDir(filepath.Join(c.Root, "containers"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// TestCrashLifecycle kills podlite for real at every crash point of
// create, start, stop and rm (crashpoint.All, so a new point is tested
// without changing this test) and checks what the next podlite makes of
// it: ps works, the container is usable or cleanly gone, the next command
// on it succeeds or says why, and rm -af leaves nothing behind.
func TestCrashLifecycle(t *testing.T) {
	tests := map[string]func(c *crashEnv, point string){
		"create": crashCreate,
		"start":  crashStart,
		"stop":   crashStop,
		"rm":     crashRm,
	}
	for _, point := range crashpoint.All() {
		test, ok := tests[crashpoint.Verb(point)]
		if !ok {
			continue // another verb's points have their own test
		}
		t.Run(point, func(t *testing.T) { test(newCrashEnv(t, "plcrash0"), point) })
	}
}

// crashCreate: killed before the record is written, the container does not
// exist, its name is free and rm -af removes its rootfs and files; killed
// after, it is a normal created container.
func crashCreate(c *crashEnv, point string) {
	before := c.containerDirs()
	c.CrashAt(point, "create", "--name", "c1", "--network", crashNetwork, c.img, "sleep", "1000")
	id := c.newID(before)
	if point == crashpoint.CreateStateSaved {
		c.expectStatus("c1", "created")
		c.expectUsable("c1")
	} else {
		c.expectStatus("c1", "")
		c.MustPodlite("create", "--name", "c1", "--network", crashNetwork, c.img, "sleep", "1000")
		c.expectUsable("c1")
	}
	c.expectNothingLeft(id)
}

// crashStart: a start killed before it recorded the container as running
// is undone (or, once the container runs, recorded) by the next command;
// starting again gives the container one address, not a second lease.
func crashStart(c *crashEnv, point string) {
	id := strings.TrimSpace(c.MustPodlite("create", "--name", "s1", "--network", crashNetwork, c.img, "sleep", "1000").Stdout)
	c.CrashAt(point, "start", "s1")
	switch st := c.status("s1"); point {
	case crashpoint.StartBeforeState, crashpoint.StartStateSaved:
		// The container runs; ps says so before anything is recorded.
		if st != "running" {
			c.T.Errorf("after a crash at %s, ps shows %q, want running", point, st)
		}
	default:
		if st != "created" {
			c.T.Errorf("after a crash at %s, ps shows %q, want created", point, st)
		}
	}
	c.expectUsable("s1")
	c.expectNothingLeft(id)
}

// crashStop: killed in stop, the container is stopped by the next stop
// (stopping) or its exit is recorded by the supervisor's cleanup; killed in
// the cleanup itself (the container exits on its own), the next command
// records the exit from the exit file left in the run directory.
func crashStop(c *crashEnv, point string) {
	id := strings.TrimSpace(c.MustPodlite("run", "-d", "--name", "p1", "--network", crashNetwork, c.img, "sleep", "1000").Stdout)
	c.CrashAt(point, "stop", "-t", "0", "p1")
	if point == crashpoint.StopStoppingSaved {
		// The stop died before signalling: the container still runs, and
		// the next command that locks it (inspect) says so.
		if got := c.inspect("p1", "{{.State.Status}}"); got != "running" {
			c.T.Fatalf("after a stop killed before its signal: status %q, want running", got)
		}
		c.MustPodlite("stop", "-t", "0", "p1")
	}
	waitFor(c.T, func() bool { return c.status("p1") == "exited" })
	c.expectUsable("p1")
	c.expectNothingLeft(id)

	if point == crashpoint.StopStoppingSaved {
		return // the exit recording never passes there
	}
	// The cleanup run by the supervisor is the process that dies.
	r := c.ArmedCommand(point, "run", "-d", "--name", "p2", "--network", crashNetwork, c.img, "sleep", "1")
	if r.ExitCode != 0 {
		c.T.Fatalf("run -d with the crash binary: %d: %s", r.ExitCode, r.Stderr)
	}
	id = strings.TrimSpace(r.Stdout)
	exitFile := filepath.Join(c.RunRoot, "containers", id, "exit")
	waitFor(c.T, func() bool {
		_, err := os.Stat(exitFile)
		return err == nil && len(processesOf(id)) == 0
	})
	// The cleanup was killed before it removed the run directory.
	if _, err := os.Stat(exitFile); err != nil {
		c.T.Fatalf("the cleanup did not die at %s: %v", point, err)
	}
	c.expectStatus("p2", "exited")
	if got := c.inspect("p2", "{{.State.ExitCode}}"); got != "0" {
		c.T.Errorf("exit code %s, want 0 (from the exit file)", got)
	}
	c.expectUsable("p2")
	c.expectNothingLeft(id)
}

// crashRm: a removal killed before it deleted the record leaves the
// container "removing": start refuses it in one line naming rm -f, and
// rm -f finishes it; killed after, only the lock file is left, which rm -af
// removes.
func crashRm(c *crashEnv, point string) {
	run := []string{"run", "-d"}
	if point == crashpoint.RmRecordDeleted {
		// Never started: no supervisor's cleanup waits on the lock to
		// free the lock file before rm -af gets to it.
		run = []string{"create"}
	}
	id := strings.TrimSpace(c.MustPodlite(append(run, "--name", "r1", "--network", crashNetwork, c.img, "sleep", "1000")...).Stdout)
	c.CrashAt(point, "rm", "-f", "r1")
	if point == crashpoint.RmRecordDeleted {
		c.expectStatus("r1", "")
		if _, err := os.Stat(filepath.Join(c.RunRoot, "locks", id)); err != nil {
			c.T.Errorf("the crash at %s left no lock file to clean up: %v", point, err)
		}
		c.expectNothingLeft(id)
		return
	}
	c.expectStatus("r1", "removing")
	r := c.Podlite("start", "r1")
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "rm -f") || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
		c.T.Errorf("start of a container left removing: exit %d, stderr %q; want one line naming rm -f", r.ExitCode, r.Stderr)
	}
	c.MustPodlite("rm", "-f", "r1")
	c.expectStatus("r1", "")
	c.expectNothingLeft(id)
}

// TestRmKeepsWhatFailedToRelease: a CNI DEL that fails during rm -f (its
// bridge plugin gone) makes rm exit non-zero with the reason, and keeps the
// container, marked removing, with its lease; system reset fails the same
// way without wiping anything. Once the plugin is back, rm -f finishes and
// nothing is left. (The reset is not retried here: a successful reset also
// resets the host's networks, which other tests share.)
func TestRmKeepsWhatFailedToRelease(t *testing.T) {
	c := newCrashEnv(t, "plcrash1")
	id := strings.TrimSpace(c.MustPodlite("run", "-d", "--name", "d1", "--network", crashNetwork, c.img, "sleep", "1000").Stdout)
	bridge := filepath.Join(c.plugins, "bridge")
	target, err := os.Readlink(bridge)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(bridge); err != nil {
		t.Fatal(err)
	}
	r := c.Podlite("rm", "-f", "d1")
	if r.ExitCode == 0 {
		t.Fatalf("rm -f with the bridge plugin gone succeeded: %s", r.Stdout)
	}
	msg := strings.TrimSpace(r.Stderr)
	t.Logf("rm -f without the bridge plugin: %s", msg)
	if strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "bridge") || !strings.Contains(msg, "rm -f") {
		t.Errorf("rm -f: want one line naming the bridge plugin and rm -f, got %q", msg)
	}
	c.expectStatus("d1", "removing")
	if l := c.leases(); len(l) != 1 {
		t.Errorf("the lease must be kept for the retry: %v", l)
	}
	if r := c.Podlite("start", "d1"); r.ExitCode == 0 {
		t.Errorf("start of a container left removing succeeded")
	}
	// system reset fails the same way and wipes nothing: the record and
	// the image are still there for the retry.
	if r := c.Podlite("system", "reset", "-f"); r.ExitCode == 0 || !strings.Contains(r.Stderr, "bridge") {
		t.Errorf("system reset with the bridge plugin gone: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	c.expectStatus("d1", "removing")
	c.MustPodlite("image", "exists", c.img)
	if l := c.leases(); len(l) != 1 {
		t.Errorf("after the failed reset, the lease must be kept: %v", l)
	}
	if err := os.Symlink(target, bridge); err != nil {
		t.Fatal(err)
	}
	c.MustPodlite("rm", "-f", "d1")
	c.expectStatus("d1", "")
	if l := c.leases(); len(l) != 0 {
		t.Errorf("leases after the retried rm: %v", l)
	}
	c.expectNothingLeft(id)
}

// TestCrashSupervisorKilled: a container whose supervisor and processes
// were killed (no exit file, record says running) is seen as exited by ps
// at once; the next command records the exit and releases its network, so
// it starts again with one address, and rm -af leaves nothing.
func TestCrashSupervisorKilled(t *testing.T) {
	c := newCrashEnv(t, "plcrash2")
	id := strings.TrimSpace(c.MustPodlite("run", "-d", "--name", "k1", "--network", crashNetwork, c.img, "sleep", "1000").Stdout)
	for _, field := range []string{"{{.State.ConmonPid}}", "{{.State.Pid}}"} {
		pid, err := strconv.Atoi(c.inspect("k1", field))
		if err != nil || pid <= 0 {
			t.Fatalf("inspect %s: %q", field, c.inspect("k1", field))
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, func() bool { return len(processesOf(id)) == 0 })
	c.expectStatus("k1", "exited")
	if got := c.inspect("k1", "{{.State.Error}}"); !strings.Contains(got, "supervisor died") {
		t.Errorf("State.Error %q, want the supervisor's death", got)
	}
	c.expectUsable("k1")
	c.expectNothingLeft(id)
}
