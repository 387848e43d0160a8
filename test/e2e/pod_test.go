package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Pods: containers that share the infra container's namespaces. The
// infra runs podlite's own pause process; -p and the network are the
// pod's.

// podsExpectNothingLeft fails unless the env has no pods and, as
// ntExpectNothingLeft checks, no containers, leases or namespaces.
func (n *netEnv) podsExpectNothingLeft() {
	n.T.Helper()
	if got := n.MustPodlite("pod", "ps", "-q").Stdout; got != "" {
		n.T.Errorf("pods left: %q", got)
	}
	n.ntExpectNothingLeft("podlite")
}

// TestPodSharesNetworkAndHostname: two containers of a pod talk over
// localhost, -p on the pod serves from the host, the pod's hostname is
// theirs, and pod rm -f leaves nothing.
func TestPodSharesNetworkAndHostname(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	podID := strings.TrimSpace(n.MustPodlite("pod", "create", "--name", "app", "-p", hp+":80", "--label", "tier=web").Stdout)
	if len(podID) != 64 {
		t.Fatalf("pod create printed %q, want a 64-digit ID", podID)
	}
	n.MustPodlite("run", "-d", "--pod", "app", "--name", "web", "-v", ntWebRoot(t, "from the pod\n")+":/www",
		img, "httpd", "-f", "-p", "80", "-h", "/www")

	// The infra started first, with the pod's first container.
	if got := n.MustPodlite("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}").Stdout; got != "app Running 2\n" {
		t.Errorf("pod ps printed %q", got)
	}
	got := n.MustPodlite("run", "--rm", "--pod", "app", img, "sh", "-c",
		"timeout 5 wget -qO- http://localhost/index.html; hostname").Stdout
	if got != "from the pod\napp\n" {
		t.Errorf("a second container of the pod saw %q, want the page over localhost and hostname app", got)
	}
	if body := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); body != "from the pod\n" {
		t.Errorf("GET on the pod's published port = %q", body)
	}
	if got := n.MustPodlite("ps", "--pod", "--format", "{{.Names}} {{.PodName}}").Stdout; !strings.Contains(got, "web app\n") {
		t.Errorf("ps --pod printed %q", got)
	}
	if got := n.MustPodlite("ps", "-a", "--filter", "pod=app", "--format", "{{.Names}}").Stdout; !strings.Contains(got, "web\n") || !strings.Contains(got, podID[:12]+"-infra\n") {
		t.Errorf("ps --filter pod=app printed %q, want web and the infra", got)
	}
	var inspect []struct {
		ID               string `json:"Id"`
		Name, State      string
		InfraContainerID string
		SharedNamespaces []string
		NumContainers    int
		Labels           map[string]string
		InfraConfig      struct {
			PortBindings map[string][]struct{ HostPort string }
		}
	}
	if err := json.Unmarshal([]byte(n.MustPodlite("pod", "inspect", "app").Stdout), &inspect); err != nil {
		t.Fatal(err)
	}
	if len(inspect) != 1 || inspect[0].ID != podID || inspect[0].NumContainers != 2 || inspect[0].Labels["tier"] != "web" ||
		strings.Join(inspect[0].SharedNamespaces, ",") != "ipc,net,uts" || inspect[0].InfraConfig.PortBindings["80/tcp"][0].HostPort != hp {
		t.Errorf("pod inspect: %+v", inspect)
	}

	if r := n.Podlite("pod", "rm", "app"); r.ExitCode != 2 || !strings.Contains(r.Stderr, "running or paused containers cannot be removed without force") {
		t.Errorf("pod rm of a running pod: exit %d, %q", r.ExitCode, r.Stderr)
	}
	n.MustPodlite("pod", "stop", "-t", "1", "app")
	if got := n.MustPodlite("pod", "ps", "--format", "{{.Status}}").Stdout; got != "Exited\n" {
		t.Errorf("pod ps after stop: %q", got)
	}
	n.MustPodlite("pod", "start", "app")
	if body := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); body != "from the pod\n" {
		t.Errorf("GET after pod start = %q", body)
	}
	if got := n.MustPodlite("pod", "rm", "-f", "app").Stdout; got != podID+"\n" {
		t.Errorf("pod rm -f printed %q", got)
	}
	if r := n.Podlite("pod", "exists", "app"); r.ExitCode != 1 {
		t.Errorf("pod exists after rm: exit %d", r.ExitCode)
	}
	n.podsExpectNothingLeft()
}

