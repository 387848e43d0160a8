package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

// TestRunAttachStreamsAndFDs checks run's --attach (only the named streams
// reach the caller, the ID printed when neither output is attached),
// --preserve-fds and --preserve-fd (a shell's `3<file`), and the
// detach-keys refusals of a foreground run that cannot detach.
func TestRunAttachStreamsAndFDs(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	both := []string{"sh", "-c", "echo out; echo err >&2"}
	run := func(flags ...string) *Result {
		return e.MustPodlite(append(append([]string{"run", "--rm", "--net", "none"}, flags...), append([]string{img}, both...)...)...)
	}
	for _, c := range []struct{ flag, stdout, stderr string }{
		{"stdout", "out\n", ""}, {"stderr", "", "err\n"}, {"STDOUT", "out\n", ""},
	} {
		if r := run("-a", c.flag); r.Stdout != c.stdout || r.Stderr != c.stderr {
			t.Errorf("-a %s: stdout %q stderr %q, want %q %q", c.flag, r.Stdout, r.Stderr, c.stdout, c.stderr)
		}
	}
	if r := run("-a", "stdin"); !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(r.Stdout) || r.Stderr != "" {
		t.Errorf("-a stdin alone: stdout %q stderr %q, want the container's ID only", r.Stdout, r.Stderr)
	}
	if r := e.PodliteStdin("in\n", "run", "--rm", "-i", "--net", "none", "-a", "stdin", "-a", "stdout", img, "cat"); r.Stdout != "in\n" {
		t.Errorf("-i -a stdin -a stdout: %q (exit %d, %s)", r.Stdout, r.ExitCode, r.Stderr)
	}

	f := filepath.Join(t.TempDir(), "fd")
	writeFile(t, f, "passed\n")
	open := func() *os.File { // one each: a read moves the offset all the opens share
		file, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { file.Close() })
		return file
	}
	// fd 3 (or 4) inside is the file; the count shows no more fds than 0-2, the passed ones, and ls's own.
	for _, c := range []struct {
		extra        []*os.File
		flag, script string
	}{
		{[]*os.File{open()}, "--preserve-fds=1", "cat <&3; ls /proc/self/fd | wc -l"},
		{[]*os.File{devNull(t), open()}, "--preserve-fd=4", "cat <&4; ls /proc/self/fd | wc -l"},
	} {
		cmd := e.Command("run", "--rm", "--net", "none", c.flag, img, "sh", "-c", c.script)
		cmd.ExtraFiles = c.extra
		out, err := cmd.CombinedOutput()
		want := "passed 5"
		if c.flag == "--preserve-fd=4" {
			want = "passed 6" // 3 is /dev/null
		}
		if got := strings.Join(strings.Fields(string(out)), " "); err != nil || got != want {
			t.Errorf("%s: %q, %v; want %q", c.flag, out, err, want)
		}
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--preserve-fds", "2"}, "file descriptor 3 is not available"},
		{[]string{"-a", "bogus"}, `invalid stream "bogus" for --attach`},
		{[]string{"-i", "--detach-keys", "ctrl-p,ctrl-q"}, "detaching needs -i and -t, a terminal on stdin"},
		{[]string{"--detach-keys", "bogus"}, "invalid detach keys"},
		{[]string{"-d", "-a", "stdout"}, "no effect with --detach"},
		{[]string{"--pod", "p1"}, "no pod with name or ID p1 found: no such pod"},
	} {
		r := e.Podlite(append(append([]string{"run", "--rm", "--net", "none"}, c.args...), img, "true")...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, c.msg) {
			t.Errorf("run %v: exit %d %q, want 125 and %q", c.args, r.ExitCode, r.Stderr, c.msg)
		}
	}
	e.MustPodlite("run", "--rm", "--net", "none", "--detach-keys", "", "--disable-content-trust", img, "true")

	// passthrough on a terminal is podman's refusal; passthrough-tty runs.
	script := requireTool(t, "script", "apt-get install util-linux")
	for _, c := range []struct{ driver, want string }{
		{"passthrough", "cannot be used on a TTY"}, {"passthrough-tty", "tty-ok"},
	} {
		cmd := e.Command("run", "--rm", "--net", "none", "--log-driver", c.driver, img, "echo", "tty-ok")
		quoted := make([]string, len(cmd.Args))
		for i, a := range cmd.Args {
			quoted[i] = "'" + a + "'"
		}
		out, _ := exec.Command(script, "-qec", strings.Join(quoted, " "), "/dev/null").CombinedOutput()
		if !strings.Contains(string(out), c.want) {
			t.Errorf("--log-driver %s on a terminal: %q, want %q", c.driver, out, c.want)
		}
	}
	if r := e.Podlite("create", "-a", "stdout", img, "true"); r.ExitCode != 125 {
		t.Errorf("create -a: exit %d, want 125", r.ExitCode)
	}
}

