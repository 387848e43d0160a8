package systemd_test

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podlite/podlite/pkg/systemd"
)

// flagSets stand in for podlite's global, run and pod create flags.
func options() *systemd.Options {
	g := pflag.NewFlagSet("podlite", pflag.ContinueOnError)
	g.String("root", "", "")
	g.String("runroot", "", "")
	g.Bool("debug", false, "")
	run := pflag.NewFlagSet("run", pflag.ContinueOnError)
	run.StringP("name", "n", "", "")
	run.BoolP("detach", "d", false, "")
	run.BoolP("interactive", "i", false, "")
	run.BoolP("tty", "t", false, "")
	run.Bool("rm", false, "")
	run.Bool("replace", false, "")
	run.StringArrayP("env", "e", nil, "")
	run.StringArrayP("publish", "p", nil, "")
	run.String("restart", "", "")
	run.String("sdnotify", "ignore", "")
	run.String("network", "", "")
	run.String("cidfile", "", "")
	run.String("pod", "", "")
	pod := pflag.NewFlagSet("pod create", pflag.ContinueOnError)
	pod.StringP("name", "n", "", "")
	pod.String("network", "", "")
	pod.Bool("replace", false, "")
	pod.String("exit-policy", "", "")
	return &systemd.Options{
		ContainerPrefix: "container", PodPrefix: "pod", Separator: "-", NoHeader: true,
		Executable: "/usr/bin/podlite", Version: "T", GlobalFlags: g, RunFlags: run, PodCreateFlags: pod,
	}
}

func web(cmd ...string) *systemd.Container {
	return &systemd.Container{
		ID: "0123456789ab", Name: "web", StopTimeout: 10, CreateCommand: cmd,
		PIDFile: "/run/podlite/containers/0123456789ab/conmon.pid", RunRoot: "/run/podlite",
		Env: []string{"PATH=/bin", "HOME=/root"},
	}
}

const wantNew = `# container-web.service

[Unit]
Description=podlite container-web.service
Wants=network-online.target
After=network-online.target
RequiresMountsFor=/run/podlite

[Service]
Environment=PODLITE_SYSTEMD_UNIT=%n
Environment=HOME=/root
Restart=on-failure
StartLimitBurst=3
TimeoutStopSec=70
ExecStartPre=/bin/rm \
	-f %t/%n.ctr-id
ExecStart=/usr/bin/podlite \
	--root /var/x run \
	--cidfile=%t/%n.ctr-id \
	--cgroups=no-conmon \
	--rm \
	--sdnotify=conmon \
	-d \
	--replace \
	--name web \
	-e HOME \
	-p 8080:80 img sh \
	-c "echo \"100%%\" $$HOME"
ExecStop=/usr/bin/podlite \
	--root /var/x stop \
	--ignore \
	-t 10 \
	--cidfile=%t/%n.ctr-id
ExecStopPost=/usr/bin/podlite \
	--root /var/x rm \
	-f \
	--ignore \
	-t 10 \
	--cidfile=%t/%n.ctr-id
Type=notify
NotifyAccess=all

[Install]
WantedBy=default.target
`

const wantExisting = `# container-0123456789ab.service

[Unit]
Description=podlite container-0123456789ab.service
Wants=network-online.target
After=network-online.target
RequiresMountsFor=/run/podlite

# User-defined dependencies
Wants=a.service
After=b.service c.service

[Service]
Environment=PODLITE_SYSTEMD_UNIT=%n
Environment="GREETING=hello world"
Restart=always
RestartSec=3
TimeoutStartSec=9
TimeoutStopSec=65
ExecStart=/usr/bin/podlite start 0123456789ab
ExecStop=/usr/bin/podlite stop \
	-t 5 0123456789ab
ExecStopPost=/usr/bin/podlite stop \
	-t 5 0123456789ab
PIDFile=/run/podlite/containers/0123456789ab/conmon.pid
Type=forking

[Install]
WantedBy=default.target
`

func TestContainerUnit(t *testing.T) {
	o := options()
	o.New, o.UseName = true, true
	u, err := systemd.ContainerUnit(web("podlite", "--root", "/var/x", "run", "-d", "--rm", "--name", "web", "-e", "HOME",
		"--restart", "on-failure:3", "-p", "8080:80", "img", "sh", "-c", `echo "100%" $HOME`), o)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "container-web.service" || u.Text != wantNew {
		t.Errorf("--new unit %s:\n%s\nwant:\n%s", u.Name, u.Text, wantNew)
	}

	o = options()
	always, sec, start, stop := "always", uint(3), uint(9), uint(5)
	o.RestartPolicy, o.RestartSec, o.StartTimeout, o.StopTimeout = &always, &sec, &start, &stop
	o.Wants, o.After, o.Env = []string{"a.service"}, []string{"b.service", "c.service"}, []string{"GREETING=hello world"}
	c := web("podlite", "create", "--restart", "always", "img")
	c.RestartPolicy = "always"
	u, err = systemd.ContainerUnit(c, o)
	if err != nil {
		t.Fatal(err)
	}
	if u.Text != wantExisting {
		t.Errorf("unit:\n%s\nwant:\n%s", u.Text, wantExisting)
	}
	if len(u.Warnings) != 1 || !strings.Contains(u.Warnings[0], `restart policy "always"`) {
		t.Errorf("warnings %q, want one about the restart policy", u.Warnings)
	}
}

