package e2e

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loopCommand is a container command that ends at SIGTERM at once.
var loopCommand = []string{"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1; done"}

// TestSystemdUserNewUnit runs a `generate systemd --new` unit of a
// rootless container under the user's real systemd: started, its main
// process the container's supervisor; restarted by Restart=on-failure
// when the container is killed; restarted; stopped, which removes the
// container. Then two instances of its --template unit.
func TestSystemdUserNewUnit(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite(append([]string{"create", "--name", "web", "--network", "none", img}, loopCommand...)...)
	units := generateUnits(e, "--new", "--name", "--restart-sec", "1", "web")
	unit := units["container-web.service"]
	for _, want := range []string{"Type=notify\n", "NotifyAccess=all\n", "--sdnotify=conmon", "--replace", "--rm", "--cidfile=%t/%n.ctr-id"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q:\n%s", want, unit)
		}
	}
	e.MustPodlite("rm", "web") // the unit makes it afresh
	m.Install(units)

	m.Systemctl("start", "container-web.service")
	first := m.RequireMain(e, "container-web.service", "web")

	// Restart=on-failure: the container killed, the supervisor exits 137.
	if err := syscall.Kill(e.inspectInt("web", ".State.Pid"), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	m.WaitFor("container-web.service", 30*time.Second, func(p map[string]string) bool {
		return p["NRestarts"] == "1" && p["ActiveState"] == "active"
	}, "NRestarts", "ActiveState", "MainPID", "Result")
	if second := m.RequireMain(e, "container-web.service", "web"); second == first {
		t.Errorf("the restarted unit's main process is still %d", first)
	}

	m.Systemctl("restart", "container-web.service")
	m.RequireMain(e, "container-web.service", "web")
	m.Systemctl("stop", "container-web.service")
	m.RequireStopped(e, "container-web.service", "web", "")

	// --template: each instance runs a container of its own, web-INSTANCE.
	e.MustPodlite(append([]string{"create", "--name", "web", "--network", "none", img}, loopCommand...)...)
	tmpl := generateUnits(e, "--new", "--name", "--template", "web")
	e.MustPodlite("rm", "web")
	m.Install(tmpl)
	m.Systemctl("start", "container-web@one.service", "container-web@two.service")
	m.RequireMain(e, "container-web@one.service", "web-one")
	m.RequireMain(e, "container-web@two.service", "web-two")
	m.Systemctl("stop", "container-web@one.service", "container-web@two.service")
	m.RequireStopped(e, "container-web@one.service", "web-one", "")
}

// TestSystemdUserExistingUnit runs a unit without --new: it starts and
// stops the existing container, its main process read from the
// supervisor's PID file.
func TestSystemdUserExistingUnit(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite(append([]string{"create", "--name", "db", "--network", "none", img}, loopCommand...)...)
	units := generateUnits(e, "--name", "db")
	unit := units["container-db.service"]
	for _, want := range []string{"Type=forking\n", "PIDFile=", " start db\n"} {
		if !strings.Contains(unit, want) {
			t.Errorf("the unit lacks %q:\n%s", want, unit)
		}
	}
	m.Install(units)
	m.Systemctl("start", "container-db.service")
	m.RequireMain(e, "container-db.service", "db")
	m.Systemctl("stop", "container-db.service")
	m.RequireStopped(e, "container-db.service", "db", "exited")
}

