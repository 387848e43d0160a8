package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// addExecUsers gives container ctr a user "app" (1000, primary group app)
// that /etc/group also lists in "extra" (2000), and puts root in "extra"
// and "other" (3000): the supplementary groups exec -u finds there.
func addExecUsers(run func(args ...string) *Result, ctr string) *Result {
	return run("exec", ctr, "sh", "-c",
		"echo app:x:1000:1000::/home/app:/bin/sh >> /etc/passwd; echo app:x:1000: >> /etc/group; "+
			"echo extra:x:2000:app,root >> /etc/group; echo other:x:3000:root >> /etc/group; "+
			"echo x > /tmp/noexec; chmod 644 /tmp/noexec")
}

// execIn runs podlite exec with extra host environment and descriptors
// 3, 4, ... open on the given files.
func execIn(e *Env, env []string, files []*os.File, args ...string) *Result {
	e.T.Helper()
	cmd := e.Command(append([]string{"exec"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.ExtraFiles = files
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := &Result{Stdout: stdout.String(), Stderr: stderr.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.ExitCode = ee.ExitCode()
	} else if err != nil {
		e.T.Fatalf("podlite exec %v: %v", args, err)
	}
	return r
}

// TestExecFlags: podman's exec flags on one running container — users and
// their supplementary groups from the container's files, the environment's
// layers, TERM under -t, --privileged's capabilities, preserved
// descriptors, --cidfile/--latest, and podman's refusals and exit codes.
func TestExecFlags(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "ex", "-e", "FROM_RUN=1", img, "sleep", "1000").Stdout)
	if r := addExecUsers(e.Podlite, "ex"); r.ExitCode != 0 {
		t.Fatalf("adding users: %s", r.Stderr)
	}
	dir := t.TempDir()
	envFile := filepath.Join(dir, "env")
	if err := os.WriteFile(envFile, []byte("# comment\nA=from-file\nB=from-file\nHOSTVAR\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cidfile := filepath.Join(dir, "cid")
	if err := os.WriteFile(cidfile, []byte(id+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"user by name gets its groups", []string{"-u", "app", "ex", "id"}, "uid=1000(app) gid=1000(app) groups=2000(extra)\n"},
		{"user by number is looked up", []string{"-u", "1000", "ex", "id"}, "uid=1000(app) gid=1000(app) groups=2000(extra)\n"},
		{"a named group replaces the groups", []string{"-u", "app:extra", "ex", "id"}, "uid=1000(app) gid=2000(extra)\n"},
		{"root by name gets its groups", []string{"-u", "root", "ex", "id"}, "uid=0(root) gid=0(root) groups=2000(extra),3000(other)\n"},
		{"the default user gets none", []string{"ex", "id"}, "uid=0(root) gid=0(root)\n"},
		{"unknown uid", []string{"-u", "1234", "ex", "id"}, "uid=1234 gid=0(root)\n"},
		{"env layers", []string{"--env-file", envFile, "-e", "B=from-e", "-e", "PFX_*", "ex", "sh", "-c", "echo $FROM_RUN $A $B $HOSTVAR $PFX_ONE $PFX_TWO"},
			"1 from-file from-e host prefixed two\n"},
		{"workdir", []string{"-w", "/etc", "ex", "pwd"}, "/etc\n"},
		{"tty sets TERM", []string{"-t", "ex", "sh", "-c", "echo $TERM"}, "xterm\r\n"},
		{"tty keeps a TERM set", []string{"-t", "-e", "TERM=vt100", "ex", "sh", "-c", "echo $TERM"}, "vt100\r\n"},
		{"no tty, the container's TERM", []string{"ex", "sh", "-c", "echo ${TERM:-unset}"}, "xterm\n"},
		{"default capabilities", []string{"ex", "grep", "CapEff", "/proc/self/status"}, "CapEff:\t00000000800405fb\n"},
		{"cidfile", []string{"--cidfile", cidfile, "hostname"}, id[:12] + "\n"},
		{"latest", []string{"-l", "hostname"}, id[:12] + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := execIn(e, []string{"HOSTVAR=host", "PFX_ONE=prefixed", "PFX_TWO=two"}, nil, tc.args...)
			if r.ExitCode != 0 || r.Stdout != tc.want {
				t.Errorf("exec %v: exit %d, stdout %q, want %q (stderr %q)", tc.args, r.ExitCode, r.Stdout, tc.want, r.Stderr)
			}
		})
	}
	t.Run("privileged gets every capability", func(t *testing.T) {
		host, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		want := regexp.MustCompile(`CapEff:\t[0-9a-f]+\n`).FindString(string(host))
		if got := e.MustPodlite("exec", "--privileged", "ex", "grep", "CapEff", "/proc/self/status").Stdout; got != want {
			t.Errorf("exec --privileged: %q, want the host's %q", got, want)
		}
	})
	t.Run("preserved descriptors keep their numbers", func(t *testing.T) {
		var files []*os.File
		for _, s := range []string{"three", "four", "five"} {
			p := filepath.Join(dir, s)
			if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			files = append(files, f)
		}
		if r := execIn(e, nil, files, "--preserve-fds", "2", "ex", "cat", "/proc/self/fd/3", "/proc/self/fd/4"); r.Stdout != "threefour" {
			t.Errorf("--preserve-fds 2: %q %s", r.Stdout, r.Stderr)
		}
		r := execIn(e, nil, files, "--preserve-fd", "5", "ex", "sh", "-c", "cat /proc/self/fd/5; readlink /proc/self/fd/3")
		if r.Stdout != "five/dev/null\n" {
			t.Errorf("--preserve-fd 5: %q %s", r.Stdout, r.Stderr)
		}
		r = execIn(e, nil, nil, "--preserve-fds", "1", "ex", "true")
		if r.ExitCode != 125 || !strings.Contains(r.Stderr, "file descriptor 3 is not available - the preserve-fds option requires that file descriptors must be passed") {
			t.Errorf("--preserve-fds without a descriptor: exit %d, %q", r.ExitCode, r.Stderr)
		}
	})
	t.Run("detached", func(t *testing.T) {
		r := e.MustPodlite("exec", "-d", "-u", "app", "ex", "sleep", "778")
		if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(r.Stdout) {
			t.Fatalf("exec -d printed %q, want a session ID", r.Stdout)
		}
		waitFor(t, func() bool { return strings.Contains(e.MustPodlite("top", "ex").Stdout, "sleep 778") })
	})
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"not found", []string{"ex", "nosuch"}, 127, `Error: podlite: exec failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: OCI runtime attempted to invoke a command that was not found` + "\n"},
		{"not executable", []string{"ex", "/tmp/noexec"}, 126, `Error: podlite: exec failed: unable to start container process: exec: "/tmp/noexec": permission denied: OCI permission denied` + "\n"},
		{"a directory", []string{"ex", "/etc"}, 126, ""},
		{"the command's code", []string{"ex", "sh", "-c", "exit 3"}, 3, ""},
		{"no command", []string{"ex"}, 125, "Error: must provide a non-empty command to start an exec session: invalid argument\n"},
		{"no container", nil, 125, "Error: exec requires the name or ID of a container or the --latest or --cidfile flag: invalid argument\n"},
		{"unknown user", []string{"-u", "nosuch", "ex", "id"}, 125, ""},
		{"detach keys, stdin no terminal", []string{"-i", "--detach-keys", "ctrl-a", "ex", "true"}, 125, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Podlite(append([]string{"exec"}, tc.args...)...)
			if r.ExitCode != tc.code || tc.msg != "" && r.Stderr != tc.msg {
				t.Errorf("exec %v: exit %d %q, want %d %q", tc.args, r.ExitCode, r.Stderr, tc.code, tc.msg)
			}
			if tc.code == 125 {
				expectOneLineError(t, r)
			}
		})
	}
}

