package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunAttachedOutputAndExitCodes(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()

	r := e.MustPodlite("run", "--rm", img, "echo", "hello", "world")
	if r.Stdout != "hello world\n" {
		t.Fatalf("stdout = %q", r.Stdout)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"container's own code", []string{"sh", "-c", "exit 3"}, 3},
		{"command not found", []string{"/no/such/command"}, 127},
		{"not executable", []string{"/etc/passwd"}, 126},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.Podlite(append([]string{"run", "--rm", img}, tc.args...)...)
			if r.ExitCode != tc.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", r.ExitCode, tc.code, r.Stderr)
			}
		})
	}
	if out := e.MustPodlite("ps", "-aq").Stdout; out != "" {
		t.Fatalf("--rm left containers behind: %q", out)
	}
}

func TestRunProcessSettings(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	envFile := filepath.Join(t.TempDir(), "env")
	writeFile(t, envFile, "# comment\nFROM_FILE=yes\n")
	r := e.MustPodlite("run", "--rm", "-e", "FOO=bar", "--env-file", envFile, "-w", "/tmp", "-u", "nobody",
		"--hostname", "box", img, "sh", "-c", "echo $FOO $FROM_FILE; pwd; id -u; hostname; cat /etc/hostname")
	want := "bar yes\n/tmp\n65534\nbox\nbox\n"
	if r.Stdout != want {
		t.Fatalf("stdout = %q, want %q", r.Stdout, want)
	}
	// rlimits never exceed podlite's own hard limit (no CAP_SYS_RESOURCE here).
	r = e.MustPodlite("run", "--rm", img, "sh", "-c", "ulimit -n")
	if strings.TrimSpace(r.Stdout) == "" {
		t.Fatal("no nofile limit printed")
	}
	r = e.MustPodlite("run", "--rm", "--ulimit", "nofile=512:1024", img, "sh", "-c", "ulimit -n")
	if strings.TrimSpace(r.Stdout) != "512" {
		t.Fatalf("ulimit -n = %q, want 512", r.Stdout)
	}
}

func TestRunVolumesAndReadOnly(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	host := t.TempDir()
	writeFile(t, filepath.Join(host, "in"), "from host")
	e.MustPodlite("run", "--rm", "-v", host+":/data", img, "sh", "-c", "cat /data/in > /data/out")
	if b, err := os.ReadFile(filepath.Join(host, "out")); err != nil || string(b) != "from host" {
		t.Fatalf("bind mount: %q, %v", b, err)
	}
	r := e.Podlite("run", "--rm", "-v", host+":/data:ro", img, "touch", "/data/x")
	if r.ExitCode == 0 {
		t.Fatal("write to a :ro bind mount succeeded")
	}
	e.MustPodlite("run", "--rm", "-v", "vol1:/v", img, "sh", "-c", "echo kept > /v/f")
	if out := e.MustPodlite("run", "--rm", "-v", "vol1:/v", img, "cat", "/v/f").Stdout; out != "kept\n" {
		t.Fatalf("named volume lost data: %q", out)
	}
	if r := e.Podlite("run", "--rm", "--read-only", img, "touch", "/x"); r.ExitCode == 0 {
		t.Fatal("write to a --read-only rootfs succeeded")
	}
	if out := e.MustPodlite("run", "--rm", "--tmpfs", "/scratch", img, "sh", "-c", "grep -c ' /scratch tmpfs' /proc/mounts").Stdout; out != "1\n" {
		t.Fatalf("--tmpfs not mounted: %q", out)
	}
}

func TestCreateBadInputLeavesNothing(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	for _, args := range [][]string{
		// A missing image is pulled (--pull=missing): from a registry
		// on loopback that is not there, so the test stays on this host.
		{"create", "localhost/no-such-image"},
		{"create", "--pull", "never", "no-such-image"},
		{"create", "--restart", "sometimes", img},
		{"create", "--name", "bad name", img},
		{"create", "-v", "relative/path:/x", img},
		{"create", "-v", "/no/such/dir:/x", img},
		{"create", "--memory", "lots", img},
		{"create", "--ulimit", "nofile=10:5", img},
		{"create", "--log-driver", "syslog", img},
		{"create", "--rm", "--restart", "always", img},
		{"create", "--cap-add", "NOT_A_CAP", img},
	} {
		r := e.Podlite(args...)
		expectOneLineError(t, r)
	}
	if out := e.MustPodlite("ps", "-aq").Stdout; out != "" {
		t.Fatalf("failed creates left containers: %q", out)
	}
	// Only the busybox image's layer is in storage: no rootfs layers leaked.
	mounts, _ := os.ReadFile("/proc/mounts")
	if strings.Contains(string(mounts), e.Root) {
		t.Fatalf("failed creates left mounts under %s", e.Root)
	}
	e.MustPodlite("create", "--name", "taken", img)
	r := e.Podlite("create", "--name", "taken", img)
	expectOneLineError(t, r)
	if n := len(strings.Fields(e.MustPodlite("ps", "-aq").Stdout)); n != 1 {
		t.Fatalf("%d containers after a name clash, want 1", n)
	}
}