// TestSystemdUserPodUnits runs a pod's units: the pod's unit runs the
// infra and pulls in its member's unit; stopping it stops the member.
func TestSystemdUserPodUnits(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite("pod", "create", "--name", "app", "--network", "none")
	e.MustPodlite(append([]string{"create", "--pod", "app", "--name", "worker", img}, loopCommand...)...)
	units := generateUnits(e, "--name", "app")
	if len(units) != 2 || units["pod-app.service"] == "" || units["container-worker.service"] == "" {
		t.Fatalf("units %v, want pod-app and container-worker", units)
	}
	m.Install(units)
	m.Systemctl("start", "pod-app.service")
	infra := strings.TrimSpace(e.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
	for unit, ctr := range map[string]string{"pod-app.service": infra, "container-worker.service": "worker"} {
		m.WaitFor(unit, 20*time.Second, func(p map[string]string) bool { return p["ActiveState"] == "active" }, "ActiveState")
		m.RequireMain(e, unit, ctr)
	}
	m.Systemctl("stop", "pod-app.service")
	m.RequireStopped(e, "container-worker.service", "worker", "exited")
	m.RequireStopped(e, "pod-app.service", infra, "exited")
}

// TestSystemdUserSdNotifyContainer runs a --new unit of a
// --sdnotify=container container: the unit is activating until the
// container itself sends READY=1 to its own socket; its STATUS= comes
// through; the main process stays the supervisor.
func TestSystemdUserSdNotifyContainer(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	helper := sdnotifyHelper(t)
	e.MustPodlite("create", "--name", "ready", "--network", "none", "--sdnotify", "container", "-v", helper+":/sdnotify:ro", img,
		"sh", "-c", "trap 'exit 0' TERM; sleep 3; /sdnotify MAINPID=1 'STATUS=warmed up' READY=1; while :; do sleep 1; done")
	units := generateUnits(e, "--new", "--name", "ready")
	unit := units["container-ready.service"]
	if !strings.Contains(unit, "--sdnotify container") || strings.Contains(unit, "--sdnotify=conmon") {
		t.Errorf("the unit does not keep --sdnotify container:\n%s", unit)
	}
	e.MustPodlite("rm", "ready")
	m.Install(units)
	m.Systemctl("start", "--no-block", "container-ready.service")
	m.WaitFor("container-ready.service", 20*time.Second, func(p map[string]string) bool {
		return p["ActiveState"] == "activating" && p["MainPID"] != "0" && p["MainPID"] != ""
	}, "ActiveState", "MainPID")
	got := m.WaitFor("container-ready.service", 30*time.Second, func(p map[string]string) bool { return p["ActiveState"] == "active" },
		"ActiveState", "MainPID", "StatusText")
	if sup := e.inspectInt("ready", ".State.ConmonPid"); got["MainPID"] != strconv.Itoa(sup) || got["StatusText"] != "warmed up" {
		t.Errorf("unit %v, want MainPID %d (the supervisor, not the container's MAINPID=1) and the container's status", got, sup)
	}
	m.Systemctl("stop", "container-ready.service")
}

// TestGenerateSystemdOutput checks generate systemd's text, JSON and
// files as root, systemd-analyze verify on them, and its refusals.
func TestGenerateSystemdOutput(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "web", "--network", "none", "--stop-timeout", "7", img, "sleep", "100")
	id := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "web").Stdout)
	text := e.MustPodlite("generate", "systemd", "web").Stdout
	for _, want := range []string{
		"# container-" + id + ".service\n# autogenerated by podlite ",
		"[Unit]\nDescription=podlite container-" + id + ".service\nWants=network-online.target\nAfter=network-online.target\nRequiresMountsFor=" + e.RunRoot + "\n",
		"[Service]\nEnvironment=PODLITE_SYSTEMD_UNIT=%n\nRestart=on-failure\nTimeoutStopSec=67\n",
		" start " + id + "\n", " stop \\\n\t-t 7 " + id + "\n",
		"PIDFile=" + filepath.Join(e.RunRoot, "containers", id, "conmon.pid") + "\nType=forking\n\n[Install]\nWantedBy=default.target\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the unit lacks %q:\n%s", want, text)
		}
	}

	dir := t.TempDir()
	cmd := e.Command("generate", "systemd", "--new", "--name", "--files", "--format", "json", "--no-header", "web")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("generate --files: %v", err)
	}
	var paths map[string]string
	if err := json.Unmarshal(out, &paths); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	path := filepath.Join(dir, "container-web.service")
	if len(paths) != 1 || paths["container-web"] != path {
		t.Fatalf("--files --format json printed %s, want the path %s", out, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# container-web.service\n\n[Unit]\n") || !strings.Contains(string(b), "--root "+e.Root) {
		t.Errorf("the --new --no-header unit:\n%s", b)
	}
	if out, err := exec.Command("systemd-analyze", "verify", path).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, "nosuch does not refer to a container or pod"},
		{[]string{"--restart-policy", "sometimes", "web"}, "sometimes is not a valid restart policy"},
		{[]string{"--template", "web"}, "--template needs --new"},
		{[]string{"--format", "yaml", "web"}, "only json is supported"},
	} {
		r := e.Podlite(append([]string{"generate", "systemd"}, bad.args...)...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, bad.want) {
			t.Errorf("generate systemd %v: exit %d, %q; want 125 and %q", bad.args, r.ExitCode, r.Stderr, bad.want)
		}
	}
}

