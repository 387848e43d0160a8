package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// envFileEdges are --env-file lines whose parsing podman defines: leading
// blanks dropped, comments and blank lines skipped, values kept as written
// (quotes, inner "=", trailing blanks), a bare NAME taken from the host
// (or dropped), NAME* taking every host variable with that prefix.
const envFileEdges = "  LEAD=1\n#COMMENT=no\n\nTRAIL=a b  \nQUOTED=\"q\"\nEQ=a=b\nEMPTY=\nRFHOST\nRFMISSING\nRFGLOB_*\n"

// labelFileEdges are --label-file lines: a bare KEY is skipped, even when
// the host has such a variable.
const labelFileEdges = " app=web\n# no=comment\nRFHOST\nRFMISSING\neq=a=b\nspaced=x y \n"

func writeRunFlagFiles(t *testing.T) (envFile, labelFile string) {
	t.Helper()
	dir := t.TempDir()
	envFile, labelFile = filepath.Join(dir, "env"), filepath.Join(dir, "labels")
	writeFile(t, envFile, envFileEdges)
	writeFile(t, labelFile, labelFileEdges)
	t.Setenv("RFHOST", "from-host")
	t.Setenv("RFGLOB_A", "ga")
	t.Setenv("RFGLOB_B", "gb")
	os.Unsetenv("RFMISSING")
	return envFile, labelFile
}

// userEnvLines keeps the variables a test set, sorted.
func userEnvLines(out string) []string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		k, _, _ := strings.Cut(l, "=")
		if slices.Contains([]string{"LEAD", "TRAIL", "QUOTED", "EQ", "EMPTY", "RFHOST", "RFMISSING", "COMMENT", "OVER"}, k) || strings.HasPrefix(k, "RFGLOB_") {
			keep = append(keep, l)
		}
	}
	slices.Sort(keep)
	return keep
}

// TestRunEnvAndLabelFiles checks --env-file, -e over it, --env-host,
// --label-file with --label over it, and --annotation, inside the
// container and in inspect.
func TestRunEnvAndLabelFiles(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	envFile, labelFile := writeRunFlagFiles(t)
	out := e.MustPodlite("run", "--rm", "--net", "none", "--env-file", envFile, "-e", "EQ=over", img, "env").Stdout
	want := []string{"EMPTY=", "EQ=over", "LEAD=1", "QUOTED=\"q\"", "RFGLOB_A=ga", "RFGLOB_B=gb", "RFHOST=from-host", "TRAIL=a b  "}
	if got := userEnvLines(out); !slices.Equal(got, want) {
		t.Fatalf("env from --env-file and -e:\n%q\nwant\n%q", got, want)
	}
	// --env-host copies the host's environment; the image's and -e's win.
	t.Setenv("OVER", "host")
	out = e.MustPodlite("run", "--rm", "--net=none", "--env-host", img, "env").Stdout
	if !strings.Contains(out, "RFHOST=from-host\n") || !strings.Contains(out, "OVER=host\n") {
		t.Fatalf("--env-host did not copy the host's variables:\n%s", out)
	}
	if r := e.Podlite("run", "--rm", "--net", "none", "--env-file", "/nonexistent/env", img, "true"); r.ExitCode != 125 {
		t.Fatalf("a missing --env-file: exit %d, want 125", r.ExitCode)
	}

	e.MustPodlite("create", "--name", "labelled", "--label-file", labelFile, "-l", "app=db", "--annotation", "io.example/a=b=c", img, "true")
	got := e.MustPodlite("inspect", "--format", "{{json .Config.Labels}} {{index .Config.Annotations \"io.example/a\"}}", "labelled").Stdout
	if want := `{"app":"db","eq":"a=b","spaced":"x y "} b=c` + "\n"; got != want {
		t.Fatalf("labels and annotation: %q, want %q", got, want)
	}
	if r := e.Podlite("create", "--label-file", "/nonexistent/labels", img, "true"); r.ExitCode != 125 {
		t.Fatalf("a missing --label-file: exit %d, want 125", r.ExitCode)
	}
}

