package e2e

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// Every env's podlite gets a config file naming its network domain: a
// network configuration directory, a network state directory (leases), the
// default network's bridge and subnet, all of the test's own, so that no
// test touches the host's /etc/podlite, /var/lib/podlite or podlite0
// bridge (TestMain checks). Bridges are pltPID-N, subnets 10.(160+PID%32).N.0/24.

// netDomain is one network domain of a test.
type netDomain struct {
	dir, config, confDir, stateDir string
	bridge, subnet                 string
	// members counts the envs of the domain not cleaned up yet.
	members atomic.Int32
}

var (
	domains     sync.Map // *testing.T -> *netDomain
	domainCount atomic.Int32
)

// testDomain is t's network domain, which NewEnv's envs share as the roots
// of one machine do, created on first use.
func testDomain(t *testing.T) *netDomain {
	t.Helper()
	if d, ok := domains.Load(t); ok {
		return d.(*netDomain)
	}
	d := newDomain(t)
	domains.Store(t, d)
	t.Cleanup(func() { domains.Delete(t) })
	return d
}

// newDomain makes a network domain with a bridge and subnet of its own.
// Its cleanup, registered before any env's, runs after their system
// resets: the bridge must be gone by then.
func newDomain(t *testing.T) *netDomain {
	t.Helper()
	dir, err := os.MkdirTemp("", "podlite-e2e-net-")
	if err != nil {
		t.Fatal(err)
	}
	n, id := domainCount.Add(1), os.Getpid()%100000
	d := &netDomain{dir: dir, config: filepath.Join(dir, "podlite.conf"),
		confDir: filepath.Join(dir, "net.d"), stateDir: filepath.Join(dir, "state"),
		bridge: fmt.Sprintf("plt%d-%d", id, n), subnet: fmt.Sprintf("10.%d.%d.0/24", 160+id%32, n%256)}
	t.Cleanup(func() {
		if exec.Command("ip", "link", "show", d.bridge).Run() == nil {
			t.Errorf("bridge %s is left after every root of its domain was reset", d.bridge)
			_ = exec.Command("ip", "link", "del", d.bridge).Run()
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
	})
	return d
}

// join makes e use the domain and writes the domain's config file.
func (d *netDomain) join(e *Env) {
	e.domain = d
	d.members.Add(1)
	e.Config, e.NetConfigDir, e.NetStateDir = d.config, d.confDir, d.stateDir
	e.DefaultBridge, e.DefaultSubnet = d.bridge, d.subnet
	e.WriteConfig()
}

// sharesDomain reports whether other envs of e's network domain are
// still there: their containers share its bridges.
func (e *Env) sharesDomain() bool { return e.domain != nil && e.domain.members.Load() > 1 }

// WriteConfig writes the env's config file from its network fields, for a
// test that changes them (before the default network exists).
func (e *Env) WriteConfig() {
	e.T.Helper()
	// retry = 0: a missing image's pull fails at once (keepPullsLocal), not after retries.
	// hooks_dir = []: the host's hook directories are no test's business.
	conf := fmt.Sprintf("network_config_dir = %q\nnetwork_state_dir = %q\ndefault_network_interface = %q\ndefault_subnet = %q\nretry = 0\nhooks_dir = []\n",
		e.NetConfigDir, e.NetStateDir, e.DefaultBridge, e.DefaultSubnet)
	if len(e.CNIPluginDirs) > 0 {
		quoted := make([]string, len(e.CNIPluginDirs))
		for i, d := range e.CNIPluginDirs {
			quoted[i] = fmt.Sprintf("%q", d)
		}
		conf += "cni_plugin_dirs = [" + strings.Join(quoted, ", ") + "]\n"
	}
	if err := os.WriteFile(e.Config, []byte(conf), 0o600); err != nil {
		e.T.Fatal(err)
	}
}

// SubnetIP is the address with the last byte host in the env's default subnet.
func (e *Env) SubnetIP(host int) string {
	return strings.TrimSuffix(strings.TrimSuffix(e.DefaultSubnet, "/24"), "0") + fmt.Sprint(host)
}

// Gateway is the host's address on the env's default bridge.
func (e *Env) Gateway() string { return e.SubnetIP(1) }

// hostState is what the host's own podlite has: its config directory, its
// default root and its default bridge, which no test may change.
type hostState map[string][]string

// snapshotHost lists /etc/podlite (contents), /var/lib/podlite (names,
// sizes, times) and the podlite0 link.
func snapshotHost() hostState {
	h := hostState{"/etc/podlite": walkTree("/etc/podlite", true), "/var/lib/podlite": walkTree("/var/lib/podlite", false)}
	if out, err := exec.Command("ip", "-o", "link", "show", "podlite0").Output(); err == nil {
		index, _, _ := strings.Cut(string(out), ":")
		h["link podlite0"] = []string{"index " + index}
	}
	return h
}

// walkTree lists every entry under root with its mode and size, and the
// hash of its contents (withData) or its modification time.
func walkTree(root string, withData bool) []string {
	var out []string
	_ = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			out = append(out, path+" unreadable: "+err.Error())
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		line := fmt.Sprintf("%s %v %d", path, info.Mode(), info.Size())
		if d.Type().IsRegular() {
			if withData {
				data, _ := os.ReadFile(path)
				line += fmt.Sprintf(" %x", sha256.Sum256(data))
			} else {
				line += " " + info.ModTime().String()
			}
		}
		out = append(out, line)
		return nil
	})
	return out
}

// changes names what differs between h and now: entries gone (-) and
// new or changed (+).
func (h hostState) changes(now hostState) []string {
	var out []string
	for _, k := range []string{"/etc/podlite", "/var/lib/podlite", "link podlite0"} {
		for _, l := range h[k] {
			if !slices.Contains(now[k], l) {
				out = append(out, k+": - "+l)
			}
		}
		for _, l := range now[k] {
			if !slices.Contains(h[k], l) {
				out = append(out, k+": + "+l)
			}
		}
	}
	return out
}