// TestSystemdUserSdNotifyHealthy runs a --new unit of a
// --sdnotify=healthy container: activating, the supervisor its main
// process, until the health check first passes.
func TestSystemdUserSdNotifyHealthy(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite("create", "--name", "checked", "--network", "none", "--sdnotify", "healthy",
		"--health-cmd", "test -f /tmp/ready", "--health-interval", "1s", img,
		"sh", "-c", "trap 'exit 0' TERM; sleep 4; touch /tmp/ready; while :; do sleep 1; done")
	units := generateUnits(e, "--new", "--name", "checked")
	e.MustPodlite("rm", "checked")
	m.Install(units)
	m.Systemctl("start", "--no-block", "container-checked.service")
	// Until the first check passes (4 s): activating, the supervisor the
	// main process.
	got := m.WaitFor("container-checked.service", 20*time.Second, func(p map[string]string) bool {
		r := e.Podlite("inspect", "--format", "{{.State.ConmonPid}}", "checked")
		return r.ExitCode == 0 && p["MainPID"] == strings.TrimSpace(r.Stdout)
	}, "ActiveState", "MainPID")
	if got["ActiveState"] != "activating" {
		t.Errorf("before the first passing check the unit is %v, want activating", got)
	}
	if h := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Health.Status}}", "checked").Stdout); h == "healthy" {
		t.Errorf("the container is already healthy while the unit is %v", got)
	}
	m.WaitFor("container-checked.service", 30*time.Second, func(p map[string]string) bool { return p["ActiveState"] == "active" }, "ActiveState")
	m.RequireMain(e, "container-checked.service", "checked")
	if h := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Health.Status}}", "checked").Stdout); h != "healthy" {
		t.Errorf("the unit is active with the container %q", h)
	}
	m.Systemctl("stop", "container-checked.service")
	m.RequireStopped(e, "container-checked.service", "checked", "")
}

// TestSystemdUserNewPodUnits runs the --new units of a pod: the pod's unit
// creates the pod afresh and runs its infra, the member's unit runs its
// container in it by the pod's ID file; the stop removes both.
func TestSystemdUserNewPodUnits(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	e.MustPodlite("pod", "create", "--name", "fresh", "--network", "none")
	e.MustPodlite(append([]string{"create", "--pod", "fresh", "--name", "member", img}, loopCommand...)...)
	units := generateUnits(e, "--new", "--name", "fresh")
	e.MustPodlite("pod", "rm", "-f", "fresh") // the units make them afresh
	m.Install(units)
	m.Systemctl("start", "pod-fresh.service")
	infra := strings.TrimSpace(e.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "fresh").Stdout)
	m.RequireMain(e, "pod-fresh.service", infra)
	m.WaitFor("container-member.service", 20*time.Second, func(p map[string]string) bool { return p["ActiveState"] == "active" }, "ActiveState")
	m.RequireMain(e, "container-member.service", "member")
	if names := e.MustPodlite("ps", "--filter", "pod=fresh", "--format", "{{.Names}}").Stdout; !strings.Contains(names, "member") {
		t.Errorf("the member's unit ran its container outside the pod: the pod's containers are %q", names)
	}
	m.Systemctl("stop", "pod-fresh.service")
	m.RequireStopped(e, "container-member.service", "member", "")
	if r := e.Podlite("pod", "exists", "fresh"); r.ExitCode != 1 {
		t.Errorf("after the stop the pod is still there (pod exists: %d)", r.ExitCode)
	}
}

