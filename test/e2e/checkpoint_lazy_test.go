package e2e

import (
	"bytes"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Remote checkpoints between two podlite roots on this machine, over
// loopback: the memory pages travel through a page server instead of the
// archive.

// startPageServer runs CRIU's receiving side, `criu page-server`, for one
// dump into dir and returns its address once it listens and a function
// that waits for it to have finished.
func startPageServer(t *testing.T, dir string) (addr string, wait func()) {
	t.Helper()
	addr = freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	pidfile := filepath.Join(t.TempDir(), "page-server.pid")
	// --daemon returns once the server listens.
	out, err := exec.Command("criu", "page-server", "--daemon", "--pidfile", pidfile,
		"--images-dir", dir, "--address", "127.0.0.1", "--port", port,
		"--log-file", "page-server.log", "-v4").CombinedOutput()
	if err != nil {
		t.Fatalf("criu page-server: %v\n%s", err, out)
	}
	b, err := os.ReadFile(pidfile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	return addr, func() {
		t.Helper()
		waitFor(t, func() bool { return syscall.Kill(pid, 0) != nil })
	}
}

func TestCheckpointPageServer(t *testing.T) {
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	a.MustPodlite("run", "-d", "--name", "paged", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "paged") >= 5 })
	ip := strings.Fields(netOf(a, "paged"))[0]

	pages := t.TempDir()
	addr, finished := startPageServer(t, pages)
	archive := filepath.Join(t.TempDir(), "paged.tar.zst")
	if out := a.MustPodlite("container", "checkpoint", "--page-server", addr, "--export", archive, "paged").Stdout; out != "paged\n" {
		t.Fatalf("checkpoint --page-server printed %q", out)
	}
	finished()
	at := lastCount(t, a, "paged")
	// The container moved: exited here, with nothing to restore.
	if st := a.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "paged").Stdout; st != "exited false\n" {
		t.Fatalf("after a dump to a page server the container is %q, want exited and not checkpointed", st)
	}
	if m, _ := filepath.Glob(filepath.Join(pages, "pages-*.img")); len(m) == 0 {
		t.Fatalf("the page server received no pages in %s", pages)
	}

	// The archive alone lacks the memory: a clear error, nothing left.
	r := b.Podlite("container", "restore", "--import", archive)
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "--import-pages") {
		t.Fatalf("restore without the pages does not say what is missing: %s", r.Stderr)
	}
	if out := b.MustPodlite("ps", "-aq").Stdout; out != "" {
		t.Fatalf("a failed import left containers: %q", out)
	}

	if out := b.MustPodlite("container", "restore", "--import", archive, "--import-pages", pages).Stdout; out != "paged\n" {
		t.Fatalf("restore --import --import-pages printed %q", out)
	}
	waitFor(t, func() bool { return lastCount(t, b, "paged") >= at+3 })
	assertContinuous(t, b, "paged")
	if got := strings.Fields(netOf(b, "paged"))[0]; got != ip {
		t.Fatalf("restored with %s, want %s", got, ip)
	}
	if m, _ := filepath.Glob(filepath.Join(pages, "pages-*.img")); len(m) == 0 {
		t.Fatalf("the restore took the pages out of %s", pages)
	}
}

