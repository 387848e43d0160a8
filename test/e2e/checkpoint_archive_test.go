package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// restoreContinues runs the restore args, which must print name, and checks
// the counter in name goes on from at without a restart, with address ip.
func restoreContinues(t *testing.T, e *Env, name string, at int, ip string, args ...string) {
	t.Helper()
	if out := e.MustPodlite(append([]string{"container", "restore"}, args...)...).Stdout; out != name+"\n" {
		t.Fatalf("restore %v printed %q", args, out)
	}
	waitFor(t, func() bool { return lastCount(t, e, name) >= at+3 })
	assertContinuous(t, e, name)
	if got := strings.Fields(netOf(e, name))[0]; got != ip {
		t.Fatalf("restored with %s, want the checkpointed %s", got, ip)
	}
}

// importMover restores the archive of the "mover" container (a counter,
// in-rootfs in /etc/motd, in-volume in its volume at /data) on e, and
// checks it comes back whole: the counter goes on from at without a
// restart, with the address ip and its files.
func importMover(t *testing.T, e *Env, archive string, at int, ip string) {
	t.Helper()
	restoreContinues(t, e, "mover", at, ip, "--import", archive)
	if out := e.MustPodlite("exec", "mover", "cat", "/etc/motd", "/data/f").Stdout; out != "in-rootfs\nin-volume\n" {
		t.Fatalf("rootfs changes and volume data after the import: %q", out)
	}
}

// runMover runs the "mover" container on e: a counter, in-rootfs in
// /etc/motd, in-volume in its volume at /data; it returns its address once
// it counts.
func runMover(t *testing.T, e *Env, img string) string {
	t.Helper()
	e.MustPodlite("run", "-d", "--name", "mover", "-v", "carried:/data", img, "sh", "-c",
		"echo in-volume > /data/f; echo in-rootfs > /etc/motd; "+counterScript)
	waitFor(t, func() bool { return lastCount(t, e, "mover") >= 5 })
	return strings.Fields(netOf(e, "mover"))[0]
}

// TestCheckpointExportImport moves a container between two podlite roots
// (two "hosts" on this machine) through a checkpoint archive.
func TestCheckpointExportImport(t *testing.T) {
	a, b := NewEnv(t), NewEnv(t)
	img := a.LoadBusybox()
	b.LoadBusybox()
	ip := runMover(t, a, img)
	archive := filepath.Join(t.TempDir(), "mover.tar.zst")
	a.MustPodlite("container", "checkpoint", "--export", archive, "mover")
	if st, err := os.Stat(archive); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("archive: %v, mode %v; want mode 0600", err, st.Mode().Perm())
	}
	if got := a.MustPodlite("container", "checkpoint", "inspect", "--format", "{{.manifest.name}} {{.manifest.version}}", archive).Stdout; got != "mover 1\n" {
		t.Fatalf("checkpoint inspect: %q", got)
	}
	at := lastCount(t, a, "mover")
	a.MustPodlite("rm", "-f", "mover") // host A is done with it: its address is free again

	if out := b.MustPodlite("container", "restore", "--check", "--import", archive).Stdout; !strings.Contains(out, "can be restored") {
		t.Fatalf("restore --check on a host that can take it: %q", out)
	}
	importMover(t, b, archive, at, ip)

	// Two copies from one archive, each under a new name and ID with its
	// own address.
	b.MustPodlite("container", "restore", "-i", archive, "-n", "copy1")
	b.MustPodlite("container", "restore", "-i", archive, "-n", "copy2")
	ips := map[string]bool{}
	for _, n := range []string{"mover", "copy1", "copy2"} {
		ips[strings.Fields(netOf(b, n))[0]] = true
		if st := b.MustPodlite("inspect", "--format", "{{.State.Status}}", n).Stdout; st != "running\n" {
			t.Fatalf("%s is %q", n, st)
		}
	}
	if len(ips) != 3 {
		t.Fatalf("the copies share addresses: %v", ips)
	}
	// The preflight reports every problem at once, then fails: here the
	// name is taken (the addresses are the existing container's own).
	r := b.Podlite("container", "restore", "--check", "-i", archive)
	if r.ExitCode != 125 || !strings.Contains(r.Stderr, "problem: a container named mover exists already") {
		t.Fatalf("restore --check with the name taken: exit %d\n%s", r.ExitCode, r.Stderr)
	}
	if r := b.Podlite("container", "restore", "-i", archive); r.ExitCode != 125 || !strings.Contains(r.Stderr, "exists already") {
		t.Fatalf("restore -i with the name taken: exit %d\n%s", r.ExitCode, r.Stderr)
	}

	// --ignore-rootfs leaves the rootfs changes behind.
	b.MustPodlite("container", "restore", "-i", archive, "-n", "bare", "--ignore-rootfs")
	if out := b.Podlite("exec", "bare", "cat", "/etc/motd").Stdout; strings.Contains(out, "in-rootfs") {
		t.Fatalf("--ignore-rootfs restored the rootfs changes")
	}

	// Bad input: a missing archive, an archive that is not one; nothing
	// half-created.
	before := b.MustPodlite("ps", "-aq").Stdout
	expectOneLineError(t, b.Podlite("container", "restore", "-i", "/no/such/archive", "-n", "x"))
	junk := filepath.Join(t.TempDir(), "junk")
	writeFile(t, junk, "not an archive")
	expectOneLineError(t, b.Podlite("container", "restore", "-i", junk, "-n", "y"))
	if after := b.MustPodlite("ps", "-aq").Stdout; after != before {
		t.Fatalf("failed imports left containers: %q, was %q", after, before)
	}
	expectOneLineError(t, a.Podlite("container", "checkpoint", "--ignore-rootfs", "x"))
}

