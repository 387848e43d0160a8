package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// hostNS is the namespace link of the test process (e.g. "pid:[4026531836]").
func hostNS(t *testing.T, typ string) string {
	t.Helper()
	l, err := os.Readlink("/proc/self/ns/" + typ)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestRunNamespaceFlags checks --pid, --uts, --ipc and --cgroupns: host,
// private, none (ipc) and container:NAME, which shares the other
// container's processes, host name and IPC namespace.
func TestRunNamespaceFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "nsowner", "--net", "none", "--hostname", "owner", img, "sleep", "1000")
	ownerIPC := e.MustPodlite("exec", "nsowner", "readlink", "/proc/self/ns/ipc").Stdout
	links := "for n in pid uts ipc cgroup; do readlink /proc/self/ns/$n; done; hostname"
	hostName, _ := os.Hostname()
	hostLinks := strings.Join([]string{hostNS(t, "pid"), hostNS(t, "uts"), hostNS(t, "ipc"), hostNS(t, "cgroup"), hostName}, "\n") + "\n"

	got := e.MustPodlite("run", "--rm", "--net", "none", "--pid", "host", "--uts", "host", "--ipc", "host", "--cgroupns", "host", img, "sh", "-c", links).Stdout
	if got != hostLinks {
		t.Errorf("host namespaces:\n%s\nwant the host's:\n%s", got, hostLinks)
	}
	got = e.MustPodlite("run", "--rm", "--net", "none", "--pid", "private", "--uts", "private", "--ipc", "private", "--cgroupns", "private", img, "sh", "-c", links).Stdout
	if lines := strings.Split(got, "\n"); len(lines) != 6 {
		t.Errorf("private namespaces: %q", got)
	} else {
		for i, host := range strings.Split(hostLinks, "\n")[:4] {
			if lines[i] == host {
				t.Errorf("private namespace %s is the host's", host)
			}
		}
	}
	// cgroups v1: podman's default cgroup namespace is the host's.
	if got := e.MustPodlite("run", "--rm", "--net", "none", img, "readlink", "/proc/self/ns/cgroup").Stdout; got != hostNS(t, "cgroup")+"\n" {
		t.Errorf("default cgroup namespace %q, want the host's", got)
	}

	got = e.MustPodlite("run", "--rm", "--net", "none", "--pid", "container:nsowner", "--uts", "container:nsowner",
		"--ipc", "container:nsowner", img, "sh", "-c", "hostname; readlink /proc/self/ns/ipc; ps -o args | grep -c '[s]leep 1000'").Stdout
	if want := "owner\n" + ownerIPC + "1\n"; got != want {
		t.Errorf("namespaces of container:nsowner: %q, want its host name, IPC namespace and processes %q", got, want)
	}
	if got := e.MustPodlite("run", "--rm", "--net", "none", "--ipc", "none", img, "sh", "-c", "grep -c ' /dev/shm ' /proc/mounts || true").Stdout; got != "0\n" {
		t.Errorf("--ipc none mounts /dev/shm: %q", got)
	}
	if got := e.MustPodlite("run", "--rm", "--net", "none", "--sysctl", "kernel.shmmax=65536", "--sysctl", "net.ipv4.ip_forward=1", img,
		"cat", "/proc/sys/kernel/shmmax", "/proc/sys/net/ipv4/ip_forward").Stdout; got != "65536\n1\n" {
		t.Errorf("--sysctl values inside: %q", got)
	}
	expectRefusals(e, img, []refusal{
		{[]string{"--uts", "host", "--hostname", "x"}, "cannot set hostname when running in the host UTS namespace"},
		{[]string{"--pid", "bogus"}, "unknown namespace mode"},
		{[]string{"--ipc", "container:nosuch"}, "no such container"},
		{[]string{"--pid", "ns:/nonexistent/ns"}, "not found"},
		{[]string{"--userns", "keep-id"}, "--userns=keep-id is only supported in rootless mode"},
		{[]string{"--userns", "auto"}, "--userns=auto is not supported"},
		{[]string{"--userns", "host", "--uidmap", "0:100000:1000"}, "--userns cannot be used with --uidmap"},
		{[]string{"--uidmap", "0:100000"}, "want CONTAINER_ID:HOST_ID:SIZE"},
		{[]string{"--net", "host", "--sysctl", "net.ipv4.ip_forward=1"}, "can't be set since Network Namespace set to host"},
		{[]string{"--ipc", "host", "--sysctl", "fs.mqueue.msg_max=100"}, "can't be set since IPC Namespace set to host"},
		{[]string{"--sysctl", "vm.swappiness=1"}, "sysctl 'vm.swappiness' is not allowed"},
		{[]string{"--sysctl", "kernel.sem"}, "sysctl values must be in the form of KEY=VALUE"},
	})
}

