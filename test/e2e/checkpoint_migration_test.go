package e2e

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// testHost is a network namespace standing in for a machine: it has its
// own loopback, firewall and network domain with the default podlite0
// bridge and 10.90.0.0/16, and one end of a veth pair to the other
// testHost.
type testHost struct {
	netns string // file of the namespace, /run/netns/NAME
	addr  string // address on the veth
}

// newTwoHosts creates hosts A and B joined by a veth pair, 192.168.213.1
// and .2 on a /30, and deletes them when the test ends (after the Envs
// made later, whose cleanups run first).
func newTwoHosts(t *testing.T) (a, b testHost) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
	id := os.Getpid() % 100000
	nsA, nsB := fmt.Sprintf("plhostA%d", id), fmt.Sprintf("plhostB%d", id)
	vethA, vethB := fmt.Sprintf("plvA%d", id), fmt.Sprintf("plvB%d", id)
	ip := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	for _, ns := range []string{nsA, nsB} {
		ip("netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
		ip("-n", ns, "link", "set", "lo", "up")
	}
	ip("link", "add", vethA, "netns", nsA, "type", "veth", "peer", "name", vethB, "netns", nsB)
	for _, end := range []struct{ ns, dev, addr string }{{nsA, vethA, "192.168.213.1"}, {nsB, vethB, "192.168.213.2"}} {
		ip("-n", end.ns, "addr", "add", end.addr+"/30", "dev", end.dev)
		ip("-n", end.ns, "link", "set", end.dev, "up")
	}
	return testHost{"/run/netns/" + nsA, "192.168.213.1"}, testHost{"/run/netns/" + nsB, "192.168.213.2"}
}

// env returns a podlite installation of its own that runs on h, with the
// default network of a fresh install (inside h's namespace).
func (h testHost) env(t *testing.T) *Env {
	t.Helper()
	e := NewEnvApart(t)
	e.Netns = h.netns
	e.DefaultBridge, e.DefaultSubnet = "podlite0", "10.90.0.0/16"
	e.WriteConfig()
	return e
}

// inNetns runs fn on a thread moved into the network namespace at path.
// The thread stays locked, so it ends with its goroutine and no other
// code runs in that namespace.
func inNetns(path string, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(path)
		if err != nil {
			done <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- fmt.Errorf("joining %s: %w", path, err)
			return
		}
		done <- fn()
	}()
	return <-done
}

// sendFile copies src to dst over TCP from host from to host to, across
// their veth: a listener on to's address, a client in from's namespace.
func sendFile(t *testing.T, from, to testHost, src, dst string) {
	t.Helper()
	var ln net.Listener
	if err := inNetns(to.netns, func() (err error) {
		ln, err = net.Listen("tcp", net.JoinHostPort(to.addr, "0"))
		return err
	}); err != nil {
		t.Fatalf("listening on host B: %v", err)
	}
	defer ln.Close()
	received := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			received <- err
			return
		}
		defer conn.Close()
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			received <- err
			return
		}
		_, err = io.Copy(f, conn)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		received <- err
	}()
	var conn net.Conn
	if err := inNetns(from.netns, func() (err error) {
		conn, err = net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		return err
	}); err != nil {
		t.Fatalf("connecting from host A to %s: %v", ln.Addr(), err)
	}
	f := openFile(t, src)
	_, err := io.Copy(conn, f)
	if cerr := conn.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("sending %s: %v", src, err)
	}
	select {
	case err := <-received:
		if err != nil {
			t.Fatalf("receiving %s: %v", dst, err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the transfer did not finish within a minute")
	}
	if fileSum(t, src) != fileSum(t, dst) {
		t.Fatalf("%s arrived changed", src)
	}
}

func fileSum(t *testing.T, path string) [sha256.Size]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(data)
}