// TestRunContainerEnvAndTimezone checks /run/.containerenv (empty, and
// podman's keys for a privileged container) and --tz.
func TestRunContainerEnvAndTimezone(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	if out := e.MustPodlite("run", "--rm", "--net", "none", img, "sh", "-c", "test -f /run/.containerenv && wc -c < /run/.containerenv").Stdout; strings.TrimSpace(out) != "0" {
		t.Fatalf("/run/.containerenv of an unprivileged container has %s bytes, want an empty file", out)
	}
	out := e.MustPodlite("run", "--name", "priv", "--net", "none", "--privileged", img, "cat", "/run/.containerenv").Stdout
	id := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "priv").Stdout)
	engine, _, _ := strings.Cut(out, "\n")
	want := fmt.Sprintf("%s\nname=\"priv\"\nid=%q\nimage=%q\nimageid=%q\nrootless=0\n", engine, id, img, imageID(e, img))
	if !strings.HasPrefix(engine, `engine="podlite-`) || len(engine) < len(`engine="podlite-0"`) || out != want {
		t.Fatalf("/run/.containerenv of a privileged container:\n%s\nwant\n%s", out, want)
	}

	zone := "Asia/Tokyo"
	wantSum := hexSum(t, "/usr/share/zoneinfo/"+zone)
	out = e.MustPodlite("run", "--name", "tokyo", "--net", "none", "--tz", zone, img, "sh", "-c", "sha256sum /etc/localtime; date +%Z").Stdout
	if f := strings.Fields(out); len(f) != 3 || f[0] != wantSum || f[2] != "JST" {
		t.Fatalf("--tz %s: %q, want the zone's file (%s) and JST", zone, out, wantSum)
	}
	if tz := e.MustPodlite("inspect", "--format", "{{.Config.Timezone}}", "tokyo").Stdout; tz != zone+"\n" {
		t.Fatalf("inspect Timezone %q", tz)
	}
	out = e.MustPodlite("run", "--rm", "--net", "none", "--tz", "local", img, "sha256sum", "/etc/localtime").Stdout
	if f := strings.Fields(out); len(f) == 0 || f[0] != hexSum(t, "/etc/localtime") {
		t.Fatalf("--tz local: %q, want the host's /etc/localtime", out)
	}
	for _, bad := range []string{"Bad/Zone", "../../etc/passwd"} {
		expectOneLineError(t, e.Podlite("create", "--tz", bad, img, "true"))
	}
	// A bad --stop-signal used to fall back to SIGTERM silently.
	expectOneLineError(t, e.Podlite("create", "--stop-signal", "BOGUS", img, "true"))
}

func hexSum(t *testing.T, path string) string {
	t.Helper()
	return fmt.Sprintf("%x", fileSum(t, path))
}

// TestRunIDAndPidFiles checks --cidfile (written at create, refused when
// it exists, gone after a failed create, read by rm --cidfile), --pidfile
// and --conmon-pidfile against the running processes and inspect.
func TestRunIDAndPidFiles(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	dir := t.TempDir()
	cid, pid, cpid := filepath.Join(dir, "cid"), filepath.Join(dir, "pid"), filepath.Join(dir, "conmon.pid")
	id := strings.TrimSpace(e.MustPodlite("create", "--cidfile", cid, "--pidfile", pid, "--conmon-pidfile", cpid, "--net", "none", img, "sleep", "60").Stdout)
	if b, err := os.ReadFile(cid); err != nil || string(b) != id {
		t.Fatalf("cidfile holds %q (%v), want %s", b, err, id)
	}
	if _, err := os.Stat(pid); err == nil {
		t.Fatal("the pidfile exists before the first start")
	}
	if got := strings.TrimSpace(e.MustPodlite("ps", "-a", "--format", "{{.CIDFile}}", "--filter", "id="+id).Stdout); got != cid {
		t.Errorf("ps {{.CIDFile}} = %q, want %s", got, cid)
	}
	e.MustPodlite("start", id)
	got := e.MustPodlite("inspect", "--format", "{{.State.Pid}} {{.State.ConmonPid}} {{.PidFile}} {{.ConmonPidFile}} {{.HostConfig.ContainerIDFile}}", id).Stdout
	f := strings.Fields(got)
	if len(f) != 5 || f[2] != pid || f[3] != cpid || f[4] != cid {
		t.Fatalf("inspect: %q", got)
	}
	for _, file := range []struct{ path, want string }{{pid, f[0]}, {cpid, f[1]}} {
		b, err := os.ReadFile(file.path)
		if err != nil || string(b) != file.want {
			t.Fatalf("%s holds %q (%v), want %s", file.path, b, err, file.want)
		}
		if _, err := os.Stat("/proc/" + file.want); err != nil {
			t.Fatalf("%s names PID %s, which is not running", file.path, file.want)
		}
	}
	// start returns once the init was told to exec, as runc's does: the
	// exec itself follows.
	waitFor(t, func() bool {
		comm, _ := os.ReadFile("/proc/" + f[0] + "/comm")
		return strings.TrimSpace(string(comm)) == "sleep"
	})
	e.MustPodlite("restart", "-t", "0", id)
	newPid := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Pid}}", id).Stdout)
	if b, _ := os.ReadFile(pid); string(b) != newPid || newPid == f[0] {
		t.Fatalf("after a restart the pidfile holds %q, want the new PID %s", b, newPid)
	}

	r := e.Podlite("create", "--cidfile", cid, img, "true")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "container id file exists. Ensure another container is not using it or delete "+cid) {
		t.Fatalf("existing cidfile: %q", r.Stderr)
	}
	failed := filepath.Join(dir, "failed.cid")
	expectOneLineError(t, e.Podlite("create", "--cidfile", failed, "--pull", "never", "localhost/nosuch", "true"))
	expectOneLineError(t, e.Podlite("create", "--cidfile", failed, "--restart", "bogus", img, "true"))
	if _, err := os.Stat(failed); err == nil {
		t.Fatal("a failed create left its cidfile behind")
	}

	// rm --cidfile removes the container the file names.
	if out := e.MustPodlite("rm", "-f", "--cidfile", cid).Stdout; out != id+"\n" {
		t.Fatalf("rm --cidfile printed %q, want %s", out, id)
	}
	if e.Podlite("container", "exists", id).ExitCode == 0 {
		t.Fatal("rm --cidfile left the container")
	}
	expectOneLineError(t, e.Podlite("rm", "--cidfile", failed))
	e.MustPodlite("rm", "--ignore", "--cidfile", failed)
}