// TestRunUIDMapPodman runs a container in a user namespace of its own:
// root inside is UID 100000 on the host, and its rootfs is owned by the
// mapped IDs, so that root inside owns its files; inside, it looks as
// podman 4.3.1's does, and so do inspect's HostConfig fields of the
// namespace and resource flags.
func TestRunUIDMapPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	maps := []string{"--uidmap", "0:100000:65536", "--gidmap", "0:200000:65536"}
	script := "id; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /etc/passwd; touch /etc/new && stat -c %u:%g /etc/new"
	want := pm.MustRun(append(append([]string{"run", "--rm", "--net", "none"}, maps...), img, "sh", "-c", script)...)
	e.MustPodlite(append(append([]string{"run", "-d", "--name", "mapped", "--net", "none"}, maps...), img, "sleep", "1000")...)
	if got := e.MustPodlite("exec", "mapped", "sh", "-c", script).Stdout; got != want || !strings.HasPrefix(got, "uid=0(root) gid=0(root)") {
		t.Errorf("inside the user namespace:\n%s\npodman 4.3.1:\n%s", got, want)
	}
	pid := inspectField(e, "mapped", "{{.State.Pid}}")
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil || !strings.Contains(string(status), "Uid:\t100000\t100000\t100000\t100000\n") {
		t.Errorf("the container's process on the host: %v\n%s", err, status)
	}
	for _, f := range []string{"etc/passwd", "etc/new"} {
		var st syscall.Stat_t
		if err := syscall.Stat(filepath.Join("/proc", pid, "root", f), &st); err != nil || st.Uid != 100000 || st.Gid != 200000 {
			t.Errorf("/%s on the host: %v, owner %d:%d, want 100000:200000", f, err, st.Uid, st.Gid)
		}
	}

	// inspect's HostConfig fields, created alike on both.
	tmpl := "{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.HostConfig.CgroupMode}} " +
		"{{.HostConfig.UsernsMode}} {{json .HostConfig.GroupAdd}} {{.HostConfig.Cgroups}} " +
		"{{.HostConfig.CgroupParent}} {{.HostConfig.OomScoreAdj}} {{.HostConfig.CpuShares}} {{.HostConfig.CpuPeriod}} " +
		"{{.HostConfig.CpuQuota}} {{.HostConfig.CpusetCpus}} {{.HostConfig.MemoryReservation}} {{.HostConfig.MemorySwap}} " +
		"{{.HostConfig.MemorySwappiness}} {{.HostConfig.OomKillDisable}} {{json .HostConfig.BlkioDeviceReadBps}}"
	root := rootDevice(t)
	for _, args := range [][]string{nil, {"--pid", "host", "--uts", "host", "--cgroupns", "private",
		"--uidmap", "0:100000:65536", "--group-add", "nobody", "-c", "512", "--cpu-period", "50000", "--cpu-quota", "25000",
		"--cpuset-cpus", "0", "-m", "64m", "--memory-reservation", "32m", "--memory-swap", "128m", "--memory-swappiness", "10",
		"--oom-kill-disable", "--oom-score-adj", "100", "--device-read-bps", root.path + ":1mb", "--cgroup-parent", "/podlite-spec-inspect"}} {
		create := append(append([]string{"create", "--net", "none"}, args...), img, "true")
		pm.MustRun(create...)
		want := pm.MustRun("inspect", "-l", "--format", tmpl)
		id := strings.TrimSpace(e.MustPodlite(create...).Stdout)
		if got := e.MustPodlite("inspect", "--format", tmpl, id).Stdout; got != want {
			t.Errorf("inspect of create %v:\n%s\npodman 4.3.1:\n%s", args, got, want)
		}
		if args == nil {
			continue
		}
		// podlite's inspect templates name JSON keys (UidMap), podman's Go
		// fields (UIDMap): compare the JSON.
		var ours, theirs map[string][]string
		maps := "{{json .HostConfig.IDMappings}}"
		if err := json.Unmarshal([]byte(e.MustPodlite("inspect", "--format", maps, id).Stdout), &ours); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(pm.MustRun("inspect", "-l", "--format", maps)), &theirs); err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(ours) != fmt.Sprint(theirs) || len(ours["UidMap"]) != 1 {
			t.Errorf("inspect's IDMappings: %v, podman 4.3.1: %v", ours, theirs)
		}
	}
	e.MustPodlite("create", "--name", "withdev", "--device", "/dev/loop0:/dev/xloop:r", img, "true")
	want = "/dev/loop0 /dev/xloop\n"
	if got := e.MustPodlite("inspect", "--format", "{{range .HostConfig.Devices}}{{.PathOnHost}} {{.PathInContainer}}{{end}}", "withdev").Stdout; got != want {
		t.Errorf("inspect's Devices: %q, want %q", got, want)
	}
}

