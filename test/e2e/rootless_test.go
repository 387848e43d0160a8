package e2e

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// subRange is the user's first range in file (/etc/subuid or /etc/subgid).
func subRange(t *testing.T, file string, u *testUser) (start, count int) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, ":")
		if len(f) == 3 && f[0] == u.name {
			start, _ = strconv.Atoi(f[1])
			count, _ = strconv.Atoi(f[2])
			return start, count
		}
	}
	t.Fatalf("%s has no range for %s", file, u.name)
	return 0, 0
}

// TestRootlessUnshare: the user's namespace has podman's mapping (0 is the
// user, 1.. the subordinate range), the user is root in it and owns the
// store there; unshare passes the command's status through, and root is
// refused.
func TestRootlessUnshare(t *testing.T) {
	u := rootlessUser(t, "a")
	e := NewRootlessEnv(t, u)
	for _, m := range []struct{ proc, file string }{{"uid_map", "/etc/subuid"}, {"gid_map", "/etc/subgid"}} {
		own := u.uid
		if m.proc == "gid_map" {
			own = u.gid
		}
		start, count := subRange(t, m.file, u)
		got := strings.Fields(e.MustPodlite("unshare", "cat", "/proc/self/"+m.proc).Stdout)
		want := strings.Fields(fmt.Sprintf("0 %d 1 1 %d %d", own, start, count))
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("unshare cat /proc/self/%s = %v, want %v", m.proc, got, want)
		}
	}
	if id := strings.TrimSpace(e.MustPodlite("unshare", "id", "-u").Stdout); id != "0" {
		t.Errorf("unshare id -u = %q, want 0", id)
	}
	e.MustPodlite("info")
	store := filepath.Join(e.Root, "storage")
	lines := strings.Split(strings.TrimSpace(e.MustPodlite("unshare", "ls", "-ln", store).Stdout), "\n")
	if len(lines) < 3 {
		t.Fatalf("unshare ls -ln %s: %q", store, lines)
	}
	for _, l := range lines[1:] { // after "total N"
		if f := strings.Fields(l); len(f) < 4 || f[2] != "0" || f[3] != "0" {
			t.Errorf("unshare ls -ln: %q is not owned by 0:0 inside the namespace", l)
		}
	}
	if st, err := os.Stat(store); err != nil || st.Sys().(*syscall.Stat_t).Uid != uint32(u.uid) {
		t.Errorf("%s on the host: %v, want owned by %s (%d)", store, err, u.name, u.uid)
	}
	if r := e.Podlite("unshare", "sh", "-c", "exit 7"); r.ExitCode != 7 {
		t.Errorf("unshare sh -c 'exit 7': exit code %d, want 7 (%s)", r.ExitCode, r.Stderr)
	}
	r := NewEnv(t).Podlite("unshare", "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "please use unshare with rootless") {
		t.Errorf("unshare as root: %q, want podman's refusal", r.Stderr)
	}
}

// TestRootlessInfo: info reports rootless mode, the user's XDG paths and
// the driver the probe chose (native overlay: this kernel mounts it in a
// user namespace), overlay through fuse-overlayfs when configured, and vfs
// when asked for.
func TestRootlessInfo(t *testing.T) {
	u := rootlessUser(t, "a")
	e := NewRootlessEnv(t, u)
	const format = "{{.Host.Security.Rootless}} {{.Store.GraphDriverName}} {{.Store.GraphRoot}} {{.Store.RunRoot}}"
	got := strings.TrimSpace(e.MustPodlite("info", "--format", format).Stdout)
	want := fmt.Sprintf("true overlay %s/storage %s/storage", e.Root, e.RunRoot)
	if got != want {
		t.Errorf("info as %s = %q, want %q", u.name, got, want)
	}
	start, count := subRange(t, "/etc/subuid", u)
	maps := strings.TrimSpace(e.MustPodlite("info", "--format", "{{range .Host.IDMappings.UIDMap}}{{.ContainerID}}:{{.HostID}}:{{.Size}} {{end}}").Stdout)
	if want := fmt.Sprintf("0:%d:1 1:%d:%d", u.uid, start, count); maps != want {
		t.Errorf("info's UID map as %s = %q, want %q", u.name, maps, want)
	}
	if got := strings.TrimSpace(NewEnv(t).MustPodlite("info", "--format", "{{.Host.Security.Rootless}}").Stdout); got != "false" {
		t.Errorf("info as root: rootless %q, want false", got)
	}

	requireUserDevice(t, "/dev/fuse")
	f := NewRootlessEnv(t, u)
	fuse := []string{"--storage-opt", "overlay.mount_program=/usr/bin/fuse-overlayfs"}
	f.MustPodlite(append(fuse, "load", "-q", "-i", busyboxArchivePath(t))...)
	f.MustPodlite(append(fuse, "run", "-d", "--name", "fz", "--network", "none", BusyboxImage, "sleep", "60")...)
	mounts, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pausePID(f.RunRoot)))
	if err != nil || !strings.Contains(string(mounts), "fuse-overlayfs") {
		t.Errorf("a container's rootfs with overlay.mount_program: no fuse-overlayfs mount in the user's namespace (%v)", err)
	}
	f.MustPodlite(append(fuse, "rm", "-f", "-t", "0", "fz")...)

	v := NewRootlessEnv(t, u)
	vfs := []string{"--storage-driver", "vfs"}
	v.MustPodlite(append(vfs, "load", "-q", "-i", busyboxArchivePath(t))...)
	if out := v.MustPodlite(append(vfs, "run", "--rm", "--network", "none", BusyboxImage, "echo", "vfs")...).Stdout; out != "vfs\n" {
		t.Errorf("run on vfs as a user: %q", out)
	}
	if got := strings.TrimSpace(v.MustPodlite(append(vfs, "info", "--format", "{{.Store.GraphDriverName}}")...).Stdout); got != "vfs" {
		t.Errorf("info with --storage-driver vfs: %q", got)
	}
}

