// Package e2e runs the podlite binary as a user would, each test with its
// own --root and --runroot. The tests need root; as anyone else they skip.
//
// The binary is $PODLITE_BINARY, or one built once per run into a temp dir
// with the project's build tags. $PODLITE_TEST_STORAGE_DRIVER, when set,
// is passed as --storage-driver (e.g. vfs).
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// BusyboxImage is the name LoadBusybox loads the test image under.
const BusyboxImage = "localhost/busybox:latest"

// buildTags are the tags the podlite binary is built with.
const buildTags = "seccomp exclude_graphdriver_btrfs containers_image_openpgp"

// commandTimeout bounds one podlite invocation, so that a hung command fails
// its test instead of the whole run.
const commandTimeout = 3 * time.Minute

var (
	// podliteBinary is the binary under test.
	podliteBinary string
	// skipReason is set when the tests cannot run here.
	skipReason string
	// workDir holds what the run shares: the built binary, the busybox
	// image archive. Removed when the run ends.
	workDir string
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Geteuid() != 0 {
		skipReason = "e2e tests need root: run them as root (make test-e2e)"
		fmt.Fprintln(os.Stderr, "e2e: skipping every test:", skipReason)
		return m.Run()
	}
	keepPullsLocal()
	dir, err := os.MkdirTemp("", "podlite-e2e-run-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	workDir = dir
	defer os.RemoveAll(dir)
	podliteBinary, err = findBinary(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	host := snapshotHost()
	code := m.Run()
	removeTestUsers()
	if changed := host.changes(snapshotHost()); len(changed) > 0 {
		fmt.Fprintf(os.Stderr, "e2e: the run changed the host's own podlite state:\n  %s\n", strings.Join(changed, "\n  "))
		code = max(code, 1)
	}
	return code
}

// keepPullsLocal points every HTTP(S) client the tests start (podlite,
// podman) at a proxy on a closed loopback port, loopback and the tests'
// own 10/8 namespaces excepted: create and run pull a missing image, and a
// test that names one by mistake must fail here, not reach docker.io.
func keepPullsLocal() {
	for _, kv := range [][2]string{
		{"HTTP_PROXY", "http://127.0.0.1:9"}, {"HTTPS_PROXY", "http://127.0.0.1:9"},
		{"NO_PROXY", "localhost,127.0.0.0/8,::1,10.0.0.0/8"},
	} {
		os.Setenv(kv[0], kv[1])
	}
}

// findBinary returns $PODLITE_BINARY, or builds podlite into dir.
func findBinary(dir string) (string, error) {
	if bin := os.Getenv("PODLITE_BINARY"); bin != "" {
		abs, err := filepath.Abs(bin)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(abs); err != nil {
			return "", fmt.Errorf("PODLITE_BINARY: %w", err)
		}
		return abs, nil
	}
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	bin := filepath.Join(dir, "podlite")
	build := exec.Command("go", "build", "-tags", buildTags, "-o", bin, "./cmd/podlite")
	build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	build.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building podlite: %w\n%s", err, out)
	}
	return bin, nil
}

// Env is one test's podlite installation: its own storage and state.
type Env struct {
	T       *testing.T
	Root    string
	RunRoot string
	// NetConfigDir and NetStateDir are the network configuration
	// directory (conflists) and the network state directory (leases) the
	// env's podlite uses.
	NetConfigDir, NetStateDir string
	// Config is the config file every command gets (--config): the
	// network domain above, and DefaultBridge and DefaultSubnet, the
	// default network's. The envs of one test share one domain, as the
	// roots of one machine do (NewEnvApart makes one of its own).
	Config                       string
	DefaultBridge, DefaultSubnet string
	// CNIPluginDirs, when set, replaces the plugin directories (a test
	// that takes a plugin away).
	CNIPluginDirs []string
	// Netns, when set, is a network namespace file (/run/netns/NAME)
	// podlite runs in, as on a host of its own. It is joined with
	// nsenter --net, not ip netns exec, whose private mount namespace
	// would hide the mounts one command makes from the next.
	Netns string
	// MountPID, when set, is a process whose mount namespace podlite
	// runs in (nsenter --mount): a private journal's (journal_test.go).
	MountPID int
	// User, when set, is the ordinary user podlite runs as, with its XDG
	// directories under XDG (NewRootlessEnv): no --root, --runroot or
	// --config, its defaults are what is tested.
	User   *testUser
	XDG    string
	leaks  *leakCheck
	domain *netDomain
}

// NewEnv creates temp --root and --runroot dirs for t, in the network
// domain of t's envs. On cleanup it removes every container, fails t if
// that left anything behind (the leak checker, leakcheck_test.go), resets
// the root, unmounts whatever is left mounted under them and deletes them.
func NewEnv(t *testing.T) *Env {
	t.Helper()
	requireRoot(t)
	return newEnv(t, testDomain(t))
}

// NewEnvApart is NewEnv for a root on a machine of its own: its network
// domain (directories, bridge, subnet) is its own.
func NewEnvApart(t *testing.T) *Env {
	t.Helper()
	requireRoot(t)
	return newEnv(t, newDomain(t))
}

func newEnv(t *testing.T, domain *netDomain) *Env {
	t.Helper()
	dir, err := os.MkdirTemp("", "podlite-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	e := &Env{T: t, Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "runroot")}
	domain.join(e)
	for _, d := range []string{e.Root, e.RunRoot} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	e.leaks = newLeakCheck(e)
	t.Cleanup(func() {
		e.leaks.containerIDs()
		// Fails harmlessly where there is nothing to remove.
		e.Podlite("rm", "-a", "-f")
		e.leaks.check()
		defer e.domain.members.Add(-1)
		// Its networks go unless another env of the domain uses them.
		if r := e.Podlite("system", "reset", "-f"); r.ExitCode != 0 {
			t.Errorf("system reset of %s: %s", e.Root, r.Stderr)
		}
		if err := unmountUnder(dir); err != nil {
			t.Errorf("unmounting leftovers under %s: %v", dir, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
	})
	return e
}

// Result is what one podlite invocation did.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
}

// Command returns an unstarted podlite command for this env, for callers
// that stream its output or run it in the background.
func (e *Env) Command(args ...string) *exec.Cmd {
	return e.commandContext(context.Background(), args)
}

func (e *Env) commandContext(ctx context.Context, args []string) *exec.Cmd {
	if e.User != nil {
		return e.userCommand(ctx, e.args(args))
	}
	var ns []string
	if e.Netns != "" {
		ns = append(ns, "--net="+e.Netns)
	}
	if e.MountPID != 0 {
		ns = append(ns, fmt.Sprintf("--mount=/proc/%d/ns/mnt", e.MountPID))
	}
	if len(ns) > 0 {
		argv := append(append(ns, "--", podliteBinary), e.args(args)...)
		return exec.CommandContext(ctx, "nsenter", argv...)
	}
	return exec.CommandContext(ctx, podliteBinary, e.args(args)...)
}

func (e *Env) args(args []string) []string {
	global := []string{"--root", e.Root, "--runroot", e.RunRoot, "--config", e.Config}
	if e.User != nil {
		global = nil
	}
	if d := os.Getenv("PODLITE_TEST_STORAGE_DRIVER"); d != "" {
		global = append(global, "--storage-driver", d)
	}
	return append(global, args...)
}

// Podlite runs podlite with args and returns what it did.
func (e *Env) Podlite(args ...string) *Result {
	e.T.Helper()
	return e.run(nil, args)
}

// PodliteStdin runs podlite with args and stdin as its standard input.
func (e *Env) PodliteStdin(stdin string, args ...string) *Result {
	e.T.Helper()
	return e.run(strings.NewReader(stdin), args)
}

// MustPodlite runs podlite and fails the test unless it exits 0.
func (e *Env) MustPodlite(args ...string) *Result {
	e.T.Helper()
	r := e.run(nil, args)
	if r.ExitCode != 0 {
		e.T.Fatalf("podlite %s: exit code %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.ExitCode, r.Stdout, r.Stderr)
	}
	return r
}

func (e *Env) run(stdin *strings.Reader, args []string) *Result {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := e.commandContext(ctx, args)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := &Result{Stdout: stdout.String(), Stderr: stderr.String()}
	e.leaks.observe(r.Stdout)
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.ExitCode = -1
		r.Stderr += fmt.Sprintf("\n(e2e: killed after %s)", commandTimeout)
	case errors.As(err, &exitErr):
		r.ExitCode = exitErr.ExitCode()
	case err != nil:
		e.T.Fatalf("running podlite %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// unmountUnder lazily unmounts every mount point at or below dir, deepest
// first.
func unmountUnder(dir string) error {
	points, err := mountPointsUnder(dir)
	if err != nil {
		return err
	}
	sort.Slice(points, func(i, j int) bool { return len(points[i]) > len(points[j]) })
	var errs []error
	for _, mp := range points {
		if err := unix.Unmount(mp, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
			errs = append(errs, fmt.Errorf("unmounting %s: %w", mp, err))
		}
	}
	return errors.Join(errs...)
}

// mountPointsUnder lists the mount points at or below dir.
func mountPointsUnder(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMountPath(fields[4])
		if mp == dir || strings.HasPrefix(mp, dir+"/") {
			points = append(points, mp)
		}
	}
	return points, sc.Err()
}

// unescapeMountPath undoes mountinfo's octal escapes ("\040" for a space).
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// StartRegistry runs Debian's docker-registry on a free port of 127.0.0.1
// with temp storage until the test ends, and returns "127.0.0.1:PORT".
func StartRegistry(t *testing.T) string {
	t.Helper()
	return startRegistry(t, "")
}

// startRegistry is StartRegistry with more of the registry's YAML config
// (an auth: section); a registry with auth answers /v2/ with 401.
func startRegistry(t *testing.T, extraYAML string) string {
	t.Helper()
	requireRoot(t)
	bin := requireTool(t, "docker-registry", "apt-get install docker-registry")
	dir := t.TempDir()
	addr := freeAddr(t)
	config := filepath.Join(dir, "config.yml")
	yml := fmt.Sprintf(`version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), addr) + extraYAML
	if err := os.WriteFile(config, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "registry.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", config)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting docker-registry: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logFile.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			// With auth a registry answers 401; with TLS, plain HTTP gets 400.
			if resp.StatusCode == http.StatusOK || extraYAML != "" && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusBadRequest) {
				return addr
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logPath)
			t.Fatalf("docker-registry on %s did not answer within 30s (last error: %v)\n%s", addr, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// freeAddr returns a 127.0.0.1 address with a port free at the time.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
