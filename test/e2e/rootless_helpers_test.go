package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Rootless tests run podlite as ordinary users the run creates with
// `useradd -m` (Debian's useradd gives each a 65536-ID range in
// /etc/subuid and /etc/subgid) and deletes when it ends. Each env is the
// user's own XDG directories in a temp dir, so podlite's default paths for
// a user are what the tests exercise: $XDG_DATA_HOME/podlite,
// $XDG_RUNTIME_DIR/podlite, $XDG_CONFIG_HOME/podlite.

// testUser is an ordinary user made for the run.
type testUser struct {
	name     string
	uid, gid int
	home     string
}

var (
	testUsersMu sync.Mutex
	testUsers   = map[string]*testUser{}
	// workDirOpen makes the run's work dir (test image archive) readable
	// by the test users and copies the binary there, once: the binary under
	// test may sit in a directory only root may enter (a clone under /root).
	workDirOpen sync.Once
	userBinary  string
)

// rootlessUser returns the run's ordinary user named podlite-e2e-SUFFIX,
// creating it on first use, with subordinate ID ranges.
func rootlessUser(t *testing.T, suffix string) *testUser {
	t.Helper()
	return makeTestUser(t, suffix, true)
}

// rootlessUserNoRange is rootlessUser for a user useradd gives no
// subordinate range (as a network user has none).
func rootlessUserNoRange(t *testing.T, suffix string) *testUser {
	t.Helper()
	return makeTestUser(t, suffix, false)
}

func makeTestUser(t *testing.T, suffix string, ranges bool) *testUser {
	t.Helper()
	requireRoot(t)
	testUsersMu.Lock()
	defer testUsersMu.Unlock()
	name := "podlite-e2e-" + suffix
	if u := testUsers[name]; u != nil {
		return u
	}
	if _, err := user.Lookup(name); err != nil {
		args := []string{"-m", "-U", "-s", "/bin/sh", name}
		if !ranges {
			args = append([]string{"-K", "SUB_UID_COUNT=0", "-K", "SUB_GID_COUNT=0"}, args...)
		}
		if out, err := exec.Command("useradd", args...).CombinedOutput(); err != nil {
			t.Fatalf("useradd %s: %v\n%s", name, err, out)
		}
	}
	found, err := user.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	u := &testUser{name: name, home: found.HomeDir}
	u.uid, _ = strconv.Atoi(found.Uid)
	u.gid, _ = strconv.Atoi(found.Gid)
	testUsers[name] = u
	for _, f := range []string{"/etc/subuid", "/etc/subgid"} {
		data, err := os.ReadFile(f)
		if has := err == nil && strings.Contains("\n"+string(data), "\n"+name+":"); has != ranges {
			t.Fatalf("user %s: a range in %s is %v, want %v (SUB_UID_COUNT in /etc/login.defs?)", name, f, has, ranges)
		}
	}
	workDirOpen.Do(func() {
		if err := os.Chmod(workDir, 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(podliteBinary)
		if err != nil {
			t.Fatal(err)
		}
		userBinary = filepath.Join(workDir, "podlite-for-users")
		if err := os.WriteFile(userBinary, data, 0o755); err != nil {
			t.Fatal(err)
		}
	})
	return u
}

// removeTestUsers deletes the run's users, their homes and ranges.
func removeTestUsers() {
	testUsersMu.Lock()
	defer testUsersMu.Unlock()
	for name := range testUsers {
		if out, err := exec.Command("userdel", "-r", name).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: userdel -r %s: %v\n%s", name, err, out)
		}
	}
}

// NewRootlessEnv is an env whose podlite runs as u, with u's XDG
// directories in a temp dir of u's own. Its cleanup removes every
// container as u, runs the leak checker with the pause process still up
// (mounts are looked for in its mount namespace too), stops the pause
// process and checks that no process of the env is left.
func NewRootlessEnv(t *testing.T, u *testUser) *Env {
	t.Helper()
	dir, err := os.MkdirTemp("", "podlite-e2e-rootless-")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"data", "config", "run"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := chownTree(dir, u); err != nil {
		t.Fatal(err)
	}
	e := &Env{
		T: t, User: u, XDG: dir, Root: filepath.Join(dir, "data", "podlite"), RunRoot: filepath.Join(dir, "run", "podlite"),
		NetConfigDir: filepath.Join(dir, "config", "podlite", "net.d"), NetStateDir: filepath.Join(dir, "data", "podlite", "networks"),
	}
	e.leaks = newLeakCheck(e)
	t.Cleanup(func() {
		e.leaks.containerIDs()
		e.Podlite("rm", "-a", "-f")
		e.leaks.allowPause = true
		e.leaks.check()
		if r := e.Podlite("system", "reset", "-f"); r.ExitCode != 0 {
			t.Errorf("system reset as %s: %s", u.name, r.Stderr)
		}
		if err := stopPause(e.RunRoot); err != nil {
			t.Error(err)
		}
		e.leaks.allowPause = false
		e.leaks.check()
		if err := unmountUnder(dir); err != nil {
			t.Errorf("unmounting leftovers under %s: %v", dir, err)
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing %s: %v", dir, err)
		}
	})
	return e
}

func chownTree(dir string, u *testUser) error {
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, u.uid, u.gid)
	})
}

// userCommand runs podlite with args as the env's user, with the user's
// environment and the env's XDG directories (and the run's proxy
// settings, which keep pulls local).
func (e *Env) userCommand(ctx context.Context, args []string) *exec.Cmd {
	u := e.User
	argv := append([]string{"--reuid", strconv.Itoa(u.uid), "--regid", strconv.Itoa(u.gid), "--init-groups", "--", userBinary}, args...)
	cmd := exec.CommandContext(ctx, "setpriv", argv...)
	cmd.Env = []string{
		"HOME=" + u.home, "USER=" + u.name, "LOGNAME=" + u.name, "SHELL=/bin/sh",
		"PATH=/usr/local/bin:/usr/bin:/bin",
		"XDG_DATA_HOME=" + filepath.Join(e.XDG, "data"),
		"XDG_CONFIG_HOME=" + filepath.Join(e.XDG, "config"),
		"XDG_RUNTIME_DIR=" + filepath.Join(e.XDG, "run"),
	}
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"} {
		cmd.Env = append(cmd.Env, k+"="+os.Getenv(k))
	}
	// The command runs in the user's temp dir: a directory the user may
	// enter (the test's working directory may not be one).
	cmd.Dir = e.XDG
	return cmd
}

// pausePID is the PID runRoot's pause.pid names, or 0.
func pausePID(runRoot string) int { return pidFromFile(filepath.Join(runRoot, "pause.pid")) }

// pidFromFile is the PID a PID file names, or 0.
func pidFromFile(file string) int {
	data, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		return 0
	}
	return pid
}

// stopPause ends runRoot's pause process (SIGTERM), as a user's logout
// would, and waits for it to be gone; one that outlives SIGTERM is an
// error, and is killed so that the run leaves no process behind.
func stopPause(runRoot string) error {
	pid := pausePID(runRoot)
	if pid == 0 {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		return nil // already gone
	}
	for deadline := time.Now().Add(leakSettle); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
			return nil
		}
	}
	_ = syscall.Kill(pid, syscall.SIGKILL)
	return fmt.Errorf("the pause process %d of %s is still there %s after SIGTERM", pid, runRoot, leakSettle)
}