// cgroupFile reads a v1 cgroup file of a container from the host.
func cgroupFile(t *testing.T, controller, path, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/sys/fs/cgroup", controller, path, file))
	if err != nil {
		t.Errorf("reading %s of the container's cgroup: %v", file, err)
	}
	return strings.TrimSpace(string(b))
}

// TestRunResourceAndDeviceFlags runs one container with the cgroup, device
// and process flags and reads them back from its cgroup v1 files on the
// host and from inside.
func TestRunResourceAndDeviceFlags(t *testing.T) {
	// Registered first, so run after the Env's cleanup has removed the
	// container: runc leaves the --cgroup-parent directories behind.
	t.Cleanup(func() {
		dirs, _ := filepath.Glob("/sys/fs/cgroup/*/podlite-spec-test")
		for _, d := range dirs {
			if err := os.Remove(d); err != nil {
				t.Errorf("removing the test's cgroup parent: %v", err)
			}
		}
	})
	e := NewEnv(t)
	img := e.LoadBusybox()
	root := rootDevice(t)
	// A real-time runtime comes out of the parent cgroup's budget.
	if err := os.MkdirAll("/sys/fs/cgroup/cpu/podlite-spec-test", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, "/sys/fs/cgroup/cpu/podlite-spec-test/cpu.rt_runtime_us", "20000")
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--net", "none", "--cgroup-parent", "/podlite-spec-test",
		"--device", "/dev/loop0:/dev/xloop:r", "--device-cgroup-rule", "c 10:229 rwm",
		"-c", "512", "--cpu-period", "50000", "--cpu-rt-period", "500000", "--cpu-rt-runtime", "10000", "--cpu-quota", "25000", "--cpuset-cpus", "0",
		"-m", "64m", "--memory-reservation", "32m", "--memory-swap", "128m", "--memory-swappiness", "10", "--oom-kill-disable",
		"--oom-score-adj", "100", "--blkio-weight", "300",
		"--device-read-bps", root.path+":1mb", "--device-write-iops", root.path+":100",
		"--umask", "0077", "--personality", "LINUX32", img, "sleep", "1000").Stdout)
	cg := "/podlite-spec-test/podlite-" + id
	for _, c := range []struct{ controller, file, want string }{
		{"cpu", "cpu.shares", "512"}, {"cpu", "cpu.rt_period_us", "500000"}, {"cpu", "cpu.rt_runtime_us", "10000"}, {"cpu", "cpu.cfs_period_us", "50000"}, {"cpu", "cpu.cfs_quota_us", "25000"},
		{"cpuset", "cpuset.cpus", "0"},
		{"memory", "memory.limit_in_bytes", "67108864"}, {"memory", "memory.soft_limit_in_bytes", "33554432"},
		{"memory", "memory.memsw.limit_in_bytes", "134217728"}, {"memory", "memory.swappiness", "10"},
		{"blkio", "blkio.throttle.read_bps_device", root.majmin + " 1048576"},
		{"blkio", "blkio.throttle.write_iops_device", root.majmin + " 100"},
	} {
		if got := cgroupFile(t, c.controller, cg, c.file); got != c.want {
			t.Errorf("%s: %q, want %q", c.file, got, c.want)
		}
	}
	if got := cgroupFile(t, "memory", cg, "memory.oom_control"); !strings.HasPrefix(got, "oom_kill_disable 1") {
		t.Errorf("memory.oom_control: %q", got)
	}
	if got := cgroupFile(t, "blkio", cg, "blkio.bfq.weight"); got != "300" && cgroupFile(t, "blkio", cg, "blkio.weight") != "300" {
		t.Errorf("blkio weight: %q, want 300", got)
	}
	devs := cgroupFile(t, "devices", cg, "devices.list")
	for _, rule := range []string{"b 7:0 r", "c 10:229 rwm"} {
		if !strings.Contains(devs, rule) {
			t.Errorf("devices.list lacks %q:\n%s", rule, devs)
		}
	}
	got := e.MustPodlite("exec", id, "sh", "-c", "cat /proc/1/oom_score_adj; stat -c %F:%t:%T /dev/xloop; umask; uname -m; head -c1 /dev/xloop >/dev/null && echo read").Stdout
	if want := "100\nblock special file:7:0\n0077\ni686\nread\n"; got != want {
		t.Errorf("inside: %q, want %q", got, want)
	}
	if r := e.Podlite("exec", id, "sh", "-c", "echo x >/dev/xloop"); r.ExitCode == 0 {
		t.Errorf("a read-only --device is writable")
	}
}

