package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// pod create's --infra-image, --share-parent and the checks of its other
// flags.

// podCgroupOf is the cgroup (v1: the memory controller's line) of a
// container's process, from /proc/PID/cgroup on the host.
func (n *netEnv) podCgroupOf(ctr string) string {
	n.T.Helper()
	pid := inspectField(n.Env, ctr, "{{.State.Pid}}")
	data, err := os.ReadFile("/proc/" + pid + "/cgroup")
	if err != nil {
		n.T.Fatalf("cgroup of %s: %v", ctr, err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		// hierarchy-ID:controllers:path; v2 has the single line 0::path.
		if f := strings.SplitN(line, ":", 3); len(f) == 3 && (strings.Contains(f[1], "memory") || f[0] == "0") {
			return f[2]
		}
	}
	n.T.Fatalf("no memory cgroup for %s in %q", ctr, data)
	return ""
}

// TestPodInfraImage: --infra-image runs the image's command, or
// --infra-command, as the infra; the pod works as with the built-in pause
// process and leaves nothing.
func TestPodInfraImage(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	podID := strings.TrimSpace(n.MustPodlite("pod", "create", "--name", "imaged", "--infra-image", img,
		"--infra-command", "sleep 1000", "--share", "+pid", "--network", "none").Stdout)
	if got := n.MustPodlite("run", "--rm", "--pod", "imaged", img, "cat", "/proc/1/cmdline").Stdout; got != "sleep\x001000\x00" {
		t.Errorf("PID 1 of a pod with --infra-image runs %q, want the infra command", got)
	}
	infra := n.infraOf("imaged")
	if got := inspectField(n.Env, infra, "{{.ImageName}} {{.Config.Cmd}}"); got != img+" [sleep 1000]" {
		t.Errorf("infra image and cmd: %q", got)
	}
	if _, err := os.Stat(filepath.Join(n.Root, "pods", podID, "rootfs")); err == nil {
		t.Errorf("a pod with --infra-image has the pause process's empty rootfs")
	}
	// Without --infra-command the infra runs the image's own command.
	n.MustPodlite("pod", "create", "--name", "imgcmd", "--infra-image", img, "--network", "none")
	if got := inspectField(n.Env, n.infraOf("imgcmd"), "{{.Config.Cmd}}"); got != "[sh]" {
		t.Errorf("infra of --infra-image without --infra-command runs %q, want the image's [sh]", got)
	}
	n.MustPodlite("pod", "rm", "-f", "imaged", "imgcmd")
	n.podsExpectNothingLeft()
}

// TestPodShareParent: by default the pod's cgroup is the parent of its
// containers' cgroups (infra included), removed with the pod;
// --share-parent=false gives each container its own; --share cgroup
// needs --share-parent=false and then joins the infra's cgroup namespace.
func TestPodShareParent(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	parentID := strings.TrimSpace(n.MustPodlite("pod", "create", "--name", "parent", "--network", "none").Stdout)
	ctr := strings.TrimSpace(n.MustPodlite("run", "-d", "--pod", "parent", img, "sleep", "1000").Stdout)
	podCgroup := "/podlite/pod-" + parentID
	if got := n.podCgroupOf(ctr); got != podCgroup+"/podlite-"+ctr {
		t.Errorf("cgroup of a member: %q, want under %s", got, podCgroup)
	}
	if got := n.podCgroupOf(n.infraOf("parent")); got != podCgroup+"/podlite-"+n.infraOf("parent") {
		t.Errorf("cgroup of the infra: %q, want under %s", got, podCgroup)
	}
	if got := n.MustPodlite("pod", "inspect", "--format", "{{.CgroupParent}} {{.CgroupPath}}", "parent").Stdout; got != "/podlite "+podCgroup+"\n" {
		t.Errorf("pod inspect CgroupParent CgroupPath: %q", got)
	}
	if got := inspectField(n.Env, ctr, "{{.HostConfig.CgroupParent}}"); got != podCgroup {
		t.Errorf("member's HostConfig.CgroupParent %q", got)
	}

	n.MustPodlite("pod", "create", "--name", "own", "--share-parent=false", "--network", "none")
	own := strings.TrimSpace(n.MustPodlite("run", "-d", "--pod", "own", img, "sleep", "1000").Stdout)
	if got := n.podCgroupOf(own); got != "/podlite/"+own {
		t.Errorf("cgroup of a member with --share-parent=false: %q, want its own /podlite/%s", got, own)
	}

	if r := n.Podlite("pod", "create", "--name", "bad", "--share", "+cgroup"); r.ExitCode != 125 ||
		!strings.Contains(r.Stderr, "cannot define the pod as the cgroup parent at the same time as joining the infra container's cgroupNS") {
		t.Errorf("--share +cgroup with --share-parent: exit %d, %q", r.ExitCode, r.Stderr)
	}
	n.MustPodlite("pod", "create", "--name", "cgns", "--share", "+cgroup", "--share-parent=false", "--network", "none")
	joined := strings.TrimSpace(n.MustPodlite("run", "-d", "--pod", "cgns", img, "sleep", "1000").Stdout)
	nsOf := func(ctr string) string {
		link, err := os.Readlink("/proc/" + inspectField(n.Env, ctr, "{{.State.Pid}}") + "/ns/cgroup")
		if err != nil {
			t.Fatal(err)
		}
		return link
	}
	if a, b := nsOf(joined), nsOf(n.infraOf("cgns")); a != b {
		t.Errorf("a member of a pod sharing cgroup is in cgroup namespace %s, the infra in %s", a, b)
	}
	if got := n.podCgroupOf(joined); got != "/podlite/"+joined {
		t.Errorf("cgroup of a member sharing the cgroup namespace: %q", got)
	}

	n.MustPodlite("pod", "rm", "-f", "parent", "own", "cgns")
	if dirs, _ := filepath.Glob("/sys/fs/cgroup/*/podlite/pod-" + parentID); len(dirs) > 0 {
		t.Errorf("the pod's cgroup outlived it: %v", dirs)
	}
	n.podsExpectNothingLeft()
}

// TestPodCreateFlagChecks: --replace without a name, infra flags without
// an infra, an unknown infra image: podman's errors, exit 125, nothing
// made; --share none makes a pod without an infra, as podman's.
func TestPodCreateFlagChecks(t *testing.T) {
	n := newNetEnv(t)
	n.LoadBusybox()
	idFile := filepath.Join(t.TempDir(), "pod.id")
	for _, c := range []struct {
		want string
		args []string
	}{
		{"cannot replace pod without --name being set", []string{"--replace"}},
		{"cannot set infra-name without an infra container", []string{"--infra=false", "--infra-name", "holder"}},
		{"cannot set --infra-image or --infra-command without an infra container", []string{"--infra=false", "--infra-image", BusyboxImage}},
		{"cannot set --infra-conmon-pidfile without an infra container", []string{"--infra=false", "--infra-conmon-pidfile", idFile}},
		{"invalid pod exit policy", []string{"--exit-policy", "later"}},
		{"localhost/nosuch", []string{"--infra-image", "localhost/nosuch", "--pod-id-file", idFile}},
		{"the directory of the pod ID file", []string{"--pod-id-file", filepath.Join(idFile, "sub", "id")}},
	} {
		r := n.Podlite(append([]string{"pod", "create"}, c.args...)...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, c.want) || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
			t.Errorf("pod create %v: exit %d, stderr %q; want 125 and one line with %q", c.args, r.ExitCode, r.Stderr, c.want)
		}
	}
	if _, err := os.Stat(idFile); err == nil {
		t.Errorf("a failed pod create wrote --pod-id-file")
	}
	if got := n.MustPodlite("ps", "-a", "-q").Stdout; got != "" {
		t.Errorf("failed pod creates left containers: %q", got)
	}
	n.podsExpectNothingLeft()

	n.MustPodlite("pod", "create", "--name", "bare", "--share", "none")
	var inspect []struct {
		CreateInfra      bool
		InfraContainerID string
		NumContainers    int
	}
	if err := json.Unmarshal([]byte(n.MustPodlite("pod", "inspect", "bare").Stdout), &inspect); err != nil {
		t.Fatal(err)
	}
	if len(inspect) != 1 || inspect[0].CreateInfra || inspect[0].InfraContainerID != "" || inspect[0].NumContainers != 0 {
		t.Errorf("pod create --share none: %+v, want no infra", inspect)
	}
	n.MustPodlite("pod", "rm", "bare")
	n.podsExpectNothingLeft()
}
