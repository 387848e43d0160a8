package e2e

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSimulatedReboot kills every container process and supervisor,
// unmounts podlite's mounts and deletes the runroot, as a reboot would.
func TestSimulatedReboot(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "survivor", img, "sh", "-c", "echo before; sleep 1000")
	e.MustPodlite("create", "--name", "idle", img, "true")
	waitFor(t, func() bool { return strings.Contains(e.MustPodlite("logs", "survivor").Stdout, "before") })

	e.simulateReboot("survivor")

	got := e.MustPodlite("ps", "-a", "--format", "{{.Names}} {{.State}}").Stdout
	if !strings.Contains(got, "survivor exited") || !strings.Contains(got, "idle created") {
		t.Fatalf("after the reboot ps -a shows:\n%s", got)
	}
	// Persistent data survived: logs, and the container starts again.
	if !strings.Contains(e.MustPodlite("logs", "survivor").Stdout, "before") {
		t.Fatal("logs lost across the reboot")
	}
	e.MustPodlite("start", "survivor")
	waitFor(t, func() bool { return strings.Count(e.MustPodlite("logs", "survivor").Stdout, "before") == 2 })
	e.MustPodlite("rm", "-f", "survivor", "idle")
}

// simulateReboot does to e what a reboot would: the running containers'
// processes and supervisors killed and their cgroups gone, podlite's
// mounts gone and the runroot deleted; for a rootless env, the user's
// pause process (and with it the user's namespaces) too.
func (e *Env) simulateReboot(running ...string) {
	e.T.Helper()
	var ids []string
	for _, name := range running {
		ids = append(ids, inspectField(e, name, "{{.Id}}"))
		pid, _ := strconv.Atoi(inspectField(e, name, "{{.State.Pid}}"))
		sup, _ := strconv.Atoi(inspectField(e, name, "{{.State.ConmonPid}}"))
		for _, p := range []int{sup, pid} {
			if p > 0 {
				_ = syscall.Kill(p, syscall.SIGKILL)
			}
		}
	}
	for _, id := range ids {
		removeContainerCgroups(e.T, id)
	}
	if e.User != nil {
		if err := stopPause(e.RunRoot); err != nil {
			e.T.Fatal(err)
		}
	}
	for _, dir := range []string{e.Root, e.RunRoot} {
		if err := unmountUnder(dir); err != nil {
			e.T.Fatal(err)
		}
	}
	if err := os.RemoveAll(e.RunRoot); err != nil {
		e.T.Fatal(err)
	}
}

// removeContainerCgroups removes a killed container's cgroup v1
// directories (podlite/ID under each controller), waiting for its
// processes to be reaped: a reboot leaves none.
func removeContainerCgroups(t *testing.T, id string) {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join("/sys/fs/cgroup", "*", "podlite", id))
	for _, d := range dirs {
		var err error
		for deadline := time.Now().Add(leakSettle); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if err = os.Remove(d); err == nil || errors.Is(err, fs.ErrNotExist) {
				err = nil
				break
			}
		}
		if err != nil {
			t.Fatalf("removing the cgroup of killed container %s: %v", id, err)
		}
	}
}

// TestConcurrentCommands runs several podlite processes at once creating,
// starting and removing containers; none may fail or corrupt the state.
func TestConcurrentCommands(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 4 {
				name := "c" + strconv.Itoa(w) + "_" + strconv.Itoa(i)
				for _, args := range [][]string{
					{"run", "-d", "--name", name, img, "sleep", "1000"},
					{"ps", "-a"},
					{"rm", "-f", name},
				} {
					if r := e.Podlite(args...); r.ExitCode != 0 {
						errs <- strings.Join(args, " ") + ": " + r.Stderr
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := e.MustPodlite("ps", "-aq").Stdout; got != "" {
		t.Fatalf("containers left: %q", got)
	}
}
