package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/pkg/shellwords"
)

// generatedCommand is the arguments after the binary of a generated
// unit's key= line (ExecStart, ExecStop, ExecStopPost), split as systemd
// does: line continuations joined, quotes removed, $$ made $.
func generatedCommand(t *testing.T, unit, key string) []string {
	t.Helper()
	for _, line := range unitLines(unit) {
		if v, ok := strings.CutPrefix(line, key+"="); ok {
			words, err := shellwords.Split(strings.ReplaceAll(v, "$$", "$"))
			if err != nil {
				t.Fatalf("%s=%s: %v", key, v, err)
			}
			return words[1:]
		}
	}
	t.Fatalf("the unit has no %s:\n%s", key, unit)
	return nil
}

// checkpointUnit is root's `generate systemd --checkpoint` unit of the
// container (with extra flags), checked by systemd-analyze verify.
func checkpointUnit(e *Env, name string, extra ...string) string {
	e.T.Helper()
	unit := e.MustPodlite(append([]string{"generate", "systemd", "--name", "--checkpoint"}, append(extra, name)...)...).Stdout
	verifySystemUnit(e.T, "container-"+name+".service", unit)
	for _, line := range []string{"SuccessExitStatus=137\n", "RestartPreventExitStatus=137\n"} {
		if !strings.Contains(unit, line) {
			e.T.Errorf("the checkpointing unit lacks %q:\n%s", line, unit)
		}
	}
	return unit
}

// unitStart runs the unit's ExecStart and returns what it logged.
func unitStart(e *Env, unit string) *Result {
	e.T.Helper()
	return e.Podlite(generatedCommand(e.T, unit, "ExecStart")...)
}

// unitLines are a generated unit's lines, continuations joined.
func unitLines(unit string) []string {
	return strings.Split(strings.ReplaceAll(unit, " \\\n\t", " "), "\n")
}

// newUnitStart runs a --new unit's ExecStartPre= lines (rm of the
// cidfile, mkdir of the archive's directory), then its ExecStart.
func newUnitStart(e *Env, unit string) *Result {
	e.T.Helper()
	for _, line := range unitLines(unit) {
		if v, ok := strings.CutPrefix(line, "ExecStartPre="); ok {
			words := strings.Fields(v)
			if out, err := exec.Command(words[0], words[1:]...).CombinedOutput(); err != nil {
				e.T.Fatalf("ExecStartPre=%s: %v\n%s", v, err, out)
			}
		}
	}
	return unitStart(e, unit)
}

