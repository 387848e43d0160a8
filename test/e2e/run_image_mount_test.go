package e2e

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// TestRunImageMounts runs one container with three --mount type=image
// mounts of the busybox image (read-only, rw=true, a subpath) and
// --hosts-file=image, and follows the image mounts through exec, rmi,
// stop, a start that crashes, and a reboot: held while the container
// runs, released after each, nothing left for the leak checker.
func TestRunImageMounts(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "--name", "src", "--net", "none", "--no-hosts", img, "sh", "-c", "echo '192.0.2.9 fromimage' > /etc/hosts")
	e.MustPodlite("commit", "-q", "src", "withhosts:1")
	e.MustPodlite("rm", "src")
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "m", "--net", "none", "--hosts-file=image",
		"--mount", "type=image,source="+img+",destination=/ro",
		"--mount", "type=image,src="+img+",dst=/rw,rw=true",
		"--mount", "type=image,source="+img+",target=/sub,subpath=/etc",
		"withhosts:1", "sleep", "1000").Stdout)
	mounted := func() bool { return strings.Contains(e.MustPodlite("image", "mount").Stdout, img) }
	script := `cat /ro/etc/group; touch /ro/x 2>/dev/null || echo ro-refused; test -e /rw/x && echo rw-kept
touch /rw/x && echo rw-written; ls /sub; grep fromimage /etc/hosts`
	want := "root:x:0:\nnobody:x:65534:\nro-refused\nrw-written\ngroup\npasswd\n192.0.2.9 fromimage\n"
	check := func(when string) {
		t.Helper()
		if got := e.MustPodlite("exec", "m", "sh", "-c", script).Stdout; got != want {
			t.Errorf("%s: the image mounts show %q, want %q", when, got, want)
		}
		if !mounted() {
			t.Errorf("%s: image mount does not list the image of the running container's mounts", when)
		}
	}
	check("first run")
	if got := strings.TrimSpace(inspectField(e, "m", `{{range .Mounts}}{{if eq .Type "image"}}{{.Source}}:{{.Destination}}:{{.RW}} {{end}}{{end}}`)); got != img+":/ro:false "+img+":/rw:true "+img+":/sub:false" {
		t.Errorf("inspect's image mounts: %q", got)
	}
	r := e.Podlite("rmi", img)
	if r.ExitCode != 2 || !strings.Contains(r.Stderr, "image used by "+id+": image is in use by a container") {
		t.Errorf("rmi of a mounted image: exit %d, %q", r.ExitCode, r.Stderr)
	}
	stopped := func(when string) {
		t.Helper()
		e.MustPodlite("stop", "-t", "0", "m")
		if mounted() {
			t.Errorf("%s: the image is still mounted after stop", when)
		}
	}
	stopped("first run")
	// rw=true's writes went with the run: the second sees no /rw/x.
	e.MustPodlite("start", "m")
	check("second run")
	stopped("second run")

	t.Run("crashed start", func(t *testing.T) {
		e.CrashAt(crashpoint.StartSpecWritten, "start", "m")
		if got := inspectField(e, "m", "{{.State.Status}}"); got != "exited" {
			t.Errorf("after the crashed start: status %q", got)
		}
		if mounted() {
			t.Error("the image mounts of a crashed start were not released")
		}
	})
	t.Run("reboot", func(t *testing.T) {
		e.MustPodlite("start", "m")
		e.simulateReboot("m")
		if got := inspectField(e, "m", "{{.State.Status}}"); got != "exited" {
			t.Errorf("after the reboot: status %q", got)
		}
		e.MustPodlite("start", "m")
		check("after the reboot")
		stopped("after the reboot")
	})
	e.MustPodlite("rm", "m")
	e.MustPodlite("rmi", img) // no user left
	expectRefusals(e, "withhosts:1", []refusal{
		{[]string{"--mount", "type=image,source=nosuch:1,target=/img"}, `creating image volume "nosuch:1":"/img": nosuch:1: image not known`},
		{[]string{"--mount", "type=image,target=/img"}, "type=image needs a source image"},
		{[]string{"--mount", "type=image,source=withhosts:1,target=/img,idmap"}, "idmap is not supported"},
	})
}

// TestImageMountAndCommitMatchPodman compares with podman 4.3.1 what
// inspect shows of an image mount and the image volumes commit makes of a
// container's mounts, with and without --include-volumes.
func TestImageMountAndCommitMatchPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	create := []string{"create", "--name", "c1", "--network", "none", "-v", t.TempDir() + ":/b1", "-v", "named:/n1",
		"--tmpfs", "/t1", "--mount", "type=tmpfs,dst=/t2", "--mount", "type=image,source=" + img + ",destination=/i1",
		"--mount", "type=image,source=" + img + ",destination=/i2,rw=true", img, "sleep", "1"}
	e.MustPodlite(create...)
	pm.MustRun(create...)
	format := `{{range .Mounts}}{{if eq .Type "image"}}{{.Source}}|{{.Destination}}|{{.RW}} {{end}}{{end}}`
	// podman 4.3.1 lists them in no fixed order.
	sorted := func(s string) string { f := strings.Fields(s); slices.Sort(f); return strings.Join(f, " ") }
	if got, want := sorted(inspectContainer(e, format, "c1")), sorted(pm.Result("container", "inspect", "--format", format, "c1").Stdout); got != want {
		t.Errorf("inspect's image mounts:\npodlite %q\npodman  %q", got, want)
	}
	for _, tc := range []struct{ name, flag string }{{"with", "--include-volumes"}, {"without", "--pause=false"}} {
		commit := []string{"commit", "-q", tc.flag, "c1", "vols-" + tc.name}
		e.MustPodlite(commit...)
		pm.MustRun(commit...)
		format := "{{json .Config.Volumes}}"
		if got, want := inspectImage(e, format, "vols-"+tc.name), strings.TrimSpace(pm.MustRun("image", "inspect", "--format", format, "vols-"+tc.name)); got != want {
			t.Errorf("commit %s --include-volumes: image volumes\npodlite %s\npodman  %s", tc.name, got, want)
		}
	}
}

