package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGlobalLogLevel: podman's levels are accepted; anything else is
// refused before the command runs, with podman's message and status (1,
// no "Error: "), the same as podman 4.3.1's.
func TestGlobalLogLevel(t *testing.T) {
	e := NewEnv(t)
	for _, lvl := range []string{"trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"} {
		e.MustPodlite("--log-level", lvl, "ps")
	}
	for _, bad := range []string{"bogus", "verbose", ""} {
		r := e.Podlite("--log-level="+bad, "version")
		want := `Log Level "` + bad + `" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic` + "\n"
		if r.ExitCode != 1 || r.Stdout != "" || r.Stderr != want {
			t.Errorf("--log-level=%q: exit %d stdout %q stderr %q", bad, r.ExitCode, r.Stdout, r.Stderr)
		}
	}
	pm := NewPodman(t)
	cmd := pm.command("--log-level=bogus", "version")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	_ = cmd.Run()
	if r := e.Podlite("--log-level=bogus", "version"); cmd.ProcessState.ExitCode() != r.ExitCode || stderr.String() != r.Stderr {
		t.Errorf("podman: exit %d %q; podlite: exit %d %q", cmd.ProcessState.ExitCode(), stderr.String(), r.ExitCode, r.Stderr)
	}
}

// TestGlobalOut: --out and --noout take podlite's own output away from
// stdout; a container's output still goes there, as podman's does.
func TestGlobalOut(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	out := filepath.Join(t.TempDir(), "out")
	if r := e.MustPodlite("--out", out, "create", "--name", "quiet", img, "echo", "from-container"); r.Stdout != "" {
		t.Errorf("create --out printed %q", r.Stdout)
	}
	b, err := os.ReadFile(out)
	if err != nil || len(strings.TrimSpace(string(b))) != 64 {
		t.Errorf("--out file: %q, %v", b, err)
	}
	if r := e.MustPodlite("--noout", "ps", "-a"); r.Stdout != "" {
		t.Errorf("ps --noout printed %q", r.Stdout)
	}
	if r := e.MustPodlite("--noout", "start", "-a", "quiet"); r.Stdout != "from-container\n" {
		t.Errorf("start -a --noout: container output %q", r.Stdout)
	}
	if r := e.MustPodlite("--out", out, "run", "--rm", img, "echo", "again"); r.Stdout != "again\n" {
		t.Errorf("run --out: container output %q", r.Stdout)
	}
	expectOneLineError(t, e.Podlite("--noout", "--out", out, "ps"))
}

// TestGlobalRefusals: a podman flag podlite cannot honour is refused in
// one line that says why (exit 125), never ignored; the values podlite
// does honour are accepted.
func TestGlobalRefusals(t *testing.T) {
	e := NewEnv(t)
	for flag, why := range map[string]string{
		"--runtime=crun":            "embedded runtime",
		"--runtime=/usr/bin/runc":   "embedded runtime",
		"--runtime-flag=debug":      "embedded runtime, which takes no flags",
		"--cgroup-manager=systemd":  "through cgroupfs",
		"--cgroup-manager=bogus":    "must be cgroupfs",
		"--events-backend=journald": "writes events to a file",
		"--events-backend=bogus":    "not a valid events backend",
		"--tmpdir=/tmp/x":           "under --runroot",
		"--remote":                  "no service to connect to",
		"--url=unix:///run/x.sock":  "no service to connect to",
		"--connection=prod":         "no service connections",
		"--identity=/root/.ssh/id":  "no service connections",
		"--ssh=native":              "no service connections",
		"--conmon=/usr/bin/conmon":  "not conmon",
		"--network-cmd-path=/bin/x": "no rootless network command",
		"--cdi-spec-dir=/etc/cdi":   "no CDI device support",
		"--imagestore=/srv/images":  "--root storage only",
		"--db-backend=sqlite":       "boltdb only",
		"--transient-store":         "persistent state database",
	} {
		r := e.Podlite(flag, "ps")
		expectOneLineError(t, r)
		if !strings.Contains(r.Stderr, why) || r.Stdout != "" {
			t.Errorf("%s: stdout %q stderr %q, want a reason with %q", flag, r.Stdout, r.Stderr, why)
		}
	}
	for _, flag := range []string{"--runtime=runc", "--cgroup-manager=cgroupfs", "--events-backend=file", "--events-backend=none", "--db-backend=boltdb"} {
		e.MustPodlite(flag, "ps")
	}
}