// requireUserDevice fails t unless an ordinary user may open dev (the
// mode contrib/setup.sh gives it).
func requireUserDevice(t *testing.T, dev string) {
	t.Helper()
	st, err := os.Stat(dev)
	if err != nil || st.Mode().Perm()&0o006 != 0o006 {
		t.Fatalf("%s is not open to ordinary users: run contrib/setup.sh (it sets mode 0666)", dev)
	}
}

// TestRootlessPauseRejoined: the first command starts the pause process;
// later ones join its namespaces (same user namespace, mounts one command
// makes are seen by the next, not by the host); once it is gone, the next
// command starts a new one.
func TestRootlessPauseRejoined(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "a"))
	e.MustPodlite("info")
	pid := pausePID(e.RunRoot)
	if pid == 0 {
		t.Fatalf("no pause process PID in %s after a command", e.RunRoot)
	}
	cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if got := strings.ReplaceAll(string(cmdline), "\x00", " "); got != "podlite rootless-pause "+e.RunRoot+" " {
		t.Errorf("pause process %d command line %q", pid, got)
	}
	pauseNS, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pid))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if ns := strings.TrimSpace(e.MustPodlite("unshare", "readlink", "/proc/self/ns/user").Stdout); ns != pauseNS {
			t.Errorf("command %d ran in user namespace %s, want the pause process's %s", i, ns, pauseNS)
		}
	}
	if now := pausePID(e.RunRoot); now != pid {
		t.Errorf("pause process %d replaced by %d between commands", pid, now)
	}
	m := filepath.Join(e.XDG, "run", "m")
	e.MustPodlite("unshare", "sh", "-c", "mkdir -p "+m+" && mount -t tmpfs tmpfs "+m+" && touch "+m+"/seen")
	if out := e.MustPodlite("unshare", "ls", m).Stdout; !strings.Contains(out, "seen") {
		t.Errorf("a later command does not see the tmpfs an earlier one mounted: ls %s = %q", m, out)
	}
	if _, err := os.Stat(filepath.Join(m, "seen")); err == nil {
		t.Errorf("the host sees the tmpfs mounted in the user's namespace at %s", m)
	}
	e.MustPodlite("unshare", "umount", m)

	if err := stopPause(e.RunRoot); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("info")
	if now := pausePID(e.RunRoot); now == 0 || now == pid {
		t.Errorf("after the pause process %d ended, the next command's pause process is %d, want a new one", pid, now)
	}
}