// TestRestoreImportPublish: restore --import -p replaces the ports the
// container was published on and --ip sets its address; without an
// import, both are refused.
func TestRestoreImportPublish(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	oldAddr, newAddr := freeAddr(t), freeAddr(t)
	_, oldPort, _ := net.SplitHostPort(oldAddr)
	_, newPort, _ := net.SplitHostPort(newAddr)
	e.MustPodlite("run", "-d", "--name", "web", "-p", oldPort+":80", img, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; httpd -f -p 80 -h /www")
	waitFor(t, func() bool { return httpGet(oldAddr) == "served\n" })
	archive := filepath.Join(t.TempDir(), "web.tar")
	e.MustPodlite("container", "checkpoint", "-e", archive, "web")
	e.MustPodlite("rm", "web")

	expectOneLineError(t, e.Podlite("container", "restore", "-p", newPort+":80", "web"))
	expectOneLineError(t, e.Podlite("container", "restore", "-i", archive, "-p", "notaport"))
	if n := e.MustPodlite("ps", "-a", "-q").Stdout; n != "" {
		t.Fatalf("a refused restore left containers: %q", n)
	}
	e.MustPodlite("container", "restore", "-i", archive, "-p", newPort+":80")
	waitFor(t, func() bool { return httpGet(newAddr) == "served\n" })
	if got := httpGet(oldAddr); got != "" {
		t.Fatalf("the replaced port %s still serves %q", oldPort, got)
	}
	if got := e.MustPodlite("port", "web").Stdout; !strings.Contains(got, ":"+newPort) || strings.Contains(got, ":"+oldPort) {
		t.Fatalf("podlite port after the import: %q", got)
	}

	// A copy at an address of the caller's choosing (--ip), on a third port.
	chosen := e.SubnetIP(200)
	expectOneLineError(t, e.Podlite("container", "restore", "--ip", chosen, "web"))
	expectOneLineError(t, e.Podlite("container", "restore", "-i", archive, "-n", "bad", "--ip", "10.90.300.1", "-p", "0:80"))
	copyAddr := freeAddr(t)
	_, copyPort, _ := net.SplitHostPort(copyAddr)
	e.MustPodlite("container", "restore", "-i", archive, "-n", "web2", "--ip", chosen, "-p", copyPort+":80")
	if got := strings.Fields(netOf(e, "web2"))[0]; got != chosen {
		t.Fatalf("restore --ip %s gave %s", chosen, got)
	}
	waitFor(t, func() bool { return httpGet(copyAddr) == "served\n" })
}

// TestImportPullsMissingImage: an import on a host without the image pulls
// it; where the pull fails, the import says so and leaves nothing behind.
func TestImportPullsMissingImage(t *testing.T) {
	reg := StartRegistry(t)
	a, b := NewEnv(t), NewEnv(t)
	remote := reg + "/busybox:migrate"
	a.MustPodlite("tag", a.LoadBusybox(), remote)
	a.MustPodlite("push", "-q", "--tls-verify=false", remote)
	a.MustPodlite("run", "-d", "--name", "far", remote, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, a, "far") >= 3 })
	archive := filepath.Join(t.TempDir(), "far.tar.zst")
	a.MustPodlite("container", "checkpoint", "-e", archive, "far")
	at := lastCount(t, a, "far")

	// The registry speaks plain HTTP, which B refuses until told otherwise.
	// The preflight notes the missing image, then the import fails.
	r := b.Podlite("container", "restore", "-i", archive)
	if r.ExitCode != 125 || strings.Count(r.Stderr, "Error: ") != 1 || !strings.Contains(r.Stderr, "cannot be pulled") ||
		!strings.Contains(r.Stderr, "note: image "+remote+" is not on this host") {
		t.Fatalf("import without a pullable image: exit %d\n%s", r.ExitCode, r.Stderr)
	}
	for _, list := range [][]string{{"ps", "-a", "-q"}, {"images", "-q"}, {"volume", "ls", "-q"}} {
		if out := b.MustPodlite(list...).Stdout; out != "" {
			t.Fatalf("a failed import left %s: %q", strings.Join(list, " "), out)
		}
	}
	conf := filepath.Join(t.TempDir(), "registries.conf")
	if err := os.WriteFile(conf, []byte("[[registry]]\nlocation = \""+reg+"\"\ninsecure = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONTAINERS_REGISTRIES_CONF", conf)
	b.MustPodlite("container", "restore", "-i", archive)
	waitFor(t, func() bool { return lastCount(t, b, "far") >= at+3 })
	assertContinuous(t, b, "far")
	if out := b.MustPodlite("images", "--format", "{{.Repository}}:{{.Tag}}").Stdout; out != remote+"\n" {
		t.Fatalf("images on B after the import: %q", out)
	}
}