// TestGlobalPaths: --network-config-dir names a network domain of its own
// (its leases under it, as a config file naming only that directory) and
// --volumepath the directory of new named volumes.
func TestGlobalPaths(t *testing.T) {
	e := NewEnv(t)
	netDir, volDir := t.TempDir(), t.TempDir()
	e.MustPodlite("--network-config-dir", netDir, "network", "create", "--subnet", "10.231.7.0/24", "sidenet")
	if _, err := os.Stat(filepath.Join(netDir, "sidenet.conflist")); err != nil {
		t.Errorf("network create under --network-config-dir: %v", err)
	}
	if ls := e.MustPodlite("network", "ls", "--format", "{{.Name}}").Stdout; strings.Contains(ls, "sidenet") {
		t.Errorf("the configured domain lists the other directory's network: %q", ls)
	}
	if ls := e.MustPodlite("--network-config-dir", netDir, "network", "ls", "--format", "{{.Name}}").Stdout; !strings.Contains(ls, "sidenet") {
		t.Errorf("--network-config-dir network ls: %q", ls)
	}
	e.MustPodlite("--network-config-dir", netDir, "network", "rm", "sidenet")

	e.MustPodlite("--volumepath", volDir, "volume", "create", "vp")
	mp := strings.TrimSpace(e.MustPodlite("volume", "inspect", "--format", "{{.Mountpoint}}", "vp").Stdout)
	if !strings.HasPrefix(mp, volDir+"/") {
		t.Errorf("--volumepath: volume mountpoint %q, want under %s", mp, volDir)
	}
	e.MustPodlite("--volumepath", volDir, "volume", "rm", "vp")
}

// TestGlobalSyslog: --syslog logs to the system log as well, or fails
// where there is none (the delivery itself: pkg/logging's tests).
func TestGlobalSyslog(t *testing.T) {
	e := NewEnv(t)
	r := e.Podlite("--syslog", "ps")
	if _, err := os.Stat("/dev/log"); err == nil {
		if r.ExitCode != 0 {
			t.Fatalf("--syslog with /dev/log: %d %s", r.ExitCode, r.Stderr)
		}
		return
	}
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "connecting to syslog") {
		t.Errorf("--syslog without a system log: %s", r.Stderr)
	}
}

// TestGlobalStorageOpt: --storage-opt reaches the graph driver: a mount
// option shows on the container's root, an unknown option is the driver's
// error.
func TestGlobalStorageOpt(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	r := e.Podlite("--storage-opt", "nosuchdriver.x=1", "images")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, `unknown driver "nosuchdriver"`) {
		t.Errorf("unknown driver option: %s", r.Stderr)
	}
	driver := strings.TrimSpace(e.MustPodlite("info", "--format", "{{.Store.GraphDriverName}}").Stdout)
	if driver != "overlay" {
		t.Skipf("the mount option check needs overlay; this run uses %s", driver)
	}
	root := e.MustPodlite("--storage-opt", "overlay.mountopt=nodev", "run", "--rm", img, "grep", " / overlay ", "/proc/mounts").Stdout
	if !strings.Contains(root, "nodev") {
		t.Errorf("overlay.mountopt=nodev: root mount %q", root)
	}
}

// confWith writes a config file: the env's own (its network domain) plus
// extra.
func confWith(t *testing.T, e *Env, extra string) string {
	t.Helper()
	base, err := os.ReadFile(e.Config)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "podlite.conf")
	if err := os.WriteFile(path, append(base, []byte("\n"+extra+"\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestConfigLayers: PODLITE_CONFIG_OVERRIDE and --module are read over
// the main file (--config), and the cleanup process the supervisor runs
// reads them too. The main file here names a cgroup manager podlite
// refuses, which the override (or the module) corrects: a cleanup that
// missed either would fail, and the --rm container would stay.
func TestConfigLayers(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	main := confWith(t, e, `cgroup_manager = "systemd"`)
	fix := filepath.Join(t.TempDir(), "fix.conf")
	vols := t.TempDir()
	writeFile(t, fix, "cgroup_manager = \"cgroupfs\"\nvolume_path = \""+vols+"\"\n")

	expectOneLineError(t, e.Podlite("--config", main, "ps"))
	r := e.Podlite("--config", main, "--module", "nosuch.conf", "ps")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "config module nosuch.conf not found") {
		t.Errorf("missing module: %s", r.Stderr)
	}
	removedByCleanup := func(args ...string) {
		t.Helper()
		e.MustPodlite(append(args, "run", "-d", "--rm", "--name", "brief", img, "true")...)
		waitFor(t, func() bool { return e.MustPodlite(append(args, "ps", "-a", "-q")...).Stdout == "" })
	}
	removedByCleanup("--config", main, "--module", fix)

	t.Setenv("PODLITE_CONFIG_OVERRIDE", fix)
	removedByCleanup("--config", main)
	e.MustPodlite("--config", main, "volume", "create", "v")
	if got := e.MustPodlite("--config", main, "volume", "inspect", "--format", "{{.Mountpoint}}", "v").Stdout; !strings.HasPrefix(got, vols+"/") {
		t.Errorf("volume_path from the override: mountpoint %q, want under %s", got, vols)
	}
	e.MustPodlite("--config", main, "volume", "rm", "v")

	t.Setenv("PODLITE_CONFIG_OVERRIDE", filepath.Join(t.TempDir(), "nosuch.conf"))
	r = e.Podlite("ps")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "PODLITE_CONFIG_OVERRIDE") {
		t.Errorf("missing override file: %s", r.Stderr)
	}
}