// startLazyCheckpoint starts `checkpoint --lazy-pages` of name on e, serving
// on addr and exporting to archive, and returns once its status
// descriptor says the restore may start (one zero byte, then closed). The
// checkpoint's end comes on exited; its output is in the buffers.
func startLazyCheckpoint(t *testing.T, e *Env, name, archive, addr string) (exited chan error, stdout, stderr *bytes.Buffer) {
	t.Helper()
	status, statusW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer status.Close()
	ckpt := e.Command("container", "checkpoint", "--export", archive,
		"--lazy-pages", "--page-server", addr, "--status-fd", "3", name)
	stdout, stderr = &bytes.Buffer{}, &bytes.Buffer{}
	ckpt.Stdout, ckpt.Stderr, ckpt.ExtraFiles = stdout, stderr, []*os.File{statusW}
	if err := ckpt.Start(); err != nil {
		t.Fatal(err)
	}
	statusW.Close()
	exited = make(chan error, 1)
	go func() { exited <- ckpt.Wait() }()
	t.Cleanup(func() { _ = ckpt.Process.Kill() })

	ready := make(chan []byte, 1)
	go func() { b, _ := io.ReadAll(status); ready <- b }()
	select {
	case got := <-ready:
		if !bytes.Equal(got, []byte{0}) {
			t.Fatalf("status fd said %q, want one zero byte (checkpoint stderr: %s)", got, stderr.String())
		}
	case err := <-exited:
		t.Fatalf("the lazy checkpoint ended before it was ready: %v\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("the lazy checkpoint was not ready within 60s\n%s", stderr.String())
	}
	return exited, stdout, stderr
}

// lazyRestore restores the archive of a lazy checkpoint running on a as
// "moved" on b, pulling its pages from addr, and waits for the checkpoint
// to end well. The copy takes a new name: the frozen original still holds
// its cgroup, named after its ID, in the cgroup tree the roots share here.
func lazyRestore(t *testing.T, a, b *Env, archive, addr string, exited chan error, ckptErr *bytes.Buffer) {
	t.Helper()
	if out := b.MustPodlite("container", "restore", "--import", archive, "--name", "moved", "--lazy-pages", "--page-server", addr).Stdout; out != "moved\n" {
		t.Fatalf("restore --lazy-pages printed %q", out)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the lazy checkpoint failed: %v\n%s\n%s%s", err, ckptErr.String(), criuLogTails(t, a), criuLogTails(t, b))
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("the lazy checkpoint did not finish within 60s of the restore\n%s", ckptErr.String())
	}
}

func TestCheckpointLazyPages(t *testing.T) {
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	// Some memory worth moving lazily: 8 MB held by the shell.
	a.MustPodlite("run", "-d", "--name", "lazy", img, "sh", "-c",
		"big=$(head -c 8000000 /dev/zero | tr '\\0' x); "+counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "lazy") >= 5 })
	allowLazyPipes(t, a, "lazy")

	// An archive that cannot be written calls the lazy dump off before
	// any restore side connects: the processes resume where they were.
	r := a.Podlite("container", "checkpoint", "--export", "/nonexistent/lazy.tar", "--lazy-pages", "--page-server", freeAddr(t), "lazy")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "called off") {
		t.Fatalf("the failed lazy checkpoint does not say it was called off: %s", r.Stderr)
	}
	if st := a.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "lazy").Stdout; st != "running false\n" {
		t.Fatalf("after a called-off lazy checkpoint the container is %q", st)
	}
	before := lastCount(t, a, "lazy")
	waitFor(t, func() bool { return lastCount(t, a, "lazy") > before })

	addr := freeAddr(t)
	archive := filepath.Join(t.TempDir(), "lazy.tar.zst")
	exited, ckptOut, ckptErr := startLazyCheckpoint(t, a, "lazy", archive, addr)
	if st, err := os.Stat(archive); err != nil || st.Size() == 0 {
		t.Fatalf("the archive is not written when the checkpoint says ready: %v", err)
	}
	// Still frozen on A: the counter stands.
	at := lastCount(t, a, "lazy")

	// On one machine the two roots share the cgroup tree, where the
	// frozen original still holds its cgroup (named after its ID), and
	// the bridge, where it holds its address: the restore takes a new
	// name, so a new ID and new addresses. Between two hosts the original
	// ID and address would do.
	lazyRestore(t, a, b, archive, addr, exited, ckptErr)
	if ckptOut.String() != "lazy\n" || !strings.Contains(ckptErr.String(), "the restore may start") {
		t.Fatalf("lazy checkpoint printed %q, stderr %q", ckptOut.String(), ckptErr.String())
	}
	if got := lastCount(t, a, "lazy"); got != at {
		t.Fatalf("the counter moved on A while its pages were served: %d after %d", got, at)
	}
	if st := a.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "lazy").Stdout; st != "exited false\n" {
		t.Fatalf("after a lazy migration the container on A is %q, want exited and not checkpointed", st)
	}

	waitFor(t, func() bool { return lastCount(t, b, "moved") >= at+3 })
	assertContinuous(t, b, "moved")
	// Every page has moved: B's lazy-pages daemon is done and gone, its
	// socket and pidfile with it (its log stays, as restore.log does).
	waitFor(t, func() bool { return len(processesWith(t, "lazy-pages", b.Root)) == 0 })
	if m, _ := filepath.Glob(filepath.Join(b.Root, "containers", "*", "lazy-pages.[sp]*")); len(m) != 0 {
		t.Fatalf("the lazy restore left %v", m)
	}
	if got := netOf(b, "moved"); got == "" {
		t.Fatalf("the restored copy has no address")
	}
	// The shell's 8 MB came over too: it still holds them.
	if out := b.MustPodlite("exec", "moved", "sh", "-c", "grep VmRSS /proc/1/status").Stdout; !strings.Contains(out, "kB") {
		t.Fatalf("exec after the lazy restore: %q", out)
	}
}

