package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// podCloneInspect is the part of pod inspect a clone must repeat.
type podCloneInspect struct {
	Name, Hostname, ExitPolicy string
	Labels                     map[string]string
	SharedNamespaces           []string
	NumContainers              int
	CgroupPath                 string
	InfraConfig                struct {
		PortBindings map[string][]struct{ HostPort string }
	}
}

func (n *netEnv) podCloneInspect(pod string) podCloneInspect {
	n.T.Helper()
	var out []podCloneInspect
	if err := json.Unmarshal([]byte(n.MustPodlite("pod", "inspect", pod).Stdout), &out); err != nil || len(out) != 1 {
		n.T.Fatalf("pod inspect %s: %v %+v", pod, err, out)
	}
	return out[0]
}

// member is ps's line of container name: its pod's name and its state,
// "" when there is no such container.
func (n *netEnv) member(name string) string {
	n.T.Helper()
	return strings.TrimSpace(n.MustPodlite("ps", "-a", "--filter", "name=^"+name+"$", "--format", "{{.PodName}} {{.State}}").Stdout)
}

// TestPodClone: pod clone repeats the pod's configuration and its
// infra's (ports, hosts, DNS, shared namespaces, exit policy, labels,
// image and command) and clones its members; podman's names NAME-clone,
// NAME-clone1 for the pod and the members; a host port the original
// holds is refused unless --destroy; --destroy and --start; bad input
// and a member that cannot be cloned leave nothing.
func TestPodClone(t *testing.T) {
	n := newNetEnv(t)
	img := n.LoadBusybox()
	n.MustPodlite("pod", "create", "--name", "src", "--label", "a=1", "--hostname", "srchost",
		"--share", "+pid", "--exit-policy", "stop", "--add-host", "db:10.1.2.3", "--dns", "10.0.0.9")
	n.MustPodlite("run", "-d", "--pod", "src", "--name", "m1", img, "sleep", "1000")
	src := n.podCloneInspect("src")
	cloneID := strings.TrimSpace(n.MustPodlite("pod", "clone", "src").Stdout)
	if len(cloneID) != 64 {
		t.Fatalf("pod clone printed %q, want a pod ID", cloneID)
	}
	c := n.podCloneInspect(cloneID)
	if c.Name != "src-clone" || c.Hostname != "srchost" || c.ExitPolicy != "stop" || c.Labels["a"] != "1" ||
		strings.Join(c.SharedNamespaces, ",") != strings.Join(src.SharedNamespaces, ",") || c.NumContainers != 2 ||
		c.CgroupPath != "/podlite/pod-"+cloneID {
		t.Errorf("the clone: %+v\nthe original: %+v", c, src)
	}
	got := n.MustPodlite("run", "--rm", "--pod", "src-clone", img, "sh", "-c",
		"hostname; grep -c '10.1.2.3.*db' /etc/hosts; grep nameserver /etc/resolv.conf; cat /proc/1/cmdline").Stdout
	if got != "srchost\n1\nnameserver 10.0.0.9\n/podlite-pause\x00" {
		t.Errorf("hostname, hosts, DNS and shared PID 1 in the clone: %q", got)
	}
	// The clone's infra is named as podman names it: the original's with -clone.
	srcInfra := inspectField(n.Env, n.infraOf("src"), "{{.Name}}")
	if got := inspectField(n.Env, n.infraOf("src-clone"), "{{.Name}}"); got != srcInfra+"-clone" {
		t.Errorf("the clone's infra is named %q, want %s-clone", got, srcInfra)
	}
	n.MustPodlite("pod", "clone", "-l", "b=2", "src")
	if c := n.podCloneInspect("src-clone1"); c.Labels["a"] != "1" || c.Labels["b"] != "2" {
		t.Errorf("second clone: %+v, want src-clone1 with labels a and b", c)
	}
	// The member m1 is cloned into each, named as podman 4.3.1 names it.
	for name, want := range map[string]string{"m1": "src running", "m1-clone": "src-clone created", "m1-clone1": "src-clone1 created"} {
		if got := n.member(name); got != want {
			t.Errorf("container %s: %q, want %q", name, got, want)
		}
	}

	// A published host port stays the original's, unless --destroy
	// removes the original (after the clone is made).
	hp := strconv.Itoa(ntFreePort(t))
	n.MustPodlite("pod", "create", "--name", "ported", "-p", hp+":80")
	n.MustPodlite("run", "-d", "--pod", "ported", "--name", "m2", img, "sleep", "1000")
	if r := n.Podlite("pod", "clone", "ported"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "host port "+hp+"/tcp is already published by container") {
		t.Errorf("pod clone of a pod holding a port: exit %d, %q", r.ExitCode, r.Stderr)
	}
	n.MustPodlite("pod", "clone", "--destroy", "--start", "ported", "moved")
	if r := n.Podlite("pod", "exists", "ported"); r.ExitCode != 1 {
		t.Errorf("pod clone --destroy left the original: exit %d", r.ExitCode)
	}
	if r := n.Podlite("container", "exists", "m2"); r.ExitCode != 1 {
		t.Errorf("pod clone --destroy left the original's member: exit %d", r.ExitCode)
	}
	if got := n.MustPodlite("pod", "ps", "--filter", "name=^moved$", "--format", "{{.Status}} {{.NumberOfContainers}}").Stdout; got != "Running 2\n" {
		t.Errorf("pod clone --start: %q, want the clone running its infra and m2's clone", got)
	}
	if got := n.member("m2-clone"); got != "moved running" {
		t.Errorf("m2's clone after pod clone --destroy --start: %q", got)
	}
	n.MustPodlite("run", "-d", "--pod", "moved", "--name", "web", "-v", ntWebRoot(t, "cloned\n")+":/www",
		img, "httpd", "-f", "-p", "80", "-h", "/www")
	if body := ntHTTPGet(t, "http://127.0.0.1:"+hp+"/index.html"); body != "cloned\n" {
		t.Errorf("GET on the clone's published port = %q", body)
	}

	// The infra's image and command are cloned too.
	n.MustPodlite("pod", "create", "--name", "imaged", "--infra-image", img, "--infra-command", "sleep 1000", "--network", "none")
	n.MustPodlite("pod", "clone", "imaged")
	if got := inspectField(n.Env, n.infraOf("imaged-clone"), "{{.ImageName}} {{.Config.Cmd}}"); got != img+" [sleep 1000]" {
		t.Errorf("the infra of a clone of an --infra-image pod: %q", got)
	}

	before := n.MustPodlite("pod", "ps", "-q", "--no-trunc").Stdout
	for _, c := range []struct {
		want string
		args []string
	}{
		{"no pod with name or ID nosuch found", []string{"nosuch"}},
		{`name "src-clone" is in use`, []string{"src", "src-clone"}},
		{"invalid kernel namespace to share: disk", []string{"--share", "disk", "src"}},
		{"requires 1 to 2 arguments", nil},
		{"cannot define the pod as the cgroup parent", []string{"--share", "cgroup", "src"}},
	} {
		r := n.Podlite(append([]string{"pod", "clone"}, c.args...)...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, c.want) || r.Stdout != "" {
			t.Errorf("pod clone %v: exit %d, stdout %q, stderr %q; want 125 and %q", c.args, r.ExitCode, r.Stdout, r.Stderr, c.want)
		}
	}
	if after := n.MustPodlite("pod", "ps", "-q", "--no-trunc").Stdout; after != before {
		t.Errorf("failed clones changed the pods:\n%s\nwas\n%s", after, before)
	}
	n.podCloneMemberFails(img)
	n.MustPodlite("pod", "rm", "-f", "src", "src-clone", "src-clone1", "moved", "imaged", "imaged-clone", "bad")
	n.podsExpectNothingLeft()
}