// TestRootlessIsolation: a user sees neither root's containers and images
// nor another user's, cannot open root's store, and leaves root's alone
// (the user's rmi of the same image removes the user's copy only);
// everything the user's store holds on the host belongs to the user's own
// IDs.
func TestRootlessIsolation(t *testing.T) {
	root := NewEnv(t)
	root.LoadBusybox()
	root.MustPodlite("create", "--name", "shared-name", "--network", "none", BusyboxImage, "true")
	ua, ub := rootlessUser(t, "a"), rootlessUser(t, "b")
	a, b := NewRootlessEnv(t, ua), NewRootlessEnv(t, ub)
	for _, e := range []*Env{a, b} {
		if out := e.MustPodlite("ps", "-a", "-q").Stdout + e.MustPodlite("images", "-q").Stdout; out != "" {
			t.Errorf("a new user lists %q, want nothing", out)
		}
	}
	a.LoadBusybox()
	a.MustPodlite("create", "--name", "shared-name", "--network", "none", BusyboxImage, "true")
	if out := b.MustPodlite("images", "-q").Stdout + b.MustPodlite("ps", "-a", "-q").Stdout; out != "" {
		t.Errorf("user b lists user a's images or containers: %q", out)
	}
	expectOneLineError(t, a.Podlite("--root", root.Root, "--runroot", root.RunRoot, "ps", "-a"))
	if out := root.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; strings.TrimSpace(out) != "shared-name" {
		t.Errorf("root's containers after the users' commands: %q", out)
	}
	a.MustPodlite("rm", "shared-name")
	a.MustPodlite("rmi", BusyboxImage)
	if out := a.MustPodlite("images", "-q").Stdout; out != "" {
		t.Errorf("user a's images after rmi: %q", out)
	}
	if out := root.MustPodlite("images", "--format", "{{.Repository}}").Stdout; strings.TrimSpace(out) != "localhost/busybox" {
		t.Errorf("root's images after user a's rmi: %q", out)
	}
	start, count := subRange(t, "/etc/subuid", ua)
	err := filepath.WalkDir(a.XDG, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		uid := int(st.Sys().(*syscall.Stat_t).Uid)
		if uid != ua.uid && (uid < start || uid >= start+count) {
			t.Errorf("%s is owned by %d on the host: neither %s nor its range", p, uid, ua.name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRootlessRun: an ordinary user runs a container with no network,
// as root inside it; limits go with podman's warning (cgroup v1); a
// detached container takes exec, logs and top, stops and is removed;
// pause, stats and update of limits (no cgroup on v1), checkpoint and
// networking refuse in one line.
func TestRootlessRun(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "a"))
	e.LoadBusybox()
	if out := e.MustPodlite("run", "--rm", "--network", "none", BusyboxImage, "echo", "hi").Stdout; out != "hi\n" {
		t.Errorf("run --rm echo hi: %q", out)
	}
	r := e.MustPodlite("run", "--rm", "--network", "none", "--memory", "64m", BusyboxImage, "id", "-u")
	if r.Stdout != "0\n" {
		t.Errorf("id -u in the container: %q, want 0", r.Stdout)
	}
	if !cgroupV2Host() && !strings.Contains(r.Stderr, "Resource limits are not supported and ignored on cgroups V1 rootless systems") {
		t.Errorf("--memory on cgroup v1: stderr %q lacks podman's warning", r.Stderr)
	}
	e.MustPodlite("run", "-d", "--name", "sleeper", "--network", "none", BusyboxImage, "sh", "-c", "echo up; exec sleep 300")
	if out := e.MustPodlite("exec", "sleeper", "echo", "in").Stdout; out != "in\n" {
		t.Errorf("exec as a user: %q", out)
	}
	if out := e.MustPodlite("logs", "sleeper").Stdout; out != "up\n" {
		t.Errorf("logs as a user: %q", out)
	}
	// No cgroup lists the processes: top finds them by PID namespace.
	if out := e.MustPodlite("top", "sleeper", "user", "args").Stdout; !strings.Contains(out, "root") || !strings.Contains(out, "sleep 300") {
		t.Errorf("top as a user: %q, want root running sleep 300", out)
	}
	if !cgroupV2Host() {
		for _, verb := range [][]string{{"pause"}, {"stats", "--no-stream"}, {"update", "--memory", "64m"}} {
			r := e.Podlite(append(verb, "sleeper")...)
			expectOneLineError(t, r)
			if !strings.Contains(r.Stderr, "no cgroup on cgroup v1") {
				t.Errorf("%s as a user on cgroup v1: %q", verb[0], r.Stderr)
			}
		}
	}
	r = e.Podlite("container", "checkpoint", "sleeper")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "checkpointing a container requires root") {
		t.Errorf("checkpoint as a user: %q", r.Stderr)
	}
	e.MustPodlite("stop", "-t", "0", "sleeper")
	if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "sleeper").Stdout); st != "exited" {
		t.Errorf("after stop: status %q, want exited", st)
	}
	e.MustPodlite("rm", "sleeper")
}