// allowLazyPipes makes sure CRIU may create the 4 MiB pipe its lazy page
// server sends pages through. Where podlite lacks CAP_SYS_RESOURCE and
// fs.pipe-max-size is lower (the default is 1 MiB), it first checks that a
// lazy checkpoint of name refuses to start, with the remedy, and leaves
// the container running; then it raises the limit until the test ends.
func allowLazyPipes(t *testing.T, e *Env, name string) {
	t.Helper()
	const path, want = "/proc/sys/fs/pipe-max-size", 4 << 20
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	status, _ := os.ReadFile("/proc/self/status")
	if old >= want || hasCapSysResource(string(status)) {
		return
	}
	archive := filepath.Join(t.TempDir(), "refused.tar")
	r := e.Podlite("container", "checkpoint", "--export", archive, "--lazy-pages", "--page-server", freeAddr(t), name)
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "sysctl fs.pipe-max-size=4194304") {
		t.Fatalf("the refusal does not give the remedy: %s", r.Stderr)
	}
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}}", name).Stdout; st != "running\n" {
		t.Fatalf("after the refused lazy checkpoint %s is %q", name, st)
	}
	if err := os.WriteFile(path, []byte(strconv.Itoa(want)), 0o644); err != nil {
		t.Fatalf("raising fs.pipe-max-size: %v", err)
	}
	t.Cleanup(func() { _ = os.WriteFile(path, b, 0o644) })
}

// processesWith lists the PIDs whose command line contains every one of
// words.
func processesWith(t *testing.T, words ...string) []int {
	t.Helper()
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var pids []int
	for _, d := range dirs {
		b, err := os.ReadFile(filepath.Join(d, "cmdline"))
		if err != nil {
			continue
		}
		cmdline := strings.ReplaceAll(string(b), "\x00", " ")
		all := true
		for _, w := range words {
			all = all && strings.Contains(cmdline, w)
		}
		if all {
			pid, _ := strconv.Atoi(filepath.Base(d))
			pids = append(pids, pid)
		}
	}
	return pids
}

func hasCapSysResource(status string) bool {
	for line := range strings.Lines(status) {
		if hex, ok := strings.CutPrefix(line, "CapEff:"); ok {
			eff, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			return err == nil && eff&(1<<24) != 0
		}
	}
	return false
}