// TestSystemdUserStory is issue #13's story for an ordinary user: a
// container run with a published port (pasta), its --new unit written
// with --files, enabled and started: the unit replaces the running
// container and serves on the port; its stop closes the port.
func TestSystemdUserStory(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	e.MustPodlite("run", "-d", "--name", "web", "-p", port+":80", "--stop-timeout", "1", img, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; exec httpd -f -p 80 -h /www")
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	before := e.inspectInt("web", ".State.ConmonPid")

	gen := append([]string{"generate", "systemd", "--new", "--name", "--files"}, unitEnv(e)...)
	path := strings.TrimSpace(e.MustPodlite(append(gen, "web")...).Stdout)
	if path != filepath.Join(e.XDG, "container-web.service") {
		t.Fatalf("--files printed %q, want the unit in the working directory", path)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m.Install(map[string]string{"container-web.service": string(text)})
	m.Systemctl("enable", "--now", "container-web.service")
	if sup := m.RequireMain(e, "container-web.service", "web"); sup == before {
		t.Errorf("the unit did not replace the running container (supervisor %d)", sup)
	}
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	if got := m.Show("container-web.service", "UnitFileState"); got["UnitFileState"] != "enabled" {
		t.Errorf("after enable: %v", got)
	}
	m.Systemctl("stop", "container-web.service")
	m.RequireStopped(e, "container-web.service", "web", "")
	if body := httpGet(addr); body != "" {
		t.Errorf("after the stop %s still answers %q", addr, body)
	}
	m.Systemctl("disable", "container-web.service")
}

// TestSystemdUserUnitLeavesPause: after a reboot the unit's start is the
// user's first command and starts the rootless pause process; that goes
// to a scope of its own, so the unit's stop (systemd kills what is left in
// the unit's cgroup) does not end the user namespace of the user's other
// containers, which stay manageable.
func TestSystemdUserUnitLeavesPause(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	const unit = "container-web.service"
	e.MustPodlite(append([]string{"create", "--name", "web", "--network", "none", img}, loopCommand...)...)
	m.Install(generateUnits(e, "--new", "--name", "web"))
	e.MustPodlite("rm", "web")
	m.reboot(e)
	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "web")
	pause, err := os.ReadFile(filepath.Join(e.RunRoot, "pause.pid"))
	if err != nil {
		t.Fatal(err)
	}
	cgroup, err := os.ReadFile("/proc/" + strings.TrimSpace(string(pause)) + "/cgroup")
	if err != nil || strings.Contains(string(cgroup), unit) {
		t.Errorf("the pause process is in the unit's cgroup (%v):\n%s", err, cgroup)
	}
	e.MustPodlite(append([]string{"run", "-d", "--name", "other", "--network", "none", img}, loopCommand...)...)
	m.Systemctl("stop", unit)
	if r := e.Podlite("exec", "other", "true"); r.ExitCode != 0 {
		t.Errorf("after the unit's stop, exec in the user's other container: exit %d, %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("rm", "-f", "-t", "0", "other")
}

// TestSystemdUserForegroundConmon runs a hand-written Type=notify unit
// whose podlite runs the container in the foreground (no -d): that
// podlite is the supervisor and tells systemd it runs.
func TestSystemdUserForegroundConmon(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	var env strings.Builder
	for i := 1; i < len(unitEnv(e)); i += 2 {
		env.WriteString("Environment=" + unitEnv(e)[i] + "\n")
	}
	unit := "[Unit]\nDescription=a foreground podlite run\n\n[Service]\nType=notify\nNotifyAccess=all\n" + env.String() +
		"ExecStart=" + userBinary + " run --rm --name fg --network none --sdnotify=conmon " + img + " sh -c \"trap 'exit 0' TERM; while :; do sleep 1; done\"\n" +
		"ExecStop=" + userBinary + " stop -t 5 fg\n"
	m.Install(map[string]string{"fg.service": unit})
	m.Systemctl("start", "fg.service")
	m.RequireMain(e, "fg.service", "fg")
	m.Systemctl("stop", "fg.service")
	m.RequireStopped(e, "fg.service", "fg", "")
}