// TestRunPullPolicies checks --pull always, missing, never and newer and
// -q against a local registry.
func TestRunPullPolicies(t *testing.T) {
	registry := StartRegistry(t)
	e := NewEnv(t)
	img := e.LoadBusybox()
	remote := registry + "/test/busybox:1"
	e.MustPodlite("push", "-q", "--tls-verify=false", img, remote)
	e.MustPodlite("rmi", "-a")

	r := e.Podlite("run", "--rm", "--net", "none", "--pull", "never", remote, "true")
	expectOneLineError(t, r)
	// missing (the default) pulls, and shows the pull's progress...
	r = e.MustPodlite("run", "--rm", "--net", "none", "--tls-verify=false", remote, "echo", "ran")
	if r.Stdout != "ran\n" || !strings.Contains(r.Stderr, "Copying blob") {
		t.Fatalf("run of a missing image: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	e.MustPodlite("image", "exists", remote)
	// ...and then uses the local image, even with the registry gone.
	e.MustPodlite("run", "--rm", "--net", "none", "--pull", "never", remote, "true")
	e.MustPodlite("rmi", remote)
	// -q pulls without a word on stderr.
	r = e.MustPodlite("create", "-q", "--net", "none", "--tls-verify=false", remote, "true")
	if r.Stderr != "" || len(strings.TrimSpace(r.Stdout)) != 64 {
		t.Fatalf("create -q: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	// always pulls even when the image is here.
	e.MustPodlite("tag", remote, registry+"/test/local:1")
	r = e.Podlite("create", "--pull", "always", "--tls-verify=false", registry+"/test/local:1", "true")
	if r.ExitCode == 0 {
		t.Fatalf("--pull always of an image the registry does not have succeeded: %q", r.Stdout)
	}
	r = e.MustPodlite("create", "--pull", "always", "--net", "none", "--tls-verify=false", remote, "true")
	if !strings.Contains(r.Stderr, "Copying") {
		t.Fatalf("--pull always of a local image did not pull: stderr %q", r.Stderr)
	}
	// newer falls back to the local image when the registry lacks it.
	e.MustPodlite("create", "--pull", "newer", "--net", "none", "--tls-verify=false", registry+"/test/local:1", "true")
	expectOneLineError(t, e.Podlite("create", "--pull", "bogus", remote, "true"))
}

// TestRunRmi checks that --rmi removes the image after the container, but
// keeps an image another container uses, and refuses --rm=false.
func TestRunRmi(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := imageID(e, img)
	e.MustPodlite("create", "--name", "user", img, "true")
	e.MustPodlite("run", "--rmi", "--net", "none", img, "true")
	e.MustPodlite("image", "exists", id)
	e.MustPodlite("rm", "user")
	if out := e.MustPodlite("ps", "-a", "-q").Stdout; out != "" {
		t.Fatalf("--rmi left containers: %q", out)
	}
	expectOneLineError(t, e.Podlite("run", "--rmi", "--rm=false", img, "true"))
	// An image with another name only loses the one it was run with.
	e.MustPodlite("tag", img, "localhost/other:1")
	e.MustPodlite("run", "--rmi", "--net", "none", "localhost/other:1", "true")
	if e.Podlite("image", "exists", "localhost/other:1").ExitCode == 0 || e.Podlite("image", "exists", img).ExitCode != 0 {
		t.Fatal("--rmi of an image with two names did not just untag the one it ran")
	}
	e.MustPodlite("run", "--rmi", "--net", "none", img, "true")
	if r := e.Podlite("image", "exists", id); r.ExitCode == 0 {
		t.Fatal("--rmi kept an image no container uses")
	}
	// Detached, the supervisor's cleanup removes the image.
	e.LoadBusybox()
	e.MustPodlite("run", "-d", "--rmi", "--net", "none", img, "true")
	waitFor(t, func() bool { return e.Podlite("image", "exists", id).ExitCode != 0 })
}

// TestRunFlagsMatchPodman runs the same run flags on podlite and podman
// 4.3.1 and compares what the container sees: env file parsing, label
// file parsing, --tz, and the keys of a privileged /run/.containerenv.
func TestRunFlagsMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	envFile, labelFile := writeRunFlagFiles(t)

	both := func(args ...string) (string, string) {
		t.Helper()
		return e.MustPodlite(args...).Stdout, podmanStdout(pm, args...)
	}
	pl, pd := both("run", "--rm", "--net", "none", "--env-file", envFile, "-e", "EQ=over", img, "env")
	if a, b := userEnvLines(pl), userEnvLines(pd); !slices.Equal(a, b) {
		t.Errorf("--env-file:\npodlite %q\npodman  %q", a, b)
	}
	e.MustPodlite("create", "--name", "lf", "--label-file", labelFile, img, "true")
	pm.MustRun("create", "--name", "lf", "--label-file", labelFile, img, "true")
	pl, pd = both("inspect", "--format", "{{json .Config.Labels}}", "lf")
	if pl != pd {
		t.Errorf("--label-file: podlite %s, podman %s", pl, pd)
	}
	pl, pd = both("run", "--rm", "--net", "none", "--tz", "America/New_York", img, "sh", "-c", "sha256sum /etc/localtime; date +%Z | tr -d DS")
	if pl != pd {
		t.Errorf("--tz: podlite %q, podman %q", pl, pd)
	}
	pl, pd = both("run", "--rm", "--net", "none", "--privileged", img, "cat", "/run/.containerenv")
	if a, b := envKeys(pl), envKeys(pd); !slices.Equal(a, b) {
		t.Errorf("/run/.containerenv keys: podlite %q, podman %q", a, b)
	}
	pl, pd = both("run", "--rm", "--net", "none", img, "wc", "-c", "/run/.containerenv")
	if pl != pd {
		t.Errorf("unprivileged /run/.containerenv: podlite %q, podman %q", pl, pd)
	}
	// inspect shows the flags where podman's does (absolute paths, as
	// podman keeps them as given).
	dir := t.TempDir()
	inspectFlags := func(tool string) []string {
		return []string{"create", "--name", "insp", "--cidfile", filepath.Join(dir, tool+".cid"), "--pidfile", "/run/x.pid",
			"--conmon-pidfile", "/run/x.conmon", "--tz", "Asia/Tokyo", "--annotation", "a=b", "--stop-signal", "USR1", img, "true"}
	}
	e.MustPodlite(inspectFlags("podlite")...)
	pm.MustRun(inspectFlags("podman")...)
	pl, pd = both("inspect", "--format", "{{.PidFile}}|{{.ConmonPidFile}}|{{.Config.Timezone}}|{{index .Config.Annotations \"a\"}}|{{.Config.StopSignal}}", "insp")
	if pl != pd {
		t.Errorf("inspect: podlite %q, podman %q", pl, pd)
	}
	for _, args := range [][]string{{"--cidfile", envFile}, {"--pull", "bogus"}, {"--stop-signal", "BOGUS"}, {"--tz", "Bad/Zone"}} {
		r := e.Podlite(append(append([]string{"create"}, args...), img, "true")...)
		_, err := pm.Run(append(append([]string{"create"}, args...), img, "true")...)
		if code := exitCode(err); r.ExitCode != code {
			t.Errorf("create %s: podlite exit %d, podman %d", strings.Join(args, " "), r.ExitCode, code)
		}
	}
}

func envKeys(s string) []string {
	var keys []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		k, _, _ := strings.Cut(l, "=")
		keys = append(keys, k)
	}
	return keys
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var code int
	if _, scanErr := fmt.Sscanf(err.Error(), "exit status %d", &code); scanErr == nil {
		return code
	}
	return -1
}

// podmanStdout runs podman as pm.Run does and returns its stdout alone:
// podman logs errors of its own (lock refreshes of a new run root) on
// stderr.
func podmanStdout(pm *Podman, args ...string) string {
	pm.T.Helper()
	cmd := exec.Command(pm.Bin, append([]string{"--root", pm.Root, "--runroot", pm.RunRoot}, args...)...)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+pm.conf)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		pm.T.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