type blockDevice struct{ path, majmin string }

// rootDevice is the block device of the root file system, for the blkio
// throttles.
func rootDevice(t *testing.T) blockDevice {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat("/", &st); err != nil {
		t.Fatal(err)
	}
	majmin := fmt.Sprintf("%d:%d", st.Dev>>8&0xfff, st.Dev&0xff|st.Dev>>12&0xfff00)
	link, err := filepath.EvalSymlinks("/sys/dev/block/" + majmin)
	if err != nil {
		t.Fatalf("the root file system's device %s: %v", majmin, err)
	}
	return blockDevice{"/dev/" + filepath.Base(link), majmin}
}

// TestRunSpecFlagRefusals: flags that cannot mean anything here, or bad
// values, exit 125 with one line saying why.
func TestRunSpecFlagRefusals(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	expectRefusals(e, img, []refusal{
		{[]string{"--gpus", "all"}, "--gpus is not supported"},
		{[]string{"--rdt-class", "gold"}, "--rdt-class is not supported"},
		{[]string{"--cgroups", "disabled"}, "--cgroups=disabled is not supported"},
		{[]string{"--cgroups", "split"}, "--cgroups=split is not supported"},
		{[]string{"--cgroup-conf", "memory.high=1"}, "--cgroup-conf is only supported on cgroups v2"},
		{[]string{"--oom-score-adj", "2000"}, "must be between -1000 and 1000"},
		{[]string{"--memory-swap", "1g"}, "you must provide a memory limit (--memory) when setting --memory-swap"},
		{[]string{"-m", "1g", "--memory-swap", "512m"}, "minimum memoryswap limit should be larger than memory limit"},
		{[]string{"--cpus", "1", "--cpu-quota", "5000"}, "cannot be used with --cpus"},
		{[]string{"--cpu-rt-runtime", "10000"}, "exceeds the real-time budget of the parent cgroup"},
		{[]string{"--subuidname", "podlite-nosuch"}, "--subuidname podlite-nosuch: no range for podlite-nosuch"},
		{[]string{"--device", "/dev/nosuch"}, "no such device /dev/nosuch"},
		{[]string{"--device", "/etc/passwd"}, "is not a device node"},
		{[]string{"--device", "/dev/null:/dev/n:rwx"}, "invalid device mode"},
		{[]string{"--device-cgroup-rule", "x 1:3 rwm"}, "want TYPE MAJOR:MINOR ACCESS"},
		{[]string{"--blkio-weight", "5"}, "must be between 10 and 1000"},
		{[]string{"--device-read-bps", "/dev/null:1mb"}, "is not a block device"},
		{[]string{"--umask", "999"}, "invalid umask string 999"},
		{[]string{"--personality", "BSD"}, "use LINUX or LINUX32"},
		{[]string{"--sdnotify", "healthy"}, `sdnotify policy "healthy" requires a healthcheck to be set`},
		{[]string{"--sdnotify", "bogus"}, "must be container, conmon, healthy or ignore"},
	})
	e.MustPodlite("run", "--rm", "--net", "none", "--sdnotify", "ignore", img, "true")
	// Lowering oom_score_adj below podlite's own needs CAP_SYS_RESOURCE.
	r := e.Podlite("run", "--rm", "--net", "none", "--oom-score-adj", "-5", img, "cat", "/proc/self/oom_score_adj")
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	if hasCapSysResource(string(status)) {
		if r.ExitCode != 0 || r.Stdout != "-5\n" {
			t.Errorf("--oom-score-adj -5 with CAP_SYS_RESOURCE: exit %d, %q %q", r.ExitCode, r.Stdout, r.Stderr)
		}
	} else if r.ExitCode != 125 || !strings.Contains(r.Stderr, "only a caller with CAP_SYS_RESOURCE may go under") {
		t.Errorf("--oom-score-adj -5 without CAP_SYS_RESOURCE: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
}

// refusal is a create that must fail: its extra flags and a part of the
// one-line message.
type refusal struct {
	args []string
	msg  string
}

// expectRefusals checks that each create exits 125 with one line naming
// the reason.
func expectRefusals(e *Env, img string, cases []refusal) {
	e.T.Helper()
	for _, bad := range cases {
		r := e.Podlite(append(append([]string{"create", "--net", "none"}, bad.args...), img, "true")...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, bad.msg) || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			e.T.Errorf("create %v: exit %d, stderr %q; want 125 and one line with %q", bad.args, r.ExitCode, r.Stderr, bad.msg)
		}
	}
}
