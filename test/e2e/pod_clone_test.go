package e2e

import (
	"encoding/json"
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

// TestPodClone: pod clone repeats the pod's configuration and its
// infra's (ports, hosts, DNS, shared namespaces, exit policy, labels,
// image and command), not its members; podman's names NAME-clone,
// NAME-clone1; a host port the original holds is refused unless
// --destroy; --destroy and --start; bad input leaves nothing.
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
		strings.Join(c.SharedNamespaces, ",") != strings.Join(src.SharedNamespaces, ",") || c.NumContainers != 1 ||
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
	if got := n.MustPodlite("pod", "ps", "--filter", "name=^moved$", "--format", "{{.Status}} {{.NumberOfContainers}}").Stdout; got != "Running 1\n" {
		t.Errorf("pod clone --start: %q, want the clone running its infra only", got)
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
	n.MustPodlite("pod", "rm", "-f", "src", "src-clone", "src-clone1", "moved", "imaged", "imaged-clone")
	n.podsExpectNothingLeft()
}