// TestRunSignalsTimeoutAndInitPath checks --sig-proxy both ways, --timeout
// in a foreground and a detached run (killed, exit recorded as -1 as
// podman's), and --init-path.
func TestRunSignalsTimeoutAndInitPath(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	script := `trap "exit 7" TERM; echo up; sleep 3 & wait`
	for _, c := range []struct {
		proxy string
		want  int
	}{{"true", 7}, {"false", 0}} {
		cmd := e.Command("run", "--rm", "--net", "none", "--sig-proxy="+c.proxy, img, "sh", "-c", script)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 3)
		if _, err := out.Read(buf); err != nil || string(buf) != "up\n" {
			t.Fatalf("--sig-proxy=%s: the container did not start: %q %v", c.proxy, buf, err)
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		err = cmd.Wait()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != c.want {
			t.Errorf("--sig-proxy=%s: SIGTERM to podlite gave exit %d (%v), want %d", c.proxy, code, err, c.want)
		}
	}

	if r := e.Podlite("run", "--name", "fg", "--net", "none", "--timeout", "1", img, "sleep", "30"); r.ExitCode != 255 {
		t.Errorf("run --timeout 1 sleep 30: exit %d, want 255 (%s)", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("run", "-d", "--name", "bg", "--net", "none", "--timeout", "1", img, "sh", "-c", "trap '' TERM; sleep 30")
	if got := strings.TrimSpace(e.MustPodlite("wait", "bg").Stdout); got != "-1" {
		t.Errorf("wait of a detached container killed at its --timeout: %q, want -1", got)
	}
	for _, name := range []string{"fg", "bg"} {
		if got := e.MustPodlite("inspect", "--format", "{{.Config.Timeout}} {{.State.ExitCode}}", name).Stdout; got != "1 -1\n" {
			t.Errorf("inspect %s: %q, want timeout 1 and exit -1", name, got)
		}
	}

	tini := requireTool(t, "tini-static", "apt-get install tini")
	b, err := os.ReadFile(tini)
	if err != nil {
		t.Fatal(err)
	}
	initPath := filepath.Join(t.TempDir(), "my-init")
	if err := os.WriteFile(initPath, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if r := e.MustPodlite("run", "--rm", "--net", "none", "--init", "--init-path", initPath, img, "sh", "-c", "echo $$"); r.Stdout == "1\n" {
		t.Errorf("--init-path: the command runs as PID 1, no init above it")
	}
	if r := e.Podlite("run", "--rm", "--init", "--init-path", "/nonexistent/init", img, "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "/nonexistent/init") {
		t.Errorf("a missing --init-path: exit %d %q", r.ExitCode, r.Stderr)
	}
}

// TestRunLogDriversAndOptions checks --log-driver (json-file logged as
// k8s-file, journald's error without a journal, passthrough-tty),
// --log-opt path, tag and max-size (the log emptied before a line would
// pass it, in a foreground and a detached run) and inspect's LogConfig.
func TestRunLogDriversAndOptions(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	dir := t.TempDir()
	path := filepath.Join(dir, "fg.log")
	lines := "i=0; while [ $i -lt 200 ]; do echo line$i; i=$((i+1)); done"
	e.MustPodlite("run", "--name", "fg", "--net", "none", "--log-driver", "json-file", "--log-opt", "path="+path, "--log-opt", "max-size=1k", "--log-opt", "tag=web", img, "sh", "-c", lines)
	e.MustPodlite("run", "-d", "--name", "bg", "--net", "none", "--log-opt", "max-size=1k", img, "sh", "-c", lines)
	e.MustPodlite("wait", "bg")
	for _, name := range []string{"fg", "bg"} {
		logPath := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.HostConfig.LogConfig.Path}}", name).Stdout)
		st, err := os.Stat(logPath)
		if err != nil || st.Size() > 1000 {
			t.Errorf("%s: log %s is %v bytes (%v), want at most max-size 1k", name, logPath, st.Size(), err)
		}
		out := e.MustPodlite("logs", name).Stdout
		if !strings.HasSuffix(out, "line199\n") || strings.Contains(out, "line0\n") {
			t.Errorf("%s: logs kept %q, want the last lines only", name, out)
		}
	}
	got := e.MustPodlite("inspect", "--format", "{{with .HostConfig.LogConfig}}{{.Type}} {{.Path}} {{.Tag}} {{.Size}} {{json .Config}}{{end}}", "fg").Stdout
	if want := "json-file " + path + " web 1kB null\n"; got != want {
		t.Errorf("LogConfig of json-file with options: %q, want %q", got, want)
	}
	e.MustPodlite("create", "--name", "quiet", "--log-driver", "passthrough-tty", img, "true")
	if got := e.MustPodlite("inspect", "--format", "{{.HostConfig.LogConfig.Type}} [{{.HostConfig.LogConfig.Path}}] {{.HostConfig.LogConfig.Size}}", "quiet").Stdout; got != "passthrough-tty [] 0B\n" {
		t.Errorf("LogConfig of passthrough-tty: %q", got)
	}

	type refusal struct {
		args []string
		msg  string
	}
	var journal []refusal
	// Without a journal socket, podman's error (TestLogsJournald runs a
	// journal of its own).
	if _, err := os.Stat("/run/systemd/journal/socket"); err != nil {
		journal = append(journal, refusal{[]string{"--log-driver", "journald"}, "failed to initialize journal"})
	}
	for _, c := range append(journal, []refusal{
		{[]string{"--log-driver", "bogus"}, "invalid log driver"},
		{[]string{"--log-opt", "max-size=abc"}, "invalid size: 'abc'"},
		{[]string{"--log-opt", "nokey"}, `invalid log option "nokey"`},
		{[]string{"--log-opt", "max-file=3"}, `unsupported log option "max-file"`},
		{[]string{"--log-driver", "none", "--log-opt", "path=/tmp/x"}, "need the k8s-file log driver"},
	}...) {
		r := e.Podlite(append(append([]string{"create"}, c.args...), img, "true")...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, c.msg) {
			t.Errorf("create %v: exit %d %q, want 125 and %q", c.args, r.ExitCode, r.Stderr, c.msg)
		}
	}
}

// TestRunRequiresVolumesFromImageVolume checks --requires (started
// first, in order), --volumes-from with ro, and --image-volume: bind
// volumes filled from the image, tmpfs, ignore.
func TestRunRequiresVolumesFromImageVolume(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "db", "--net", "none", img, "sleep", "1000")
	e.MustPodlite("create", "--name", "app", "--net", "none", "--requires", "db", img, "sleep", "1000")
	e.MustPodlite("run", "--rm", "--net", "none", "--requires", "app", img, "true")
	if got := e.MustPodlite("ps", "--format", "{{.Names}}", "--sort", "names").Stdout; got != "app\ndb\n" {
		t.Errorf("running after a run --requires app (which requires db): %q", got)
	}
	// As podman: a required container goes only with --depend, after those requiring it.
	if r := e.Podlite("rm", "-f", "db"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "has dependent containers which must be removed before it") {
		t.Errorf("rm -f of a required container: exit %d %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("rm", "-f", "--depend", "db")
	if got := e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; got != "" {
		t.Errorf("left after rm --depend db: %q", got)
	}
	if r := e.Podlite("create", "--requires", "nosuch", img, "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, `"nosuch" is not a valid container, cannot be used as a dependency`) {
		t.Errorf("--requires nosuch: exit %d %q", r.ExitCode, r.Stderr)
	}

	host := t.TempDir()
	e.MustPodlite("create", "--name", "src", "--net", "none", "-v", "shared:/data", "-v", host+":/host", img, "true")
	e.MustPodlite("run", "--rm", "--net", "none", "--volumes-from", "src", img, "sh", "-c", "echo v > /data/f && echo h > /host/f")
	if got := e.MustPodlite("run", "--rm", "--net", "none", "--volumes-from", "src:ro", img, "sh", "-c", "cat /data/f /host/f; touch /data/g 2>/dev/null || echo ro").Stdout; got != "v\nh\nro\n" {
		t.Errorf("--volumes-from src:ro: %q, want both files and a read-only volume", got)
	}
	if r := e.Podlite("create", "--volumes-from", "src:bogus", img, "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, `invalid option "bogus" specified`) {
		t.Errorf("--volumes-from src:bogus: exit %d %q", r.ExitCode, r.Stderr)
	}

	e.MustPodlite("run", "--name", "mk", "--net", "none", img, "sh", "-c", "mkdir /vol && echo imgdata > /vol/file")
	archive := filepath.Join(t.TempDir(), "vol.tar")
	e.MustPodlite("export", "-o", archive, "mk")
	e.MustPodlite("import", "-q", "-c", "VOLUME /vol", archive, "localhost/withvol")
	script := "cat /vol/file 2>/dev/null; grep -q ' /vol ' /proc/mounts && echo mounted; grep -q ' /vol tmpfs ' /proc/mounts && echo tmpfs; true"
	for _, c := range []struct{ mode, want string }{
		{"bind", "imgdata\nmounted\n"}, {"tmpfs", "mounted\ntmpfs\n"}, {"ignore", "imgdata\n"},
	} {
		got := e.MustPodlite("run", "--rm", "--net", "none", "--image-volume", c.mode, "localhost/withvol", "sh", "-c", script).Stdout
		if got != c.want {
			t.Errorf("--image-volume %s: %q, want %q", c.mode, got, c.want)
		}
	}
}

// devNull is /dev/null opened for t.
func devNull(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// busyboxRootfs exports the busybox image's rootfs into a directory of
// the test, for --rootfs.
func busyboxRootfs(e *Env, img string) string {
	e.T.Helper()
	e.MustPodlite("create", "--name", "rootfs-src", img, "true")
	archive := filepath.Join(e.T.TempDir(), "rootfs.tar")
	e.MustPodlite("export", "-o", archive, "rootfs-src")
	e.MustPodlite("rm", "rootfs-src")
	dir := e.T.TempDir()
	if out, err := exec.Command("tar", "-xf", archive, "-C", dir).CombinedOutput(); err != nil {
		e.T.Fatalf("unpacking the rootfs: %v\n%s", err, out)
	}
	return dir
}

// TestRunRootfs checks --rootfs: a run writes into the directory; with
// ":O" into an overlay that goes with the run; inspect shows the
// directory and no image; a missing directory gives podman's error.
func TestRunRootfs(t *testing.T) {
	e := NewEnv(t)
	dir := busyboxRootfs(e, e.LoadBusybox())
	if got := e.MustPodlite("run", "--rm", "--net", "none", "--rootfs", dir+":O", "sh", "-c", "echo o > /o; cat /o").Stdout; got != "o\n" {
		t.Errorf("--rootfs DIR:O: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "o")); err == nil {
		t.Errorf("--rootfs DIR:O wrote into DIR")
	}
	e.MustPodlite("run", "--name", "direct", "--net", "none", "--rootfs", dir, "sh", "-c", "echo d > /d")
	if b, err := os.ReadFile(filepath.Join(dir, "d")); err != nil || string(b) != "d\n" {
		t.Errorf("--rootfs DIR: the container's write is not in DIR: %q %v", b, err)
	}
	if got := e.MustPodlite("inspect", "--format", "{{.Rootfs}}|{{.Image}}|{{.ImageName}}", "direct").Stdout; got != dir+"||\n" {
		t.Errorf("inspect of a --rootfs container: %q", got)
	}
	if r := e.Podlite("run", "--rm", "--rootfs", "/nonexistent/rootfs", "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "stat /nonexistent/rootfs") {
		t.Errorf("--rootfs of a missing directory: exit %d %q", r.ExitCode, r.Stderr)
	}
	checkRootfsViews(e, dir)
}

// checkRootfsViews checks mount, cp and export of --rootfs containers:
// "direct" (stopped) is the directory itself; a ":O" one is its overlay
// while it runs, and once stopped is read from the directory but not
// written.
func checkRootfsViews(e *Env, dir string) {
	t := e.T
	host := filepath.Join(t.TempDir(), "h")
	if err := os.WriteFile(host, []byte("h\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.MustPodlite("run", "-d", "--name", "ov", "--net", "none", "--rootfs", dir+":O", "sh", "-c", "echo x > /x; exec sleep 300")
	e.MustPodlite("exec", "ov", "sh", "-c", "until [ -e /x ]; do sleep 0.1; done")
	e.MustPodlite("cp", host, "direct:/h")
	e.MustPodlite("cp", host, "ov:/hov")
	cases := []struct {
		name, cmd string
		want      func(string) bool
	}{
		{"mount of a directory", "mount direct", func(o string) bool { return o == dir+"\n" }},
		{"cp from a directory", "cp direct:/d -", func(o string) bool { return strings.Contains(o, "d\n") }},
		{"export of a directory", "export direct", func(o string) bool {
			return strings.Contains(o, "\x00") && strings.Contains(o, "d\n") && strings.Contains(o, "h\n")
		}},
		{"mount of a running :O", "mount ov", func(o string) bool { return o != dir+"\n" && strings.HasPrefix(o, "/") }},
		{"cp from a running :O", "cp ov:/x -", func(o string) bool { return strings.Contains(o, "x\n") }},
		{"export of a running :O", "export ov", func(o string) bool { return strings.Contains(o, "hov") && strings.Contains(o, "x\n") }},
	}
	for _, tc := range cases {
		if out := e.MustPodlite(strings.Fields(tc.cmd)...).Stdout; !tc.want(out) {
			t.Errorf("%s: %q", tc.name, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "h")); err != nil || string(b) != "h\n" {
		t.Errorf("cp into a --rootfs directory: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "hov")); err == nil {
		t.Errorf("cp into a running :O container wrote into its directory")
	}
	e.MustPodlite("stop", "-t", "0", "ov")
	if out := e.MustPodlite("cp", "ov:/d", "-").Stdout; !strings.Contains(out, "d\n") {
		t.Errorf("cp from a stopped :O container (its directory): %q", out)
	}
	for _, args := range [][]string{{"cp", host, "ov:/h2"}, {"mount", "ov"}} {
		if r := e.Podlite(args...); r.ExitCode != 125 || !strings.Contains(r.Stderr, "only while it runs") {
			t.Errorf("%v of a stopped :O container: exit %d %q", args, r.ExitCode, r.Stderr)
		}
	}
}

// TestRunIOPodmanDifferential runs the same commands on podlite and podman
// 4.3.1 where 4.3.1 agrees with the 5.x docs: --attach's output, the
// fields of inspect's LogConfig and Config.Timeout, a --timeout kill's
// exit, and the messages of bad --attach, --log-opt, --image-volume,
// --volumes-from and --requires values.
func TestRunIOPodmanDifferential(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	both := func(args ...string) (lite *Result, pod Result) {
		return e.Podlite(args...), *pm.Result(args...)
	}
	for _, a := range []string{"stdout", "stderr"} {
		lite, pod := both("run", "--rm", "--net", "none", "-a", a, img, "sh", "-c", "echo out; echo err >&2")
		if lite.Stdout != pod.Stdout || lite.Stderr != pod.Stderr || lite.ExitCode != pod.ExitCode {
			t.Errorf("run -a %s: podlite %+v, podman %+v", a, *lite, pod)
		}
	}
	lite, pod := both("run", "--name", "killed", "--net", "none", "--timeout", "1", img, "sleep", "30")
	if lite.ExitCode != pod.ExitCode {
		t.Errorf("run --timeout 1: exit %d, podman's %d", lite.ExitCode, pod.ExitCode)
	}
	logDir := t.TempDir()
	both("create", "--name", "logged", "--log-driver", "json-file", "--log-opt", "max-size=10k", "--log-opt", "tag=web",
		"--log-opt", "path="+filepath.Join(logDir, "c.log"), img, "true")
	both("create", "--name", "plain", img, "true")
	rootfs := busyboxRootfs(e, img)
	both("create", "--name", "fromdir", "--rootfs", rootfs, "true")
	if lite, pod := both("inspect", "--format", "{{.Rootfs}}|{{.Image}}|{{.ImageName}}|{{.Path}}", "fromdir"); lite.Stdout != pod.Stdout {
		t.Errorf("inspect of a --rootfs container: podlite %q, podman %q", lite.Stdout, pod.Stdout)
	}
	format := "{{with .HostConfig.LogConfig}}{{.Type}} {{.Tag}} {{.Size}} {{json .Config}}{{end}} {{.Config.Timeout}} {{.State.ExitCode}}"
	for _, name := range []string{"logged", "plain", "killed"} {
		if lite, pod := both("inspect", "--format", format, name); lite.Stdout != pod.Stdout {
			t.Errorf("inspect %s: podlite %q, podman %q", name, lite.Stdout, pod.Stdout)
		}
	}
	if lite, pod := both("inspect", "--format", "{{.HostConfig.LogConfig.Path}}", "logged"); lite.Stdout != pod.Stdout {
		t.Errorf("--log-opt path: podlite %q, podman %q", lite.Stdout, pod.Stdout)
	}
	for _, args := range [][]string{
		{"run", "--rm", "-a", "bogus", img, "true"},
		{"create", "--log-opt", "nokey", img, "true"},
		{"create", "--log-opt", "max-size=abc", img, "true"},
		{"create", "--volumes-from", "plain:bogus", img, "true"},
		{"create", "--volumes-from", "nosuch", img, "true"},
		{"create", "--requires", "nosuch", img, "true"},
		{"create", "--image-volume", "bogus", img, "true"},
		{"create", "--rootfs", "/nonexistent/rootfs", "true"},
	} {
		lite, pod := both(args...)
		if lite.ExitCode != pod.ExitCode || firstLine(lite.Stderr) != firstLine(pod.Stderr) {
			t.Errorf("%v: podlite %d %q, podman %d %q", args, lite.ExitCode, lite.Stderr, pod.ExitCode, pod.Stderr)
		}
	}
}

// firstLine is the first line of an error output, without podlite's or
// podman's error-class suffix (": invalid argument") and podman's usage
// hint.
func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	for _, suffix := range []string{": invalid argument", ": no such container", ": not found"} {
		l = strings.TrimSuffix(l, suffix)
	}
	return l
}

// TestCreatePullRetries checks --retry and --retry-delay: a pull refused
// by the network is tried again as often as asked, with podman's warning;
// the env's config (retry = 0) stands when --retry is not given.
func TestCreatePullRetries(t *testing.T) {
	e := NewEnv(t)
	ref := freeAddr(t) + "/nothing-listens"
	r := e.Podlite("create", "--tls-verify=false", "--retry", "2", "--retry-delay", "50ms", ref, "true")
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "retrying in 50ms ... (1/2)") || !strings.Contains(r.Stderr, "(2/2)") || strings.Contains(r.Stderr, "(3/2)") {
		t.Errorf("--retry 2: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if r := e.Podlite("create", "--tls-verify=false", ref, "true"); r.ExitCode != 125 || strings.Contains(r.Stderr, "retrying") {
		t.Errorf("retry = 0 in the config: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if r := e.Podlite("create", "--retry-delay", "soon", ref, "true"); r.ExitCode != 125 || !strings.Contains(r.Stderr, "invalid --retry-delay") {
		t.Errorf("--retry-delay soon: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
}