// TestExecNoLeftovers: attached, failing and detached exec sessions leave
// nothing behind — no file in the container's run directories, no process
// in the container once they end, no exec command still running.
func TestExecNoLeftovers(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--network", "none", "--name", "lo", img, "sleep", "1000").Stdout)
	files := func() []string {
		var out []string
		for _, d := range []string{filepath.Join(e.RunRoot, "containers", id), filepath.Join(e.RunRoot, "runtime", id)} {
			_ = filepath.Walk(d, func(p string, _ os.FileInfo, err error) error {
				out = append(out, p)
				return err
			})
		}
		return out
	}
	before := files()
	for i := 0; i < 4; i++ {
		e.MustPodlite("exec", "lo", "true")
		e.PodliteStdin("in\n", "exec", "-i", "lo", "cat")
		e.Podlite("exec", "-t", "lo", "true")
		e.Podlite("exec", "lo", "nosuch")
		e.Podlite("exec", "-u", "nosuch", "lo", "true")
		e.MustPodlite("exec", "-d", "lo", "sleep", "0.1")
	}
	if after := files(); !slices.Equal(before, after) {
		t.Errorf("run directories changed:\nbefore %v\nafter  %v", before, after)
	}
	// Only the container's sleep 1000 is left once the detached sleeps end.
	waitFor(t, func() bool {
		return len(strings.Split(strings.TrimSpace(e.MustPodlite("top", "lo").Stdout), "\n")) == 2
	})
	out, _ := exec.Command("pgrep", "-f", e.RunRoot+".* exec ").Output()
	if len(out) > 0 {
		t.Errorf("exec commands still running: %s", out)
	}
}