// podCloneMemberFails: the second member of pod bad read an --env-file
// that is gone, so its clone fails after the pod and the first member's
// clone were made: both go, and nothing else changes.
func (n *netEnv) podCloneMemberFails(img string) {
	n.T.Helper()
	env := filepath.Join(n.T.TempDir(), "b2.env")
	if err := os.WriteFile(env, []byte("A=1\n"), 0o644); err != nil {
		n.T.Fatal(err)
	}
	n.MustPodlite("pod", "create", "--name", "bad", "--network", "none")
	n.MustPodlite("create", "--pod", "bad", "--name", "b1", img, "sleep", "1000")
	n.MustPodlite("create", "--pod", "bad", "--name", "b2", "--env-file", env, img, "sleep", "1000")
	if err := os.Remove(env); err != nil {
		n.T.Fatal(err)
	}
	pods := n.MustPodlite("pod", "ps", "-q", "--no-trunc").Stdout
	ctrs := n.MustPodlite("ps", "-a", "-q", "--no-trunc").Stdout
	r := n.Podlite("pod", "clone", "--start", "bad")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "cloning container b2") || !strings.Contains(r.Stderr, "b2.env") || r.Stdout != "" {
		n.T.Errorf("pod clone of a pod whose member cannot be cloned: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	if after := n.MustPodlite("pod", "ps", "-q", "--no-trunc").Stdout; after != pods {
		n.T.Errorf("a failed member clone changed the pods:\n%s\nwas\n%s", after, pods)
	}
	if after := n.MustPodlite("ps", "-a", "-q", "--no-trunc").Stdout; after != ctrs {
		n.T.Errorf("a failed member clone changed the containers:\n%s\nwas\n%s", after, ctrs)
	}
}
