package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// defaultConcurrencyCycles is how many create/start/stop/rm cycles each
// worker of TestConcurrentRootsOneDomain makes; $PODLITE_CONCURRENCY_CYCLES
// lowers it when iterating locally.
const defaultConcurrencyCycles = 50

// holding is one container holding an address from held to released:
// from when its start (or restore) returned to when its stop (or
// checkpoint) was asked for, a span in which it surely has the address.
type holding struct {
	who, ip        string
	held, released time.Time
}

// concurrencyRun gathers what the workers of one run saw.
type concurrencyRun struct {
	mu       sync.Mutex
	errs     []string
	holdings []holding
	cycles   int
	crRounds int
}

func (r *concurrencyRun) fail(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *concurrencyRun) hold(h holding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.holdings = append(r.holdings, h)
}

// podliteOut runs podlite for a worker goroutine (no testing.T calls) and
// returns its stdout, or an error with its stderr.
func podliteOut(e *Env, args ...string) (string, error) {
	cmd := e.Command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("podlite %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

var ipnetRe = regexp.MustCompile(`"ipnet":"([0-9.]+)/`)

// savedIP reads the container's address from the network.status its
// start wrote (ROOT/containers/ID/network.status), without a podlite run.
func savedIP(e *Env, id string) (string, error) {
	b, err := os.ReadFile(filepath.Join(e.Root, "containers", id, "network.status"))
	if err != nil {
		return "", err
	}
	m := ipnetRe.FindSubmatch(b)
	if m == nil || !json.Valid(b) {
		return "", fmt.Errorf("no address in network.status of %s: %s", id, b)
	}
	return string(m[1]), nil
}

// lifecycleWorker makes cycles create/start/stop/rm cycles on e.
func lifecycleWorker(e *Env, run *concurrencyRun, img, prefix string, cycles int) {
	for i := range cycles {
		name := fmt.Sprintf("%s-%d", prefix, i)
		out, err := podliteOut(e, "create", "--name", name, img, "sleep", "1000")
		if err != nil {
			run.fail("%v", err)
			continue
		}
		id := strings.TrimSpace(out)
		if _, err := podliteOut(e, "start", name); err != nil {
			run.fail("%v", err)
		} else {
			held := time.Now()
			ip, err := savedIP(e, id)
			if err != nil {
				run.fail("%v", err)
			}
			run.hold(holding{who: prefix + "/" + name, ip: ip, held: held, released: time.Now()})
			if _, err := podliteOut(e, "stop", "-t", "0", name); err != nil {
				run.fail("%v", err)
			}
		}
		if _, err := podliteOut(e, "rm", "-f", name); err != nil {
			run.fail("%v", err)
		}
		run.mu.Lock()
		run.cycles++
		run.mu.Unlock()
	}
}

// checkpointWorker checkpoints and restores the running container name on
// e until done is closed; between a checkpoint and its restore the
// container's address stays held for it.
func checkpointWorker(e *Env, run *concurrencyRun, name, id string, done <-chan struct{}) {
	held := time.Now()
	for {
		ip, err := savedIP(e, id)
		if err != nil {
			run.fail("%v", err)
		}
		select {
		case <-done:
			run.hold(holding{who: name, ip: ip, held: held, released: time.Now()})
			return
		default:
		}
		run.hold(holding{who: name, ip: ip, held: held, released: time.Now()})
		if _, err := podliteOut(e, "container", "checkpoint", name); err != nil {
			run.fail("%v", err)
			return
		}
		if _, err := podliteOut(e, "container", "restore", name); err != nil {
			run.fail("%v", err)
			return
		}
		held = time.Now()
		run.mu.Lock()
		run.crRounds++
		run.mu.Unlock()
	}
}

// duplicates lists the pairs of containers that held one address at
// once, and checkpointed containers whose address changed or went to
// someone else (it is theirs from their first start to the end).
func (r *concurrencyRun) duplicates() []string {
	var out []string
	seen := map[string]bool{}
	crIP := map[string]string{} // checkpointed container -> its address
	for _, h := range r.holdings {
		if !strings.HasPrefix(h.who, "cr") {
			continue
		}
		if ip, ok := crIP[h.who]; ok && ip != h.ip {
			out = append(out, fmt.Sprintf("%s restored with %s, had %s", h.who, h.ip, ip))
		}
		crIP[h.who] = h.ip
	}
	for i, a := range r.holdings {
		for _, b := range r.holdings[i+1:] {
			if a.ip != b.ip || a.who == b.who {
				continue
			}
			pair := fmt.Sprintf("%s and %s both held %s", min(a.who, b.who), max(a.who, b.who), a.ip)
			if seen[pair] {
				continue
			}
			if crIP[a.who] == a.ip || crIP[b.who] == b.ip || (a.held.Before(b.released) && b.held.Before(a.released)) {
				seen[pair] = true
				out = append(out, pair)
			}
		}
	}
	return out
}

// networkLeftovers lists what a domain's roots left after rm -af: lease
// files, namespace files, veths on the domain's bridge, mounts under the
// roots (but each runroot's netns directory, a bind mount of itself that
// stays until system reset).
func networkLeftovers(t *testing.T, envs ...*Env) []string {
	t.Helper()
	var out []string
	leases, _ := filepath.Glob(filepath.Join(envs[0].NetStateDir, "ipam", "*", "*"))
	for _, l := range leases {
		if net.ParseIP(filepath.Base(l)) != nil {
			out = append(out, "lease "+l)
		}
	}
	if linkExists(envs[0].DefaultBridge) {
		veths, err := exec.Command("ip", "-o", "link", "show", "type", "veth", "master", envs[0].DefaultBridge).Output()
		if err != nil {
			t.Fatalf("listing veths on %s: %v", envs[0].DefaultBridge, err)
		}
		for _, l := range outputLines(string(veths)) {
			out = append(out, "veth "+l)
		}
	}
	mounts := mountPoints(t)
	for _, e := range envs {
		ns, _ := os.ReadDir(filepath.Join(e.RunRoot, "netns"))
		for _, f := range ns {
			if !strings.HasPrefix(f.Name(), ".") {
				out = append(out, "netns "+filepath.Join(e.RunRoot, "netns", f.Name()))
			}
		}
		for _, mp := range mounts {
			under := strings.HasPrefix(mp, e.Root+"/") || strings.HasPrefix(mp, e.RunRoot+"/")
			if under && mp != filepath.Join(e.RunRoot, "netns") && !strings.HasSuffix(mp, "/overlay") {
				out = append(out, "mount "+mp)
			}
		}
	}
	return out
}

// mountPoints lists the mount points of this mount namespace.
func mountPoints(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 4 {
			out = append(out, unescapeMountPath(fields[4]))
		}
	}
	return out
}

// TestConcurrentRootsOneDomain runs 8 podlite workers at once, 4 on each
// of two roots sharing one network domain, each making create, start,
// stop and rm cycles on the default network, while one container per
// root is checkpointed and restored again and again. No command may fail,
// no two containers may hold one address at once (nor take a
// checkpointed container's held address), and after rm -af nothing is
// left: leases, namespace files, veths, mounts.
func TestConcurrentRootsOneDomain(t *testing.T) {
	cycles := cyclesFromEnv(t, "PODLITE_CONCURRENCY_CYCLES", defaultConcurrencyCycles)
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	run := &concurrencyRun{}
	done := make(chan struct{})
	var crWG, wg sync.WaitGroup
	start := time.Now()
	for i, e := range []*Env{a, b} {
		name := fmt.Sprintf("cr%d", i)
		id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", name, img, "sh", "-c", counterScript).Stdout)
		crWG.Add(1)
		go func() {
			defer crWG.Done()
			checkpointWorker(e, run, name, id, done)
		}()
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				lifecycleWorker(e, run, img, fmt.Sprintf("r%dw%d", i, w), cycles)
			}()
		}
	}
	wg.Wait()
	close(done)
	crWG.Wait()
	wall := time.Since(start)
	for i, e := range []*Env{a, b} {
		assertContinuous(t, e, fmt.Sprintf("cr%d", i))
	}
	dups := run.duplicates()
	a.MustPodlite("rm", "-a", "-f")
	b.MustPodlite("rm", "-a", "-f")
	leaks := networkLeftovers(t, a, b)
	t.Logf("%d workers × %d cycles = %d cycles and %d checkpoint/restore rounds in %v: %d errors, %d duplicate addresses, %d leaks",
		8, cycles, run.cycles, run.crRounds, wall.Round(time.Second), len(run.errs), len(dups), len(leaks))
	if len(run.errs) > 0 {
		t.Errorf("%d commands failed; the first:\n%s", len(run.errs), strings.Join(run.errs[:min(len(run.errs), 5)], "\n"))
	}
	if len(dups) > 0 {
		t.Errorf("duplicate addresses:\n%s", strings.Join(dups[:min(len(dups), 10)], "\n"))
	}
	if len(leaks) > 0 {
		t.Errorf("left after rm -af:\n%s", strings.Join(leaks, "\n"))
	}
	if run.cycles != 8*cycles || run.crRounds == 0 {
		t.Errorf("made %d cycles (want %d) and %d checkpoint/restore rounds", run.cycles, 8*cycles, run.crRounds)
	}
}
