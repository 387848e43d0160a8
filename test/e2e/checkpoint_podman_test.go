package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Podman is a podman installation of one test: its own storage, run
// directory and containers.conf, so the test neither sees nor touches the
// machine's podman containers.
type Podman struct {
	T                  *testing.T
	Bin, Root, RunRoot string
	conf               string
}

// podmanConf is what podman needs on this machine: runc (podlite's
// archives are runc's), and rlimits within the hard limits here (podman's
// default nofile and nproc are above them). NewPodman adds a per-boot
// directory and file locks of the test's own: with the defaults
// (/run/libpod, /dev/shm/libpod_lock) every podman of the machine shares
// them, and one test's `system reset` makes another's podman "refresh"
// its containers back to created.
const podmanConf = `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
`

// NewPodman sets up a private podman for t, or fails t where podman is not
// installed (contrib/setup.sh installs it).
func NewPodman(t *testing.T) *Podman {
	t.Helper()
	requireRoot(t)
	bin := requireTool(t, "podman", "apt-get install podman runc conmon")
	// Short: podman refuses a run root of more than 50 characters.
	dir, err := os.MkdirTemp("", "pm-")
	if err != nil {
		t.Fatal(err)
	}
	p := &Podman{T: t, Bin: bin, Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run"), conf: filepath.Join(dir, "containers.conf")}
	conf := podmanConf + "tmp_dir = \"" + filepath.Join(dir, "tmp") + "\"\nlock_type = \"file\"\n"
	if err := os.WriteFile(p.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Run("rm", "-a", "-f", "-t", "0")
		p.Run("system", "reset", "-f")
		if err := unmountUnder(dir); err != nil {
			t.Errorf("unmounting podman's leftovers under %s: %v", dir, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
	})
	return p
}

// NewPodlitePodman returns a podlite env and a private podman with the
// busybox test image in both (podman loads podlite's save of it), for the
// tests that run the same commands on both; img names it in both.
func NewPodlitePodman(t *testing.T) (*Env, *Podman, string) {
	t.Helper()
	pm := NewPodman(t)
	e := NewEnv(t)
	img := e.LoadBusybox()
	archive := filepath.Join(t.TempDir(), "busybox.tar")
	e.MustPodlite("save", "-o", archive, img)
	pm.MustRun("load", "-i", archive)
	return e, pm, img
}

// Run runs podman with the test's storage and returns its output and error.
func (p *Podman) Run(args ...string) (string, error) {
	out, err := p.command(args...).CombinedOutput()
	return string(out), err
}

// Result runs podman as Env.Podlite runs podlite: stdout, stderr and the
// exit code apart, for the differential tests.
func (p *Podman) Result(args ...string) *Result { return p.result(nil, args) }

// ResultStdin is Result with stdin as podman's standard input.
func (p *Podman) ResultStdin(stdin string, args ...string) *Result {
	return p.result(strings.NewReader(stdin), args)
}

func (p *Podman) result(stdin io.Reader, args []string) *Result {
	cmd := p.command(args...)
	cmd.Stdin = stdin
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run()
	return &Result{Stdout: stdout.String(), Stderr: stderr.String(), ExitCode: cmd.ProcessState.ExitCode()}
}

// command returns an unstarted podman command with the test's storage.
func (p *Podman) command(args ...string) *exec.Cmd {
	cmd := exec.Command(p.Bin, append([]string{"--root", p.Root, "--runroot", p.RunRoot}, args...)...)
	cmd.Env = append(os.Environ(), "CONTAINERS_CONF="+p.conf)
	return cmd
}

// MustRun is Run that fails the test on error.
func (p *Podman) MustRun(args ...string) string {
	p.T.Helper()
	out, err := p.Run(args...)
	if err != nil {
		p.T.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TestRestorePodmanArchive migrates off podman: a container podman runs
// and exports (a counter, a named volume, a changed rootfs, a deleted
// file) restores in podlite with its memory, files and volume data. Its
// podman address (10.88.0.0/16) is not on podlite's default network, so
// it gets one of podlite's, and says so.
func TestRestorePodmanArchive(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	dir := t.TempDir()

	pm.MustRun("run", "-d", "--name", "migrant", "-v", "carried:/data", img, "sh", "-c",
		"echo moved > /etc/motd; rm /bin/vi; echo in-volume > /data/f; "+counterScript)
	podmanCount := func() int {
		lines := strings.Fields(pm.MustRun("logs", "migrant"))
		return len(lines)
	}
	waitFor(t, func() bool { return podmanCount() >= 5 })
	archive := filepath.Join(dir, "migrant.tar.zst")
	pm.MustRun("container", "checkpoint", "--export", archive, "migrant")
	at := podmanCount()

	check := e.MustPodlite("container", "restore", "--check", "--import", archive)
	if !strings.Contains(check.Stdout, "can be restored") || !strings.Contains(check.Stderr, "is outside network podlite here") {
		t.Fatalf("restore --check of podman's archive:\nstdout %q\nstderr %q", check.Stdout, check.Stderr)
	}
	if out := e.MustPodlite("container", "restore", "--import", archive).Stdout; out != "migrant\n" {
		t.Fatalf("restore --import printed %q", out)
	}
	waitFor(t, func() bool { return lastCount(t, e, "migrant") >= at+5 })
	assertContinuous(t, e, "migrant")
	if out := e.MustPodlite("exec", "migrant", "cat", "/etc/motd", "/data/f").Stdout; out != "moved\nin-volume\n" {
		t.Fatalf("rootfs change and volume data after the import: %q", out)
	}
	if r := e.Podlite("exec", "migrant", "ls", "/bin/vi"); r.ExitCode == 0 {
		t.Fatalf("/bin/vi, deleted under podman, is back: %q", r.Stdout)
	}
	if ip := strings.Fields(netOf(e, "migrant"))[0]; !strings.HasPrefix(ip, strings.TrimSuffix(e.DefaultSubnet, "0/24")) {
		t.Fatalf("address %s after the import, want one of podlite's default network", ip)
	}
	if got := strings.TrimSpace(e.MustPodlite("volume", "ls", "--format", "{{.Name}}").Stdout); got != "carried" {
		t.Fatalf("volumes after the import: %q", got)
	}
	// The same archive again, beside the first: a copy with its own name.
	e.MustPodlite("container", "restore", "--import", archive, "--name", "second")
	waitFor(t, func() bool { return lastCount(t, e, "second") >= at+3 })
}

// TestRestorePodmanCheckpointImage: a checkpoint image podman made
// (`checkpoint --create-image`), carried as an OCI archive, restores in
// podlite by name, as podman's own `restore IMAGE` would.
func TestRestorePodmanCheckpointImage(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	dir := t.TempDir()
	pm.MustRun("run", "-d", "--name", "imaged", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return len(strings.Fields(pm.MustRun("logs", "imaged"))) >= 5 })
	pm.MustRun("container", "checkpoint", "--create-image", "localhost/imaged-checkpoint", "imaged")
	at := len(strings.Fields(pm.MustRun("logs", "imaged")))
	// OCI, not docker-archive: the checkpoint annotations live on the
	// image's OCI manifest.
	ckpt := filepath.Join(dir, "checkpoint-image.tar")
	pm.MustRun("image", "save", "--format", "oci-archive", "-o", ckpt, "localhost/imaged-checkpoint")

	e.MustPodlite("load", "-i", ckpt)
	if out := e.MustPodlite("container", "restore", "localhost/imaged-checkpoint").Stdout; out != "imaged\n" {
		t.Fatalf("restore of podman's checkpoint image printed %q", out)
	}
	waitFor(t, func() bool { return lastCount(t, e, "imaged") >= at+5 })
	assertContinuous(t, e, "imaged")
}