func cgroupV2Host() bool {
	_, err := os.Stat("/sys/fs/cgroup/cgroup.controllers")
	return err == nil
}

// TestRootlessSingleMapping: a user without subordinate ranges gets the
// namespace of one ID with podman's warning, said on the command that
// makes it, and still runs the busybox image (whose files are all root's;
// devpts goes without the tty group, which is not mapped).
func TestRootlessSingleMapping(t *testing.T) {
	u := rootlessUserNoRange(t, "norange")
	e := NewRootlessEnv(t, u)
	r := e.MustPodlite("unshare", "cat", "/proc/self/uid_map")
	if got := strings.Fields(r.Stdout); strings.Join(got, " ") != fmt.Sprintf("0 %d 1", u.uid) {
		t.Errorf("uid_map without a range: %v, want the user alone", got)
	}
	if !strings.Contains(r.Stderr, "Using rootless single mapping into the namespace. This might break some images.") {
		t.Errorf("stderr %q lacks podman's single-mapping warning", r.Stderr)
	}
	e.LoadBusybox()
	if out := e.MustPodlite("run", "--rm", "--network", "none", BusyboxImage, "id", "-u").Stdout; out != "0\n" {
		t.Errorf("run as a user without ranges: %q", out)
	}
}

// TestRootlessFirstCommandsConcurrent: commands started together on a new
// runroot make one pause process between them, and all run in it.
func TestRootlessFirstCommandsConcurrent(t *testing.T) {
	e := NewRootlessEnv(t, rootlessUser(t, "a"))
	const n = 4
	results := make(chan *Result, n)
	for i := 0; i < n; i++ {
		go func() { results <- e.run(nil, []string{"unshare", "readlink", "/proc/self/ns/user"}) }()
	}
	seen := map[string]bool{}
	for i := 0; i < n; i++ {
		r := <-results
		if r.ExitCode != 0 {
			t.Fatalf("concurrent unshare: exit %d: %s", r.ExitCode, r.Stderr)
		}
		seen[strings.TrimSpace(r.Stdout)] = true
	}
	pauseNS, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/user", pausePID(e.RunRoot)))
	if err != nil || len(seen) != 1 || !seen[pauseNS] {
		t.Errorf("concurrent first commands ran in user namespaces %v, want the pause process's %s (%v)", seen, pauseNS, err)
	}
	out, _ := exec.Command("pgrep", "-u", strconv.Itoa(e.User.uid), "-f", "rootless-pause").Output()
	if pids := strings.Fields(string(out)); len(pids) != 1 {
		t.Errorf("pause processes of %s: %v, want one", e.User.name, pids)
	}
}

// TestRootlessMigrate: after a user's ranges change, system migrate stops
// the user's containers and ends the pause process; the next command's
// namespace has the new range, the old one kept it until then.
func TestRootlessMigrate(t *testing.T) {
	u := rootlessUser(t, "migrate")
	e := NewRootlessEnv(t, u)
	e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "m", "--stop-timeout", "1", "--network", "none", BusyboxImage, "sleep", "300")
	old := pausePID(e.RunRoot)
	// A second range, far above what useradd hands out.
	const extra = "900000000-900065535"
	if out, err := exec.Command("usermod", "--add-subuids", extra, "--add-subgids", extra, u.name).CombinedOutput(); err != nil {
		t.Fatalf("usermod: %v\n%s", err, out)
	}
	lines := func() int {
		return len(strings.Split(strings.TrimSpace(e.MustPodlite("unshare", "cat", "/proc/self/uid_map").Stdout), "\n"))
	}
	if n := lines(); n != 2 {
		t.Errorf("before migrate: %d uid_map lines, want the old namespace's 2", n)
	}
	e.MustPodlite("system", "migrate")
	if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}}", "m").Stdout); st != "exited" {
		t.Errorf("after migrate the container is %q, want exited", st)
	}
	if n := lines(); n != 3 {
		t.Errorf("after migrate: %d uid_map lines, want 3 (the new range)", n)
	}
	if now := pausePID(e.RunRoot); now == 0 || now == old {
		t.Errorf("pause process after migrate: %d (was %d), want a new one", now, old)
	}
	e.MustPodlite("start", "m")
	e.MustPodlite("rm", "-f", "-t", "0", "m")
	if r := NewEnv(t).Podlite("system", "migrate"); r.ExitCode != 0 {
		t.Errorf("system migrate as root: exit %d: %s", r.ExitCode, r.Stderr)
	}
}