// TestPodBadInput: an unknown pod, -p or --network on a member, a taken
// name and --share nonsense fail clearly and leave nothing.
func TestPodBadInput(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	refused := func(want string, args ...string) {
		t.Helper()
		if r := n.Podlite(args...); r.ExitCode != 125 || !strings.Contains(r.Stderr, want) {
			t.Errorf("podlite %v: exit %d, stderr %q; want 125 and %q", args, r.ExitCode, r.Stderr, want)
		}
	}
	refused("no pod with name or ID nosuch found: no such pod", "run", "--rm", "--pod", "nosuch", img, "true")
	refused("invalid kernel namespace to share: disk", "pod", "create", "--share", "net,disk")
	refused("invalid pod exit policy", "pod", "create", "--exit-policy", "sometimes")
	refused("you must have an infra container to publish port bindings", "pod", "create", "--infra=false", "-p", "8080:80")
	refused("no such pod", "pod", "inspect", "nosuch")
	if got := n.Podlite("pod", "inspect", "nosuch").Stdout; got != "[]\n" {
		t.Errorf("pod inspect of an unknown pod printed %q, want podman's []", got)
	}
	if r := n.Podlite("pod", "rm", "nosuch"); r.ExitCode != 1 || !strings.Contains(r.Stderr, "no pod with name or ID nosuch found: no such pod") {
		t.Errorf("pod rm of an unknown pod: exit %d, %q; want podman's 1", r.ExitCode, r.Stderr)
	}

	n.MustPodlite("pod", "create", "--name", "app")
	refused("published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod",
		"run", "--rm", "--pod", "app", "-p", "8080:80", img, "true")
	refused("networks must be defined when the pod is created", "run", "--rm", "--pod", "app", "--network", "none", img, "true")
	refused(`name "app" is in use`, "pod", "create", "--name", "app")
	refused(`name "app" is in use by pod`, "create", "--name", "app", img, "true")
	infra := strings.TrimSpace(n.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
	refused("is the infra container of pod", "rm", "-f", infra)
	// rm -a takes the pod with its infra, as podman's does.
	n.MustPodlite("rm", "-af")
	n.podsExpectNothingLeft()
}

// TestPodRmLeavesNothing: pod rm removes a stopped pod with its
// containers; --infra-name, --pod-id-file (both sides) and --replace.
func TestPodRmLeavesNothing(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	idFile := filepath.Join(t.TempDir(), "pod.id")
	n.MustPodlite("pod", "create", "--name", "app", "--infra-name", "app-holder", "--pod-id-file", idFile)
	id, err := os.ReadFile(idFile)
	if err != nil || len(id) != 64 {
		t.Fatalf("--pod-id-file holds %q (%v)", id, err)
	}
	n.MustPodlite("create", "--pod-id-file", idFile, "--name", "member", img, "true")
	if got := n.MustPodlite("ps", "-a", "--filter", "pod="+string(id[:12]), "--format", "{{.Names}}").Stdout; got != "app-holder\nmember\n" {
		t.Errorf("containers of the pod: %q", got)
	}
	newID := strings.TrimSpace(n.MustPodlite("pod", "create", "--replace", "--name", "app").Stdout)
	if newID == string(id) {
		t.Errorf("pod create --replace kept the old pod")
	}
	if got := n.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; got != newID[:12]+"-infra\n" {
		t.Errorf("containers after --replace: %q, want the new infra only", got)
	}
	if r := n.Podlite("pod", "stop", "--all", "app"); r.ExitCode != 125 {
		t.Errorf("pod stop --all NAME: exit %d, want 125", r.ExitCode)
	}
	newFile := filepath.Join(t.TempDir(), "new.id")
	writeFile(t, newFile, newID)
	if got := n.MustPodlite("pod", "rm", "--pod-id-file", newFile).Stdout; got != newID+"\n" {
		t.Errorf("pod rm --pod-id-file printed %q", got)
	}
	// The file names a pod that is gone now: --ignore skips it and nosuch.
	if r := n.Podlite("pod", "rm", "--ignore", "--pod-id-file", newFile, "nosuch"); r.ExitCode != 0 || r.Stdout != "" {
		t.Errorf("pod rm --ignore of missing pods: exit %d, %q %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	n.podsExpectNothingLeft()
}

// TestPodExitPolicyStop: the pod stops, infra included, once its last
// container exits.
func TestPodExitPolicyStop(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	n.MustPodlite("pod", "create", "--name", "job", "--exit-policy", "stop", "--network", "none")
	n.MustPodlite("run", "-d", "--pod", "job", img, "sleep", "1")
	status := ""
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if status = n.MustPodlite("pod", "ps", "--format", "{{.Status}}").Stdout; status == "Exited\n" {
			break
		}
	}
	if status != "Exited\n" {
		t.Errorf("pod status %q after its only container exited, want Exited", status)
	}
	if got := n.MustPodlite("pod", "inspect", "--format", "{{.ExitPolicy}}", "job").Stdout; got != "stop\n" {
		t.Errorf("inspect ExitPolicy %q", got)
	}
	// The exit policy's stop is the pod's stop event.
	waitFor(t, func() bool {
		return n.MustPodlite("events", "--stream=false", "--filter", "pod=job", "--format", "{{.Status}}").Stdout == "create\nstop\n"
	})
	n.MustPodlite("pod", "rm", "job")
	n.podsExpectNothingLeft()
}

// TestPodSharePID: with --share +pid a container of the pod sees the
// infra's pause process (PID 1 of the shared namespace); without it, its
// own command is PID 1.
func TestPodSharePID(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	n.MustPodlite("pod", "create", "--name", "shared", "--share", "+pid", "--network", "none")
	if got := n.MustPodlite("run", "--rm", "--pod", "shared", img, "cat", "/proc/1/cmdline").Stdout; got != "/podlite-pause\x00" {
		t.Errorf("PID 1 of a pod sharing pid runs %q, want the pause process", got)
	}
	n.MustPodlite("pod", "create", "--name", "apart", "--network", "none")
	if got := n.MustPodlite("run", "--rm", "--pod", "apart", img, "cat", "/proc/1/cmdline").Stdout; got != "cat\x00/proc/1/cmdline\x00" {
		t.Errorf("PID 1 of a pod not sharing pid runs %q, want the container's own command", got)
	}
	if got := n.MustPodlite("pod", "inspect", "--format", "{{.SharedNamespaces}}", "shared").Stdout; got != "[ipc net pid uts]\n" {
		t.Errorf("SharedNamespaces %q", got)
	}
	n.MustPodlite("pod", "rm", "-f", "shared", "apart")
	n.podsExpectNothingLeft()
}

// TestPodNew: run --pod new:NAME creates the pod with the container's -p;
// a create that fails after it leaves no pod.
func TestPodNew(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	hp := strconv.Itoa(ntFreePort(t))
	n.MustPodlite("run", "-d", "--pod", "new:fresh", "-p", hp+":80", "--name", "web", "-v", ntWebRoot(t, "new pod\n")+":/www",
		img, "httpd", "-f", "-p", "80", "-h", "/www")
	if body := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); body != "new pod\n" {
		t.Errorf("GET on the new pod's port = %q", body)
	}
	if got := n.MustPodlite("pod", "ps", "--format", "{{.Name}} {{.NumberOfContainers}}").Stdout; got != "fresh 2\n" {
		t.Errorf("pod ps: %q", got)
	}
	if r := n.Podlite("create", "--pod", "new:broken", "--restart", "sometimes", img, "true"); r.ExitCode != 125 {
		t.Errorf("create with a bad flag in a new pod: exit %d", r.ExitCode)
	}
	if r := n.Podlite("pod", "exists", "broken"); r.ExitCode != 1 {
		t.Errorf("the pod of a failed create stays: exit %d", r.ExitCode)
	}
	n.MustPodlite("pod", "rm", "-f", "fresh")
	n.podsExpectNothingLeft()
}