// TestCheckpointRemoteFlagErrors: flags that do not go together fail at
// once with one line, and the container is untouched.
func TestCheckpointRemoteFlagErrors(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "stays", img, "sh", "-c", counterScript)
	archive := filepath.Join(t.TempDir(), "x.tar")
	for name, tc := range map[string]struct {
		args []string
		want string // in the one error line
	}{
		"lazy without page server":   {[]string{"checkpoint", "--lazy-pages", "--export", archive, "stays"}, "needs --page-server"},
		"lazy leave running":         {[]string{"checkpoint", "--lazy-pages", "--page-server", "127.0.0.1:1", "-R", "--export", archive, "stays"}, "--leave-running"},
		"page server without export": {[]string{"checkpoint", "--page-server", "127.0.0.1:1", "stays"}, "needs --export"},
		"page server and image":      {[]string{"checkpoint", "--page-server", "127.0.0.1:1", "--export", archive, "--create-image", "ckpt-img", "stays"}, "--create-image"},
		"page server not ADDR:PORT":  {[]string{"checkpoint", "--page-server", "127.0.0.1", "--export", archive, "stays"}, "not ADDR:PORT"},
		"page server a name":         {[]string{"checkpoint", "--page-server", "localhost:80", "--export", archive, "stays"}, "not an IP address"},
		"status fd without lazy":     {[]string{"checkpoint", "--status-fd", "1", "--page-server", "127.0.0.1:1", "--export", archive, "stays"}, "--status-fd needs --lazy-pages"},
		"status fd negative":         {[]string{"checkpoint", "--status-fd=-5", "--lazy-pages", "--page-server", "127.0.0.1:1", "--export", archive, "stays"}, "not a descriptor open for writing"},
		"status fd not open":         {[]string{"checkpoint", "--status-fd", "99", "--lazy-pages", "--page-server", "127.0.0.1:1", "--export", archive, "stays"}, "not a descriptor open for writing"},
		"pre-checkpoint":             {[]string{"checkpoint", "--pre-checkpoint", "--page-server", "127.0.0.1:1", "--export", archive, "stays"}, "--pre-checkpoint"},
		"restore lazy no server":     {[]string{"restore", "--import", archive, "--lazy-pages"}, "needs --page-server"},
		"restore server no lazy":     {[]string{"restore", "--import", archive, "--page-server", "127.0.0.1:1"}, "needs --lazy-pages"},
		"restore lazy no import":     {[]string{"restore", "--lazy-pages", "--page-server", "127.0.0.1:1", "stays"}, "need --import"},
		"restore pages no import":    {[]string{"restore", "--import-pages", t.TempDir(), "stays"}, "need --import"},
		"restore lazy and pages":     {[]string{"restore", "--import", archive, "--lazy-pages", "--page-server", "127.0.0.1:1", "--import-pages", t.TempDir()}, "cannot be combined"},
		"restore bad port":           {[]string{"restore", "--import", archive, "--lazy-pages", "--page-server", "127.0.0.1:99999"}, "not a port number"},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.Podlite(append([]string{"container"}, tc.args...)...)
			expectOneLineError(t, r)
			if !strings.Contains(r.Stderr, tc.want) {
				t.Fatalf("error %q does not say %q", r.Stderr, tc.want)
			}
		})
	}
	if _, err := os.Stat(archive); err == nil {
		t.Fatalf("a rejected checkpoint wrote %s", archive)
	}
	if st := e.MustPodlite("inspect", "--format", "{{.State.Status}}", "stays").Stdout; st != "running\n" {
		t.Fatalf("after rejected flags the container is %q", st)
	}
}

// criuLogTails returns the last lines of every CRIU log under e's
// containers, for a failure message.
func criuLogTails(t *testing.T, e *Env) string {
	t.Helper()
	logs, _ := filepath.Glob(filepath.Join(e.Root, "containers", "*", "*.log"))
	var out strings.Builder
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		out.WriteString("== " + l + "\n" + strings.Join(lines[max(0, len(lines)-30):], "\n") + "\n")
	}
	return out.String()
}