// TestCheckpointMigrationTwoHosts moves a running container from host A
// to host B, two network namespaces each with its own podlite root and
// bridge, the archive going over TCP between them.
func TestCheckpointMigrationTwoHosts(t *testing.T) {
	hostA, hostB := newTwoHosts(t)
	a, b := hostA.env(t), hostB.env(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	ip := runMover(t, a, img)
	if out, err := exec.Command("ip", "-n", filepath.Base(hostA.netns), "addr", "show", "podlite0").CombinedOutput(); err != nil || !strings.Contains(string(out), "10.90.") {
		t.Fatalf("host A's podlite0 bridge is not in its namespace: %v: %s", err, out)
	}
	sent := filepath.Join(t.TempDir(), "mover.tar.zst")
	a.MustPodlite("container", "checkpoint", "--export", sent, "mover")
	at := lastCount(t, a, "mover")

	archive := filepath.Join(t.TempDir(), "received.tar.zst")
	sendFile(t, hostA, hostB, sent, archive)
	if vols := b.MustPodlite("volume", "ls", "-q").Stdout; vols != "" {
		t.Fatalf("host B has volumes before the import: %q", vols)
	}
	// Host A still holds its address: host B's network is another one.
	r := b.MustPodlite("container", "restore", "--check", "--import", archive)
	if !strings.Contains(r.Stdout, "can be restored") || strings.Contains(r.Stderr, "CPU") {
		t.Fatalf("restore --check on host B:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
	importMover(t, b, archive, at, ip)
	if vols := b.MustPodlite("volume", "ls", "-q").Stdout; vols != "carried\n" {
		t.Fatalf("host B's volumes after the import: %q, want carried", vols)
	}

	// Two copies from the one archive: new names, IDs and addresses, each
	// counting on from where the checkpoint was taken.
	b.MustPodlite("container", "restore", "--import", archive, "--name", "copy1")
	b.MustPodlite("container", "restore", "--import", archive, "--name", "copy2")
	ids, ips := map[string]bool{}, map[string]bool{}
	for _, n := range []string{"mover", "copy1", "copy2"} {
		waitFor(t, func() bool { return lastCount(t, b, n) >= at+3 })
		assertContinuous(t, b, n)
		ids[strings.TrimSpace(b.MustPodlite("inspect", "--format", "{{.Id}}", n).Stdout)] = true
		ips[strings.Fields(netOf(b, n))[0]] = true
	}
	if len(ids) != 3 || len(ips) != 3 {
		t.Fatalf("the copies share IDs %v or addresses %v", ids, ips)
	}
	if out := b.MustPodlite("exec", "copy1", "cat", "/etc/motd").Stdout; out != "in-rootfs\n" {
		t.Fatalf("copy1's /etc/motd: %q", out)
	}

	// --ignore-rootfs leaves the rootfs changes in the archive.
	b.MustPodlite("container", "restore", "--import", archive, "--name", "bare", "--ignore-rootfs")
	if r := b.Podlite("exec", "bare", "cat", "/etc/motd"); r.ExitCode == 0 || strings.Contains(r.Stdout, "in-rootfs") {
		t.Fatalf("--ignore-rootfs restored /etc/motd: exit %d, %q", r.ExitCode, r.Stdout)
	}
	assertContinuous(t, b, "bare")
}

// TestCheckpointLazyMigrationTwoHosts moves a running container from host
// A to host B with lazy pages: B restores from the archive at once and
// pulls the memory from A's page server, across the veth, as it is touched.
func TestCheckpointLazyMigrationTwoHosts(t *testing.T) {
	hostA, hostB := newTwoHosts(t)
	a, b := hostA.env(t), hostB.env(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	a.MustPodlite("run", "-d", "--name", "lazy", img, "sh", "-c",
		"big=$(head -c 8000000 /dev/zero | tr '\\0' x); "+counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "lazy") >= 5 })
	allowLazyPipes(t, a, "lazy")

	_, port, _ := net.SplitHostPort(freeAddr(t)) // A's namespace is new: free there too
	addr := net.JoinHostPort(hostA.addr, port)
	sent := filepath.Join(t.TempDir(), "lazy.tar.zst")
	exited, _, ckptErr := startLazyCheckpoint(t, a, "lazy", sent, addr)
	at := lastCount(t, a, "lazy")
	archive := filepath.Join(t.TempDir(), "received.tar.zst")
	sendFile(t, hostA, hostB, sent, archive)

	lazyRestore(t, a, b, archive, addr, exited, ckptErr)
	waitFor(t, func() bool { return lastCount(t, b, "moved") >= at+3 })
	assertContinuous(t, b, "moved")
	if st := a.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "lazy").Stdout; st != "exited false\n" {
		t.Fatalf("after the lazy migration the container on host A is %q", st)
	}
}