// TestSystemdCheckpointUnit is the hibernate story for root's units, run
// through the command lines of the generated unit: start (fresh: no
// checkpoint) → the counter runs → stop (a checkpoint) → simulated reboot
// → start restores: same address and MAC, the counter continues. Then a
// broken checkpoint: without a fallback the start fails and the
// checkpoint is kept; with CheckpointFallback=fresh it starts fresh.
func TestSystemdCheckpointUnit(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "counter", img, "sh", "-c", counterScript)
	unit := checkpointUnit(e, "counter")

	r := unitStart(e, unit)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "counter started fresh: no valid checkpoint") {
		t.Fatalf("the first start: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	before := netOf(e, "counter")
	e.MustPodlite(generatedCommand(t, unit, "ExecStop")...)
	// ExecStopPost (the stop, for a failed checkpoint) leaves it be.
	e.MustPodlite(generatedCommand(t, unit, "ExecStopPost")...)
	requireCheckpointed(e, "counter", "after the unit's stop", "exited true")
	at := lastCount(t, e, "counter")

	e.simulateReboot()
	// The reboot takes the bridge (and with it the veths) too.
	if out, err := exec.Command("ip", "link", "del", e.DefaultBridge).CombinedOutput(); err != nil {
		t.Fatalf("deleting the bridge: %v: %s", err, out)
	}
	r = unitStart(e, unit)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "counter restored from its checkpoint") {
		t.Fatalf("the start after the reboot: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	assertContinuous(t, e, "counter")
	if got := netOf(e, "counter"); got != before {
		t.Fatalf("after the reboot and the unit's start: %q, want %q", got, before)
	}
	requireCheckpointed(e, "counter", "after the restore", "running false")

	// A broken checkpoint (CRIU cannot read it): the unit fails, loudly,
	// and the checkpoint stays for a later try.
	e.MustPodlite(generatedCommand(t, unit, "ExecStop")...)
	images := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.CheckpointPath}}", "counter").Stdout)
	writeFile(t, images+"/inventory.img", "garbage")
	r = unitStart(e, unit)
	if r.ExitCode == 0 || !strings.Contains(r.Stderr, "checkpoint is kept") {
		t.Fatalf("a start from a broken checkpoint: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	requireCheckpointed(e, "counter", "after the failed restore", "exited true")

	fallback := checkpointUnit(e, "counter", "--checkpoint-fallback", "fresh")
	r = unitStart(e, fallback)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "counter started fresh: the restore failed") {
		t.Fatalf("the start with the fallback: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	requireCheckpointed(e, "counter", "after the fallback", "running false")
	// Fresh: the counter begins again from 1 in the same log.
	waitFor(t, func() bool { return strings.Count(e.MustPodlite("logs", "counter").Stdout, "\n1\n") >= 1 })
	e.MustPodlite("rm", "-f", "-t", "0", "counter")
}

// requireCheckpointed fails the test unless the container's status and
// Checkpointed are want ("exited true").
func requireCheckpointed(e *Env, name, when, want string) {
	e.T.Helper()
	if st := strings.TrimSpace(e.MustPodlite("inspect", "--format", "{{.State.Status}} {{.State.Checkpointed}}", name).Stdout); st != want {
		e.T.Fatalf("%s, %s is %q, want %q", when, name, st, want)
	}
}

// TestSystemdUserCheckpointUnit is the hibernate story under a real user
// manager, for a member of podlite-criu: systemctl --user stop
// checkpoints (the supervisor's 137 is a success, no restart), the
// manager and the user's runroot go as at a reboot, and the next start
// restores the counter, which continues.
func TestSystemdUserCheckpointUnit(t *testing.T) {
	e, m, img := criuMemberManager(t)
	const unit = "container-counter.service"
	e.MustPodlite("create", "--name", "counter", "--network", "none", img, "sh", "-c", counterScript)
	m.Install(generateUnits(e, "--name", "--checkpoint", "counter"))

	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	m.Systemctl("stop", unit)
	m.RequireStopped(e, unit, "counter", "exited")
	requireCheckpointed(e, "counter", "after the unit's stop", "exited true")
	if got := m.Show(unit, "NRestarts")["NRestarts"]; got != "0" {
		t.Errorf("the checkpoint restarted the unit: NRestarts=%s", got)
	}
	at := lastCount(t, e, "counter")

	m.reboot(e)
	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	assertContinuous(t, e, "counter")
	requireRestored(e, "counter")
	m.Systemctl("stop", unit)
	e.MustPodlite("rm", "-f", "-t", "0", "counter")
}

// A user outside podlite-criu cannot checkpoint: generate says so when
// generating, in one line naming the missing piece.
func TestGenerateCheckpointUnitRefusedRootless(t *testing.T) {
	requireCRIUHelper(t)
	u := rootlessUser(t, "a")
	e := NewRootlessEnv(t, u)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "counter", "--network", "none", img, "sh", "-c", counterScript)
	r := e.Podlite("generate", "systemd", "--checkpoint", "counter")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "cannot generate a checkpointing unit: this user cannot checkpoint rootless containers: not in group podlite-criu") {
		t.Errorf("generate --checkpoint outside the group: exit %d, %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("rm", "counter")
}

// TestSystemdUserCheckpointNewUnit is the hibernate story of a --new
// unit, whose container is removed at each stop: the stop exports the
// checkpoint under the user's state directory (%S), a simulated reboot,
// the start imports and restores it (the restored supervisor the main
// process, told to systemd) and removes the archive; a broken archive
// fails the start and is kept.
func TestSystemdUserCheckpointNewUnit(t *testing.T) {
	e, m, img := criuMemberManager(t)
	const unit = "container-counter.service"
	e.MustPodlite("create", "--name", "counter", "--network", "none", img, "sh", "-c", counterScript)
	m.Install(generateUnits(e, "--new", "--name", "--checkpoint", "counter"))
	e.MustPodlite("rm", "counter")
	// %S: ~/.config with this host's systemd (252), ~/.local/state with
	// newer ones.
	var archive string
	archiveAt := func() string {
		for _, dir := range []string{filepath.Join(e.User.home, ".config"), filepath.Join(e.User.home, ".local", "state")} {
			if p := filepath.Join(dir, "podlite", "checkpoints", unit+".tar"); fileExists(p) {
				return p
			}
		}
		return ""
	}

	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	at := lastCount(t, e, "counter")
	m.Systemctl("stop", unit)
	m.RequireStopped(e, unit, "counter", "")
	if archive = archiveAt(); archive == "" {
		t.Fatal("the stop exported no checkpoint under %S")
	}

	m.reboot(e)
	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	requireRestored(e, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	if fileExists(archive) {
		t.Errorf("the restored archive %s is still there", archive)
	}

	m.Systemctl("stop", unit)
	writeFile(t, archive, "garbage")
	if out, err := m.asUser("systemctl", "--user", "start", unit); err == nil {
		t.Fatalf("a start from a broken archive succeeded: %s", out)
	}
	if got, err := os.ReadFile(archive); err != nil || string(got) != "garbage" {
		t.Errorf("the failed start did not keep the archive: %q %v", got, err)
	}
	if r := e.Podlite("inspect", "counter"); r.ExitCode == 0 {
		t.Errorf("the failed restore left its container")
	}
}

// TestSystemdCheckpointNewUnit runs root's checkpointing --new unit's
// command lines (its specifiers %S, %t and %n filled in as systemd
// would): the first start runs the fresh command, the stop exports the
// checkpoint and the unit's ExecStopPost removes the container; after a
// simulated reboot the start restores it with the same address and MAC
// and the counter continues.
func TestSystemdCheckpointNewUnit(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "counter", img, "sh", "-c", counterScript)
	const name = "container-counter.service"
	unit := e.MustPodlite("generate", "systemd", "--new", "--name", "--checkpoint", "counter").Stdout
	verifySystemUnit(t, name, unit)
	fallback := e.MustPodlite("generate", "systemd", "--new", "--name", "--checkpoint", "--checkpoint-fallback", "fresh", "counter").Stdout
	e.MustPodlite("rm", "counter")
	state, run := t.TempDir(), t.TempDir()
	specifiers := strings.NewReplacer("%S", state, "%t", run, "%n", name)
	unit, fallback = specifiers.Replace(unit), specifiers.Replace(fallback)
	archive := filepath.Join(state, "podlite", "checkpoints", name+".tar")

	r := newUnitStart(e, unit)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "started fresh: no valid checkpoint") {
		t.Fatalf("the first start: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	before := netOf(e, "counter")
	e.MustPodlite(generatedCommand(t, unit, "ExecStop")...)
	at := lastCount(t, e, "counter")
	e.MustPodlite(generatedCommand(t, unit, "ExecStopPost")...)
	if r := e.Podlite("inspect", "counter"); r.ExitCode == 0 || !fileExists(archive) {
		t.Fatalf("after the unit's stop: inspect exit %d, archive there %v", r.ExitCode, fileExists(archive))
	}

	e.simulateReboot()
	if out, err := exec.Command("ip", "link", "del", e.DefaultBridge).CombinedOutput(); err != nil {
		t.Fatalf("deleting the bridge: %v: %s", err, out)
	}
	r = newUnitStart(e, unit)
	if r.ExitCode != 0 || !strings.Contains(r.Stderr, "restored from its checkpoint") {
		t.Fatalf("the start after the reboot: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if got := netOf(e, "counter"); got != before {
		t.Fatalf("after the reboot and the unit's start: %q, want %q", got, before)
	}
	id, err := os.ReadFile(filepath.Join(run, name+".ctr-id"))
	if err != nil || string(id) != inspectField(e, "counter", "{{.Id}}") {
		t.Errorf("the cidfile holds %q (%v), want the restored container's ID", id, err)
	}
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	assertContinuous(t, e, "counter")
	if fileExists(archive) {
		t.Errorf("the restored archive %s is still there", archive)
	}

	// A broken archive: the start fails, the archive kept, no container
	// left; with the fallback it is moved aside and the container runs
	// fresh.
	e.MustPodlite(generatedCommand(t, unit, "ExecStop")...)
	e.MustPodlite(generatedCommand(t, unit, "ExecStopPost")...)
	writeFile(t, archive, "garbage")
	if r := newUnitStart(e, unit); r.ExitCode == 0 || !strings.Contains(r.Stderr, "the archive is kept") {
		t.Fatalf("a start from a broken archive: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if r := e.Podlite("inspect", "counter"); r.ExitCode == 0 || !fileExists(archive) {
		t.Fatalf("after the failed start: inspect exit %d, archive there %v", r.ExitCode, fileExists(archive))
	}
	if r := newUnitStart(e, fallback); r.ExitCode != 0 || !strings.Contains(r.Stderr, "started fresh: the restore failed") {
		t.Fatalf("the start with the fallback: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	if fileExists(archive) || !fileExists(archive+".failed") {
		t.Errorf("the fallback did not move the archive to %s.failed", archive)
	}
	requireCheckpointed(e, "counter", "after the fallback", "running false")
	e.MustPodlite(generatedCommand(t, unit, "ExecStopPost")...)
}

// TestQuadletUserCheckpoint: a .container with Checkpoint=true, through
// the user generator and the real user manager of a member of
// podlite-criu, hibernates across a simulated reboot: the stop
// checkpoints into the archive, the start restores and the counter
// continues.
func TestQuadletUserCheckpoint(t *testing.T) {
	e, m, img := criuMemberManager(t)
	qdir := filepath.Join(e.XDG, "config", "containers", "systemd")
	writeUserFiles(t, e, qdir, map[string]string{
		"counter.container": "[Container]\nImage=" + img + "\nContainerName=counter\nNetwork=none\nCheckpoint=true\n" +
			"Exec=sh -c \"" + counterScript + "\"\n" + quadletService(e),
	})
	if stderr := runUserGenerator(t, e, m, 1); stderr != "" {
		t.Errorf("the generator warned: %s", stderr)
	}

	m.Systemctl("start", "counter.service")
	m.RequireMain(e, "counter.service", "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	at := lastCount(t, e, "counter")
	m.Systemctl("stop", "counter.service")
	m.RequireStopped(e, "counter.service", "counter", "")

	m.reboot(e)
	m.Systemctl("start", "counter.service")
	m.RequireMain(e, "counter.service", "counter")
	requireRestored(e, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	assertContinuous(t, e, "counter")
	m.Systemctl("stop", "counter.service")
}

// criuMemberManager is a rootless env of a member of podlite-criu with
// the busybox image loaded, and the user's manager running.
func criuMemberManager(t *testing.T) (*Env, *userManager, string) {
	t.Helper()
	requireCRIUHelper(t)
	u := rootlessUser(t, "crmember")
	joinCRIUGroup(t, u)
	e := NewRootlessEnv(t, u)
	img := e.LoadBusybox()
	return e, startUserManager(t, u), img
}

// reboot does to the user's manager and e what a reboot would: the
// manager stops, the runroot goes, the manager starts again.
func (m *userManager) reboot(e *Env) {
	m.t.Helper()
	m.run("stop")
	e.simulateReboot()
	m.run("start")
}

// requireRestored fails the test unless the container's last start was
// a restore.
func requireRestored(e *Env, name string) {
	e.T.Helper()
	if at := e.MustPodlite("inspect", "--format", "{{.State.RestoredAt}}", name).Stdout; !strings.HasPrefix(at, "20") {
		e.T.Errorf("the unit's start did not restore %s: RestoredAt %q", name, at)
	}
}

// TestSystemdUserHibernateStory is issue #13's hibernate story, as the
// user types it: a counter serving HTTP on a port published through
// pasta, its --new --checkpoint unit written with --files, installed,
// enabled and started (the page served); the stop checkpoints (inactive,
// success, no restart); a reboot; the start restores it: the counter
// continues, the address seen inside is the same, the page is served.
func TestSystemdUserHibernateStory(t *testing.T) {
	e, m, img := criuMemberManager(t)
	const unit = "container-web.service"
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	e.MustPodlite("run", "-d", "--name", "web", "-p", port+":80", img, "sh", "-c",
		"mkdir /www; echo served > /www/index.html; httpd -p 80 -h /www; "+counterScript)
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })

	gen := append([]string{"generate", "systemd", "--new", "--name", "--checkpoint", "--files"}, unitEnv(e)...)
	text, err := os.ReadFile(strings.TrimSpace(e.MustPodlite(append(gen, "web")...).Stdout))
	if err != nil {
		t.Fatal(err)
	}
	m.Install(map[string]string{unit: string(text)})
	m.Systemctl("enable", "--now", unit)
	m.RequireMain(e, unit, "web")
	waitFor(t, func() bool { return httpGet(addr) == "served\n" && lastCount(t, e, "web") >= 5 })
	// The address as the container sees it (pasta copies the host's).
	inside := func() string {
		return strings.TrimSpace(e.MustPodlite("exec", "web", "ip", "-o", "-4", "addr", "show", "scope", "global").Stdout)
	}
	before := inside()
	if before == "" {
		t.Fatal("the container has no global IPv4 address")
	}

	m.Systemctl("stop", unit)
	m.RequireStopped(e, unit, "web", "")
	if got := m.Show(unit, "NRestarts")["NRestarts"]; got != "0" {
		t.Errorf("the checkpoint restarted the unit: NRestarts=%s", got)
	}
	if body := httpGet(addr); body != "" {
		t.Errorf("after the stop %s still answers %q", addr, body)
	}

	m.reboot(e)
	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "web")
	requireRestored(e, "web")
	waitFor(t, func() bool { return httpGet(addr) == "served\n" })
	if after := inside(); after != before {
		t.Errorf("the address inside after the restore: %q, want %q", after, before)
	}
	at := lastCount(t, e, "web")
	waitFor(t, func() bool { return lastCount(t, e, "web") >= at+5 })
	assertContinuous(t, e, "web")
	m.Systemctl("disable", "--now", unit)
}

// TestSystemdRootCheckpointUnitUnderManager is the hibernate story for
// root's --new --checkpoint unit under a real systemd (root's user
// manager; the unit carries the env's global flags): a counter on the
// env's bridge, the unit started (its supervisor the main process),
// stopped (a checkpoint: inactive, success, no restart), a reboot, started
// again: restored with the same address, the counter continues.
func TestSystemdRootCheckpointUnitUnderManager(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	m := startRootManager(t)
	const unit = "container-counter.service"
	// %S of root's manager (systemd 252) is /root/.config, and the
	// generator has no other place for the archive: the test removes the
	// directories the unit makes there.
	archiveDir := filepath.Join("/root", ".config", "podlite", "checkpoints")
	removeMade(t, archiveDir)
	archive := filepath.Join(archiveDir, unit+".tar")
	if fileExists(archive) {
		t.Fatalf("an archive %s from another run is there: the unit's start would restore it", archive)
	}
	t.Cleanup(func() {
		if err := os.Remove(archive); err != nil && !os.IsNotExist(err) {
			t.Error(err)
		}
	})
	e.MustPodlite("run", "-d", "--name", "counter", img, "sh", "-c", counterScript)
	file := strings.TrimSpace(e.MustPodlite("generate", "systemd", "--new", "--name", "--checkpoint", "--files", "counter").Stdout)
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		t.Error(err)
	}
	e.MustPodlite("rm", "-f", "counter")
	m.Install(map[string]string{unit: string(text)})

	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= 5 })
	before := netOf(e, "counter")
	at := lastCount(t, e, "counter")
	m.Systemctl("stop", unit)
	m.RequireStopped(e, unit, "counter", "")
	if got := m.Show(unit, "NRestarts")["NRestarts"]; got != "0" {
		t.Errorf("the checkpoint restarted the unit: NRestarts=%s", got)
	}
	if !fileExists(archive) {
		t.Fatalf("after the unit's stop there is no archive %s", archive)
	}

	m.reboot(e)
	if out, err := exec.Command("ip", "link", "del", e.DefaultBridge).CombinedOutput(); err != nil {
		t.Fatalf("deleting the bridge: %v: %s", err, out)
	}
	m.Systemctl("start", unit)
	m.RequireMain(e, unit, "counter")
	requireRestored(e, "counter")
	if got := netOf(e, "counter"); got != before {
		t.Errorf("after the reboot and the unit's start: %q, want %q", got, before)
	}
	waitFor(t, func() bool { return lastCount(t, e, "counter") >= at+5 })
	assertContinuous(t, e, "counter")
	m.Systemctl("stop", unit)
	if !fileExists(archive) {
		t.Errorf("the last stop left no archive %s", archive)
	}
}

// removeMade removes, when t ends, the highest of dir and its parents
// that does not exist now: what the test will make there.
func removeMade(t *testing.T, dir string) {
	t.Helper()
	top := ""
	for d := dir; d != "/"; d = filepath.Dir(d) {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			break
		}
		top = d
	}
	if top != "" {
		t.Cleanup(func() {
			if err := os.RemoveAll(top); err != nil {
				t.Error(err)
			}
		})
	}
}
