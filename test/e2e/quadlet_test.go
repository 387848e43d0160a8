package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestQuadletUserUnits is the Quadlet story for an ordinary user: a
// .container on a .network with a .volume, in the user's search
// directory (~/.config/containers/systemd under XDG_CONFIG_HOME),
// translated by the podlite-user-generator symlink into the user's unit
// directory, verified, and run by the real user manager: web.service
// pulls in the network's and volume's units and its container serves on
// the published port. A drop-in changes an Environment value; an unknown
// key is a warning naming the file and line.
func TestQuadletUserUnits(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	service := quadletService(e)
	qdir := filepath.Join(e.XDG, "config", "containers", "systemd")
	writeUserFiles(t, e, qdir, map[string]string{
		"web.container": "[Unit]\nDescription=the web server\n\n[Container]\nImage=" + img + "\nContainerName=web\n" +
			"Network=front.network\nVolume=site.volume:/www\nPublishPort=" + port + ":80\nEnvironment=GREETING=hello\nStopTimeout=1\n" +
			"Exec=sh -c \"echo $GREETING > /www/index.html; exec httpd -f -p 80 -h /www\"\nBogusKey=1\n" + service,
		"front.network": "[Network]\nSubnet=10.89.42.0/24\n" + service,
		"site.volume":   "[Volume]\nLabel=app=web\n" + service,
	})

	stderr := runUserGenerator(t, e, m, 3)
	want := filepath.Join(qdir, "web.container") + ":13: unknown key BogusKey in [Container]: ignored"
	if !strings.Contains(stderr, want) {
		t.Errorf("the generator's stderr %q lacks the warning %q", stderr, want)
	}
	m.Systemctl("start", "web.service")
	m.RequireMain(e, "web.service", "web")
	for _, u := range []string{"front-network.service", "site-volume.service"} {
		if got := m.Show(u, "ActiveState", "Result"); got["ActiveState"] != "active" || got["Result"] != "success" {
			t.Errorf("%s after web.service's start: %v", u, got)
		}
	}
	waitFor(t, func() bool { return httpGet(addr) == "hello\n" })
	if got := e.MustPodlite("network", "inspect", "systemd-front").Stdout; !strings.Contains(got, `"10.89.42.0/24"`) {
		t.Errorf("network systemd-front lacks the subnet 10.89.42.0/24:\n%s", got)
	}
	if got := strings.TrimSpace(e.MustPodlite("volume", "inspect", "--format", "{{.Labels.app}}", "systemd-site").Stdout); got != "web" {
		t.Errorf("volume systemd-site has label app=%q", got)
	}

	// A drop-in's Environment= overrides the file's.
	writeUserFiles(t, e, qdir, map[string]string{"web.container.d/10-greeting.conf": "[Container]\nEnvironment=GREETING=changed\n"})
	runUserGenerator(t, e, m, 3)
	m.Systemctl("restart", "web.service")
	m.RequireMain(e, "web.service", "web")
	waitFor(t, func() bool { return httpGet(addr) == "changed\n" })

	m.Systemctl("stop", "web.service")
	m.RequireStopped(e, "web.service", "web", "")
	if body := httpGet(addr); body != "" {
		t.Errorf("after the stop %s still answers %q", addr, body)
	}
}

// quadletService is a [Service] section giving the units' podlite the
// env's XDG directories (Quadlet passes [Service] through).
func quadletService(e *Env) string {
	service := "\n[Service]\n"
	for i := 1; i < len(unitEnv(e)); i += 2 {
		service += "Environment=" + unitEnv(e)[i] + "\n"
	}
	return service
}

// writeUserFiles writes files (paths under dir) owned by the env's user.
func writeUserFiles(t *testing.T, e *Env, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chownTree(filepath.Join(e.XDG, "config"), e.User); err != nil {
		t.Fatal(err)
	}
}

// runUserGenerator runs podlite as podlite-user-generator, as the user
// manager would, with the user's unit directory as its output directory
// (no generator is installed on the host), checks every unit with
// systemd-analyze --user verify, reloads the manager and returns the
// generator's stderr; it must have written want units.
func runUserGenerator(t *testing.T, e *Env, m *userManager, want int) string {
	t.Helper()
	link := filepath.Join(workDir, "podlite-user-generator")
	if _, err := os.Lstat(link); err != nil {
		if err := os.Symlink(userBinary, link); err != nil {
			t.Fatal(err)
		}
	}
	u := e.User
	cmd := exec.Command("setpriv", "--reuid", strconv.Itoa(u.uid), "--regid", strconv.Itoa(u.gid), "--init-groups", "--",
		link, m.UnitDir, m.UnitDir, m.UnitDir)
	cmd.Env = []string{"HOME=" + u.home, "PATH=/usr/bin:/bin", "XDG_CONFIG_HOME=" + filepath.Join(e.XDG, "config")}
	cmd.Dir = e.XDG
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if out, err := cmd.Output(); err != nil || len(out) > 0 {
		t.Fatalf("podlite-user-generator: %v\nstdout %s\nstderr %s", err, out, stderr.String())
	}
	units, err := filepath.Glob(filepath.Join(m.UnitDir, "*.service"))
	if err != nil || len(units) != want {
		t.Fatalf("the generator wrote %v (%v), want %d units", units, err, want)
	}
	for _, path := range units {
		if out, err := m.asUser("systemd-analyze", "--user", "verify", path); err != nil || strings.TrimSpace(out) != "" {
			text, _ := os.ReadFile(path)
			t.Errorf("systemd-analyze --user verify %s: %v\n%s\n%s", path, err, out, text)
		}
	}
	m.Systemctl("daemon-reload")
	return stderr.String()
}

// TestQuadletUserPod runs a .pod with a member .container: the member's
// unit requires the pod's, which creates the pod afresh with its
// published port (its infra's supervisor the main process); the member
// serves in the pod; stopping the pod's unit removes the pod.
func TestQuadletUserPod(t *testing.T) {
	e, m, img := newSystemdEnv(t)
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	service := quadletService(e)
	qdir := filepath.Join(e.XDG, "config", "containers", "systemd")
	writeUserFiles(t, e, qdir, map[string]string{
		"app.pod": "[Pod]\nPodName=app\nPublishPort=" + port + ":80\n" + service,
		"worker.container": "[Container]\nImage=" + img + "\nContainerName=worker\nPod=app.pod\nStopTimeout=1\n" +
			"Exec=sh -c \"mkdir /www; echo in-pod > /www/index.html; exec httpd -f -p 80 -h /www\"\n" + service,
	})
	if stderr := runUserGenerator(t, e, m, 2); stderr != "" {
		t.Errorf("the generator warned: %s", stderr)
	}
	m.Systemctl("start", "worker.service")
	m.RequireMain(e, "worker.service", "worker")
	infra := strings.TrimSpace(e.MustPodlite("pod", "inspect", "--format", "{{.InfraContainerID}}", "app").Stdout)
	m.RequireMain(e, "app-pod.service", infra)
	waitFor(t, func() bool { return httpGet(addr) == "in-pod\n" })
	m.Systemctl("stop", "worker.service")
	m.RequireStopped(e, "worker.service", "worker", "")
	m.Systemctl("stop", "app-pod.service")
	if got := m.Show("app-pod.service", "ActiveState", "Result"); got["ActiveState"] != "inactive" || got["Result"] != "success" {
		t.Errorf("app-pod.service after its stop: %v", got)
	}
	if r := e.Podlite("pod", "exists", "app"); r.ExitCode != 1 {
		t.Errorf("after the stop the pod is still there (pod exists: %d)", r.ExitCode)
	}
}
