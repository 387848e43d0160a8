package network_test

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/pkg/network"
)

// requiresRoot skips t unless it runs as root with PODLITE_TEST_ROOT=1
// (make test-root): these tests create namespaces, bridges and iptables
// rules on the host.
func requiresRoot(t testing.TB) {
	t.Helper()
	if os.Getenv("PODLITE_TEST_ROOT") == "" || os.Geteuid() != 0 {
		t.Skip("needs root and PODLITE_TEST_ROOT=1 (make test-root)")
	}
	if _, err := os.Stat("/usr/lib/cni/bridge"); err != nil {
		t.Skip("needs the CNI plugins in /usr/lib/cni (containernetworking-plugins)")
	}
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// pluginTimes collects the Trace callbacks of a manager.
type pluginTimes struct {
	mu    sync.Mutex
	calls []pluginCall
}

type pluginCall struct {
	plugin, command string
	d               time.Duration
}

func (p *pluginTimes) trace(plugin, command string, d time.Duration, _ error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = append(p.calls, pluginCall{plugin, command, d})
}

// take returns the calls recorded since the last take.
func (p *pluginTimes) take() []pluginCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.calls
	p.calls = nil
	return c
}

func formatCalls(calls []pluginCall) string {
	var b strings.Builder
	var total time.Duration
	for _, c := range calls {
		fmt.Fprintf(&b, " %s %s %v;", c.command, c.plugin, c.d.Round(100*time.Microsecond))
		total += c.d
	}
	fmt.Fprintf(&b, " plugins total %v", total.Round(100*time.Microsecond))
	return b.String()
}

// newTestCNI is a CNI manager with its own directories, default bridge
// (pltd + 6 hex digits, in 10.213.255.0/24) and plugin timing. As root, its
// networks and firewall chains go when the test ends.
func newTestCNI(t testing.TB) (*network.CNI, network.Options, *pluginTimes) {
	t.Helper()
	dir := t.TempDir()
	times := &pluginTimes{}
	opts := network.Options{
		ConfigDir:        filepath.Join(dir, "conf"),
		PluginDirs:       []string{"/usr/lib/cni"},
		StateDir:         filepath.Join(dir, "state"),
		RunDir:           filepath.Join(dir, "run"),
		DefaultInterface: "pltd" + randomHex(t, 3),
		DefaultSubnet:    testDefaultSubnet,
		Trace:            times.trace,
	}
	m, err := network.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		t.Cleanup(func() {
			if inUse, err := m.RemoveUnused(); err != nil || len(inUse) > 0 {
				t.Errorf("removing the test's networks: kept %v: %v", inUse, err)
			}
		})
	}
	return m, opts, times
}

// testDefaultSubnet is the default network's subnet in tests.
const testDefaultSubnet = "10.213.255.0/24"

// newNamespaceDir is a directory for namespaces; NewNamespace bind-mounts
// it onto itself, which the cleanup undoes.
func newNamespaceDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "netns")
	t.Cleanup(func() {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			_ = network.RemoveNamespace(filepath.Join(dir, e.Name()))
		}
		_ = unix.Unmount(dir, unix.MNT_DETACH)
	})
	return dir
}

// inNamespace runs fn on a thread in the network namespace at path;
// sockets fn creates belong to that namespace for their whole life.
func inNamespace(t *testing.T, path string, fn func() error) error {
	t.Helper()
	errCh := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the goroutine
		if unix.Gettid() == unix.Getpid() {
			// The main thread cannot die: keep it here, do the work on another.
			errCh <- inNamespace(t, path, fn)
			runtime.UnlockOSThread()
			return
		}
		f, err := os.Open(path)
		if err != nil {
			errCh <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errCh <- fmt.Errorf("setns %s: %w", path, err)
			return
		}
		errCh <- fn()
	}()
	return <-errCh
}

// iptablesLines returns the lines of iptables-save that contain any of subs.
func iptablesLines(t testing.TB, subs ...string) []string {
	t.Helper()
	out, err := exec.Command("iptables-save").Output()
	if err != nil {
		t.Fatalf("iptables-save: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		for _, s := range subs {
			if strings.Contains(l, s) {
				lines = append(lines, l)
				break
			}
		}
	}
	return lines
}

func jsonUnmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }
