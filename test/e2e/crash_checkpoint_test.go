package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// The crash tests of checkpoint, restore, checkpoint --export and restore
// --import: for every crash point of these verbs (crashpoint.All, so a new
// point is tested without a new test), podlite-crash is SIGKILLed there,
// then the container must be sane (usable, or cleanly gone), the next
// command on it must succeed or say why in one line, a checkpoint complete
// before the crash must still restore with its counter going on, and after
// `rm -af` nothing may be left. docs/ARCHITECTURE.md ("Crash safety") says
// what recovers each point.

// crashCRPoints returns the crash points of verb, failing when there are
// none (the names are registered in pkg/crashpoint/names_checkpoint.go).
func crashCRPoints(t *testing.T, verb string) []string {
	t.Helper()
	var out []string
	for _, p := range crashpoint.All() {
		if crashpoint.Verb(p) == verb {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no crash points registered for %s", verb)
	}
	return out
}

// crashCREach runs fn as a subtest for each crash point of verb.
func crashCREach(t *testing.T, verb string, fn func(t *testing.T, point string)) {
	t.Helper()
	for _, point := range crashCRPoints(t, verb) {
		t.Run(point, func(t *testing.T) { fn(t, point) })
	}
}

// crashCRCounter runs the counter container "c" on a new env and returns
// the env, the container's ID and address.
func crashCRCounter(t *testing.T) (*Env, string, string) {
	t.Helper()
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("run", "-d", "--name", "c", img, "sh", "-c", counterScript).Stdout)
	waitFor(t, func() bool { return lastCount(t, e, "c") >= 3 })
	return e, id, strings.Fields(netOf(e, "c"))[0]
}

// crashCRState returns "STATUS CHECKPOINTED" of c, after `ps -a` has
// listed it.
func crashCRState(t *testing.T, e *Env) string {
	t.Helper()
	if ps := e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; ps != "c\n" {
		t.Fatalf("ps -a after the crash: %q", ps)
	}
	return strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "c").Stdout)
}

// crashCRComplete reports whether the container's checkpoint images are
// complete (CRIU writes inventory.img last).
func crashCRComplete(e *Env, id string) bool {
	_, err := os.Stat(filepath.Join(e.Root, "containers", id, "checkpoint", "inventory.img"))
	return err == nil
}

// crashCRLeases returns the lease files under e's network state that name
// the container id.
func crashCRLeases(t *testing.T, e *Env, id string) []string {
	t.Helper()
	return crashCRNetFiles(e, func(p string, data []byte) bool { return strings.HasPrefix(string(data), id+"\r\n") })
}

// crashCRNetFiles returns the files under e's network state that match.
func crashCRNetFiles(e *Env, match func(path string, data []byte) bool) []string {
	var out []string
	_ = filepath.WalkDir(e.NetStateDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && match(p, b) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// crashCRAssertHeld fails unless the checkpointed container holds ip.
func crashCRAssertHeld(t *testing.T, e *Env, id, ip string) {
	t.Helper()
	for _, l := range crashCRLeases(t, e, id) {
		if filepath.Base(l) == ip {
			return
		}
	}
	t.Fatalf("the checkpointed container does not hold its address %s", ip)
}

// crashCRMounts returns the mount points under e's root and runroot.
func crashCRMounts(t *testing.T, e *Env) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, dir := range []string{e.Root, e.RunRoot} {
		for _, mp := range mountsUnder(t, dir) {
			out[mp] = true
		}
	}
	return out
}

// crashCRRemoveAll runs `rm -af` and fails on whatever of container id is
// left: mounts beyond those of before (the storage driver's home and the
// shared netns directory stay for the env's life), namespace files,
// leases, CNI attachments, storage containers, processes (supervisors and
// cleanups among them) and cgroups. A veth lives as long as its namespace,
// which the files and processes checked here keep alive; the e2e leak
// checker compares the host's veths.
func crashCRRemoveAll(t *testing.T, e *Env, id string, before map[string]bool) {
	t.Helper()
	e.MustPodlite("rm", "-a", "-f")
	if ps := e.MustPodlite("ps", "-aq").Stdout; ps != "" {
		t.Fatalf("rm -af left containers: %q", ps)
	}
	var leaks []string
	for mp := range crashCRMounts(t, e) {
		if !before[mp] && mp != filepath.Join(e.RunRoot, "netns") {
			leaks = append(leaks, "mount "+mp)
		}
	}
	if ents, err := os.ReadDir(filepath.Join(e.RunRoot, "netns")); err == nil {
		for _, d := range ents {
			if !strings.HasPrefix(d.Name(), ".") {
				leaks = append(leaks, "netns "+d.Name())
			}
		}
	}
	for _, l := range crashCRLeases(t, e, id) {
		leaks = append(leaks, "lease "+l)
	}
	// libcni's cached ADD results, which only a DEL removes: one left
	// means an attachment (veth, firewall rules) not torn down.
	for _, f := range crashCRNetFiles(e, func(p string, _ []byte) bool { return strings.Contains(filepath.Base(p), id) }) {
		leaks = append(leaks, "CNI attachment "+f)
	}
	stores, _ := filepath.Glob(filepath.Join(e.Root, "storage", "*-containers", "containers.json"))
	if len(stores) == 0 {
		t.Fatalf("no containers.json under %s/storage: the storage check cannot see a leak", e.Root)
	}
	for _, p := range stores {
		if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), `"id"`) {
			leaks = append(leaks, "storage containers in "+p)
		}
	}
	if _, err := os.Stat(filepath.Join(e.Root, "containers", id)); err == nil {
		leaks = append(leaks, "directory of "+id)
	}
	// The supervisor's cleanup may still be on its way out.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		procs, cgroups := processesOf(id), cgroupsOf(id)
		if len(procs)+len(cgroups) == 0 {
			break
		}
		if time.Now().After(deadline) {
			leaks = append(leaks, fmt.Sprintf("processes %q, cgroups %q", procs, cgroups))
			break
		}
	}
	if len(leaks) > 0 {
		t.Fatalf("after rm -af, left of %s:\n%s", id, strings.Join(leaks, "\n"))
	}
}

// TestCrashCheckpoint kills `checkpoint` at each of its points. Killed
// before the dump completed, the container runs on (and checkpoints
// again); after it, the checkpoint is whole: exited, checkpointed, its
// address held, and the restore goes on counting.
func TestCrashCheckpoint(t *testing.T) {
	crashCREach(t, "checkpoint", func(t *testing.T, point string) {
		e, id, ip := crashCRCounter(t)
		mounts := crashCRMounts(t, e)
		e.CrashAt(point, "container", "checkpoint", "c")
		dumped := crashCRComplete(e, id)
		switch st := crashCRState(t, e); {
		case dumped && st == "exited true":
		case !dumped && st == "running false":
			e.MustPodlite("container", "checkpoint", "c")
		default:
			t.Fatalf("after the crash (images complete: %v) c is %q", dumped, st)
		}
		crashCRAssertHeld(t, e, id, ip)
		restoreContinues(t, e, "c", lastCount(t, e, "c"), ip, "c")
		// Killed again, then removed at once: rm releases what the
		// checkpoint left.
		e.CrashAt(point, "container", "checkpoint", "c")
		crashCRRemoveAll(t, e, id, mounts)
	})
}

// TestCrashRestore kills `restore` of a complete checkpoint at each of its
// points. Killed before CRIU brought the processes back, the container is
// still checkpointed and the next restore goes on from the checkpoint;
// after it, the container is running (the next command records it so).
// Either way it checkpoints and restores again.
func TestCrashRestore(t *testing.T) {
	crashCREach(t, "restore", func(t *testing.T, point string) {
		e, id, ip := crashCRCounter(t)
		mounts := crashCRMounts(t, e)
		e.MustPodlite("container", "checkpoint", "c")
		at := lastCount(t, e, "c")
		e.CrashAt(point, "container", "restore", "c")
		switch st := crashCRState(t, e); st {
		case "exited true":
			crashCRAssertHeld(t, e, id, ip)
			restoreContinues(t, e, "c", at, ip, "c")
		case "running false":
			waitFor(t, func() bool { return lastCount(t, e, "c") >= at+3 })
			assertContinuous(t, e, "c")
			if got := strings.Fields(netOf(e, "c"))[0]; got != ip {
				t.Fatalf("restored with %s, want %s", got, ip)
			}
			expectOneLineError(t, e.Podlite("container", "restore", "c"))
		default:
			t.Fatalf("after the crash c is %q", st)
		}
		e.MustPodlite("container", "checkpoint", "c")
		crashCRAssertHeld(t, e, id, ip)
		restoreContinues(t, e, "c", lastCount(t, e, "c"), ip, "c")
		// Killed again, then removed at once: rm releases what the
		// restore left.
		e.MustPodlite("container", "checkpoint", "c")
		e.CrashAt(point, "container", "restore", "c")
		crashCRRemoveAll(t, e, id, mounts)
	})
}

// TestCrashExport kills `checkpoint --export` at each of its points. The
// checkpoint, taken before the archive, is whole and restores; the archive
// is at its path complete (and imports, going on counting) or not at all,
// and nothing else is left in its directory.
func TestCrashExport(t *testing.T) {
	crashCREach(t, "export", func(t *testing.T, point string) {
		e, id, ip := crashCRCounter(t)
		mounts := crashCRMounts(t, e)
		dir := t.TempDir()
		archive := filepath.Join(dir, "c.tar.zst")
		e.CrashAt(point, "container", "checkpoint", "--export", archive, "c")
		if st := crashCRState(t, e); st != "exited true" {
			t.Fatalf("after the crash c is %q, want exited and checkpointed", st)
		}
		crashCRAssertHeld(t, e, id, ip)
		at := lastCount(t, e, "c")
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		restoreContinues(t, e, "c", at, ip, "c")
		switch {
		case len(ents) == 0:
		case len(ents) == 1 && ents[0].Name() == "c.tar.zst":
			e.MustPodlite("rm", "-f", "c")
			restoreContinues(t, e, "c", at, ip, "--import", archive)
			id = strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.Id}}", "c").Stdout)
		default:
			var names []string
			for _, d := range ents {
				names = append(names, d.Name())
			}
			t.Fatalf("the killed export left in the archive's directory: %v", names)
		}
		crashCRRemoveAll(t, e, id, mounts)
	})
}

// crashCRArchive exports the "mover" container (a counter with a change
// in its rootfs and data in its named volume "carried") from an env of
// its own, removes it there, and returns the archive, its container ID,
// the count and the address it was checkpointed with.
func crashCRArchive(t *testing.T) (archive, id string, at int, ip string) {
	t.Helper()
	a := NewEnv(t)
	img := a.LoadBusybox()
	id = strings.TrimSpace(a.MustPodlite("run", "-d", "--name", "mover", "-v", "carried:/data", img, "sh", "-c",
		"echo in-volume > /data/f; echo in-rootfs > /etc/motd; "+counterScript).Stdout)
	waitFor(t, func() bool { return lastCount(t, a, "mover") >= 3 })
	ip = strings.Fields(netOf(a, "mover"))[0]
	archive = filepath.Join(t.TempDir(), "mover.tar.zst")
	a.MustPodlite("container", "checkpoint", "--export", archive, "mover")
	at = lastCount(t, a, "mover")
	a.MustPodlite("rm", "-f", "mover")
	return archive, id, at, ip
}

// TestCrashImport kills `restore --import` at each of its points. Before
// the record is stored, nothing shows, the import runs again, and `rm
// -af` removes what it left, the volume it made included; after, the
// container is checkpointed and restores. Either way it goes on counting
// with its files.
func TestCrashImport(t *testing.T) {
	archive, id, at, ip := crashCRArchive(t)
	domain := testDomain(t) // the archive's network, as between two roots of one machine
	crashCREach(t, "import", func(t *testing.T, point string) {
		e := newEnv(t, domain)
		e.LoadBusybox()
		mounts := crashCRMounts(t, e)
		e.CrashAt(point, "container", "restore", "--import", archive)
		switch ps := e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout; ps {
		case "":
			importMover(t, e, archive, at, ip)
		case "mover\n":
			if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", "mover").Stdout); st != "exited true" {
				t.Fatalf("the imported container is %q", st)
			}
			restoreContinues(t, e, "mover", at, ip, "mover")
		default:
			t.Fatalf("ps -a after the crash: %q", ps)
		}
		crashCRRemoveAll(t, e, id, mounts)
		e.MustPodlite("volume", "rm", "carried")
		// Killed again, then removed at once.
		e.CrashAt(point, "container", "restore", "--import", archive)
		recorded := e.MustPodlite("ps", "-a", "-q").Stdout != ""
		crashCRRemoveAll(t, e, id, mounts)
		// A named volume outlives its container, unless the import
		// that made it never stored the container.
		if vols := e.MustPodlite("volume", "ls", "-q").Stdout; !recorded && vols != "" {
			t.Fatalf("rm -af left the volumes a killed import made: %q", vols)
		}
	})
}