// TestIpcShmMatchesPodman: --ipc container:NAME shares the other
// container's /dev/shm both ways (released when the joiner exits), and a
// --ipc private container refuses joiners, as podman 4.3.1.
func TestIpcShmMatchesPodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	type engine struct {
		name string
		run  func(args ...string) *Result
	}
	for _, en := range []engine{{"podlite", e.Podlite}, {"podman", pm.Result}} {
		must := func(args ...string) string {
			t.Helper()
			r := en.run(args...)
			if r.ExitCode != 0 {
				t.Fatalf("%s %v: exit %d\n%s", en.name, args, r.ExitCode, r.Stderr)
			}
			return strings.TrimSpace(r.Stdout)
		}
		donor := must("run", "-d", "--network", "none", img, "sleep", "1000")
		must("exec", donor, "sh", "-c", "echo fromdonor > /dev/shm/a")
		if got := must("run", "--rm", "--network", "none", "--ipc", "container:"+donor, img, "sh", "-c", "cat /dev/shm/a; echo fromjoiner > /dev/shm/b"); got != "fromdonor" {
			t.Errorf("%s: the joiner's /dev/shm shows %q", en.name, got)
		}
		if got := must("exec", donor, "cat", "/dev/shm/b"); got != "fromjoiner" {
			t.Errorf("%s: the donor's /dev/shm shows %q", en.name, got)
		}
		private := must("create", "--network", "none", "--ipc", "private", img, "true")
		r := en.run("create", "--network", "none", "--ipc", "container:"+private, img, "true")
		want := "Error: joining IPC of container " + private + " is not allowed: non-shareable IPC (hint: use IpcMode:shareable for the donor container)"
		if r.ExitCode != 125 || strings.TrimSpace(r.Stderr) != want {
			t.Errorf("%s: joining a private IPC: exit %d, %q", en.name, r.ExitCode, r.Stderr)
		}
	}
	if points, err := mountPointsUnder(e.RunRoot); err != nil || slices.ContainsFunc(points, func(p string) bool { return strings.HasSuffix(p, "/shm") }) {
		t.Errorf("a joiner's /dev/shm is still mounted after it exited: %v %v", points, err)
	}
}

// TestCommitConfigFile: commit --config merges a JSON container config
// into the image's, and shadows the global --config only after the
// command name (`podlite --config X commit --config Y` reads X as
// podlite's config file), as podman parses them.
func TestCommitConfigFile(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "c", "--net", "none", "-l", "keep=1", "-e", "OLD=1", img, "sleep", "1")
	dir := t.TempDir()
	cfg, badConf := filepath.Join(dir, "cfg.json"), filepath.Join(dir, "bad.conf")
	writeFile(t, cfg, `{"Cmd":["echo","hi"],"Env":["A=1","OLD=2"],"Labels":{"l":"v"},"ExposedPorts":{"80/tcp":{}},"Volumes":{"/v":{}},"WorkingDir":"/w","User":"nobody","Hostname":"ignored"}`)
	writeFile(t, badConf, "not toml [[[\n")
	e.MustPodlite("commit", "-q", "--config", cfg, "-c", "LABEL l=changed", "c", "merged:1")
	format := `{{json .Config.Cmd}} {{.Config.User}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}} {{json .Config.Volumes}} {{json .Config.Labels}}`
	if got, want := inspectImage(e, format, "merged:1"), `["echo","hi"] nobody /w {"80/tcp":{}} {"/v":{}} {"keep":"1","l":"changed"}`; got != want {
		t.Errorf("the merged config: %s, want %s", got, want)
	}
	if env := inspectImage(e, "{{json .Config.Env}}", "merged:1"); !strings.Contains(env, `"A=1"`) || !strings.Contains(env, `"OLD=2"`) || strings.Contains(env, `"OLD=1"`) {
		t.Errorf("the merged environment: %s", env)
	}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--config", badConf, "commit", "--config", cfg, "c", "x"}, "reading config file " + badConf},
		{[]string{"commit", "--config", badConf, "c", "x"}, "parsing --config " + badConf},
		{[]string{"commit", "--config", filepath.Join(dir, "nosuch.json"), "c", "x"}, "reading --config"},
	} {
		r := e.Podlite(tc.args...)
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, tc.msg) {
			t.Errorf("podlite %v: exit %d, %q; want 125 and %q", tc.args, r.ExitCode, r.Stderr, tc.msg)
		}
	}
}