// TestNewCommandLines checks how create commands are rewritten.
func TestNewCommandLines(t *testing.T) {
	for _, tc := range []struct {
		name     string
		template bool
		cmd      []string
		want     []string // lines of ExecStart (after the first)
		not      []string
	}{
		{"short group keeps -it, drops -d", false, []string{"podlite", "run", "-dit", "--name=web", "img"},
			[]string{"\t-i \\", "\t-t \\", "\t--name=web img"}, []string{"-dit"}},
		{"sdnotify container kept", false, []string{"podlite", "container", "run", "--sdnotify", "container", "img"},
			[]string{"\t--sdnotify container img"}, []string{"--sdnotify=conmon", "--replace"}},
		{"sdnotify ignore replaced", false, []string{"podlite", "run", "--sdnotify=ignore", "--cidfile", "/x", "img"},
			[]string{"\t--sdnotify=conmon \\"}, []string{"--sdnotify=ignore", "/x"}},
		{"flag value is not the image", false, []string{"podlite", "--debug", "run", "--network", "none", "img", "--rm"},
			[]string{"\t--network none img \\", "\t--rm"}, nil},
		{"template names the instance", true, []string{"podlite", "run", "img"},
			[]string{"\t--name=container-0123456789ab-%i \\"}, nil},
		{"template with a name", true, []string{"podlite", "run", "-n", "web", "img"},
			[]string{"\t-n web-%i img"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := options()
			o.New, o.Template = true, tc.template
			u, err := systemd.ContainerUnit(web(tc.cmd...), o)
			if err != nil {
				t.Fatal(err)
			}
			start := u.Text[strings.Index(u.Text, "ExecStart="):strings.Index(u.Text, "ExecStop=")]
			for _, w := range tc.want {
				if !strings.Contains(start, w+"\n") {
					t.Errorf("ExecStart lacks %q:\n%s", w, start)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(start, n) {
					t.Errorf("ExecStart has %q:\n%s", n, start)
				}
			}
			if tc.template && (u.Name != "container-0123456789ab@.service" || !strings.Contains(u.Text, "PODLITE_SYSTEMD_UNIT=%n-%i\n")) {
				t.Errorf("template unit %s:\n%s", u.Name, u.Text)
			}
		})
	}
}

func TestPodUnits(t *testing.T) {
	o := options()
	o.New, o.UseName = true, true
	infra := &systemd.Container{ID: "ffff", Name: "app-infra", StopTimeout: 10, PIDFile: "/run/podlite/containers/ffff/conmon.pid"}
	member := web("podlite", "run", "-d", "--pod", "app", "--name", "web", "img")
	p := &systemd.Pod{ID: "abcd", Name: "app", Infra: infra, Members: []*systemd.Container{member},
		CreateCommand: []string{"podlite", "pod", "create", "--name", "app", "--network", "none"}}
	units, err := systemd.PodUnits(p, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 2 || units[0].Name != "pod-app.service" || units[1].Name != "container-web.service" {
		t.Fatalf("units %v, want pod-app and container-web", units)
	}
	for _, want := range []string{
		"Wants=container-web.service\nBefore=container-web.service\n",
		"ExecStartPre=/bin/rm \\\n\t-f %t/pod-app.pid %t/pod-app.pod-id\n",
		"pod create \\\n\t--infra-conmon-pidfile %t/pod-app.pid \\\n\t--pod-id-file %t/pod-app.pod-id \\\n\t--exit-policy=stop \\\n\t--name app \\\n\t--network none \\\n\t--replace\n",
		"pod start \\\n\t--pod-id-file %t/pod-app.pod-id\n",
		"PIDFile=%t/pod-app.pid\nType=forking\n",
	} {
		if !strings.Contains(units[0].Text, want) {
			t.Errorf("pod unit lacks %q:\n%s", want, units[0].Text)
		}
	}
	for _, want := range []string{"BindsTo=pod-app.service\nAfter=pod-app.service\n", "--pod-id-file %t/pod-app.pod-id \\\n"} {
		if !strings.Contains(units[1].Text, want) {
			t.Errorf("member unit lacks %q:\n%s", want, units[1].Text)
		}
	}
	if strings.Contains(units[1].Text, "--pod app") {
		t.Errorf("member unit keeps --pod:\n%s", units[1].Text)
	}
}

func TestRefusals(t *testing.T) {
	bad := "sometimes"
	for _, tc := range []struct {
		name string
		set  func(*systemd.Options)
		ctr  *systemd.Container
		want string
	}{
		{"restart policy", func(o *systemd.Options) { o.RestartPolicy = &bad }, web("podlite", "run", "img"), "not a valid restart policy"},
		{"template without new", func(o *systemd.Options) { o.Template = true }, web("podlite", "run", "img"), "--template needs --new"},
		{"no create command", func(o *systemd.Options) { o.New = true }, web(), "no create command recorded"},
		{"not a run", func(o *systemd.Options) { o.New = true }, web("podlite", "exec", "web", "true"), "is not a podlite run or create command line"},
		{"env", func(o *systemd.Options) { o.Env = []string{"=x"} }, web("podlite", "run", "img"), "want KEY=VALUE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := options()
			tc.set(o)
			if _, err := systemd.ContainerUnit(tc.ctr, o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
	o := options()
	o.Template = true
	p := &systemd.Pod{ID: "abcd", Infra: web(), Members: []*systemd.Container{web()}}
	if _, err := systemd.PodUnits(p, o); err == nil || !strings.Contains(err.Error(), "not supported for pods") {
		t.Errorf("--template for a pod: %v", err)
	}
	o.Template = false
	p.Members = nil
	if _, err := systemd.PodUnits(p, o); err == nil || !strings.Contains(err.Error(), "has no containers") {
		t.Errorf("a pod without containers: %v", err)
	}
}

// A hibernating unit restores at its start (with the fallback it was
// given), checkpoints at its stop, and takes the checkpoint's 137 as a
// success that never restarts it.
func TestCheckpointUnit(t *testing.T) {
	o := options()
	o.UseName, o.Checkpoint, o.CheckpointFallback = true, true, systemd.FallbackFresh
	u, err := systemd.ContainerUnit(web("/usr/bin/podlite", "--root", "/r", "run", "-d", "--name", "web", "img"), o)
	if err != nil {
		t.Fatal(err)
	}
	text := joinLines(u.Text)
	for _, line := range []string{
		"ExecStart=/usr/bin/podlite --root /r systemd start-or-restore --checkpoint-fallback=fresh web\n",
		"ExecStop=/usr/bin/podlite --root /r container checkpoint --keep web\n",
		"ExecStopPost=/usr/bin/podlite --root /r stop -t 10 web\n",
		"SuccessExitStatus=137\nRestartPreventExitStatus=137\n",
		"Type=forking\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("the unit lacks %q:\n%s", line, text)
		}
	}
	o.CheckpointFallback = ""
	u, err = systemd.ContainerUnit(web("/usr/bin/podlite", "run", "--name", "web", "img"), o)
	if err != nil || !strings.Contains(joinLines(u.Text), "ExecStart=/usr/bin/podlite systemd start-or-restore web\n") {
		t.Errorf("without a fallback: %v\n%v", err, u)
	}
	for _, bad := range []func(*systemd.Options){
		func(o *systemd.Options) { o.New, o.Template = true, true },
		func(o *systemd.Options) { o.CheckpointFallback = "again" },
		func(o *systemd.Options) { o.Checkpoint, o.CheckpointFallback = false, systemd.FallbackFresh },
	} {
		o := options()
		o.Checkpoint = true
		bad(o)
		if _, err := systemd.ContainerUnit(web("/usr/bin/podlite", "run", "--name", "web", "img"), o); err == nil {
			t.Errorf("options %+v accepted", *o)
		}
	}
}

// joinLines undoes formatCommand's line continuations.
func joinLines(text string) string { return strings.ReplaceAll(text, " \\\n\t", " ") }

// A hibernating --new unit exports its checkpoint under %S at the stop
// and restores from there at the start, or runs the fresh command.
func TestCheckpointNewUnit(t *testing.T) {
	o := options()
	o.UseName, o.New, o.Checkpoint = true, true, true
	u, err := systemd.ContainerUnit(web("/usr/bin/podlite", "--root", "/r", "run", "-d", "--name", "web", "img"), o)
	if err != nil {
		t.Fatal(err)
	}
	text := joinLines(u.Text)
	for _, line := range []string{
		"ExecStartPre=/bin/mkdir -p %S/podlite/checkpoints\n",
		"ExecStart=/usr/bin/podlite --root /r systemd start-or-restore --import=%S/podlite/checkpoints/%n.tar --cidfile=%t/%n.ctr-id -- --root /r run --cidfile=%t/%n.ctr-id --cgroups=no-conmon --rm --sdnotify=conmon -d --replace --name web img\n",
		"ExecStop=/usr/bin/podlite --root /r container checkpoint --keep --export=%S/podlite/checkpoints/%n.tar web\n",
		"SuccessExitStatus=137\n",
		"Type=notify\n",
	} {
		if !strings.Contains(text, line) {
			t.Errorf("the unit lacks %q:\n%s", line, text)
		}
	}
	if _, err := systemd.ContainerUnit(web("/usr/bin/podlite", "run", "img"), o); err == nil {
		t.Error("an unnamed container's checkpointing --new unit was generated")
	}
}
