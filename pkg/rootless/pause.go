package rootless

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/pidfile"
)

// PauseArg is the pause process's first argument: its command line is
// "podlite rootless-pause RUNROOT".
const PauseArg = "rootless-pause"

// PIDFile is where the pause process of runRoot keeps its PID.
func PIDFile(runRoot string) string { return filepath.Join(runRoot, "pause.pid") }

// LockFile serialises the start of runRoot's pause process.
func LockFile(runRoot string) string { return filepath.Join(runRoot, "pause.lock") }

// PausePID returns the PID of runRoot's pause process, or 0 when there is
// none alive (no PID file, or its PID is now another process).
func PausePID(runRoot string) int {
	pid, err := pidfile.Read(PIDFile(runRoot))
	if err != nil {
		return 0
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return 0
	}
	args := bytes.Split(bytes.TrimSuffix(cmdline, []byte{0}), []byte{0})
	if len(args) != 3 || string(args[1]) != PauseArg || string(args[2]) != runRoot {
		return 0
	}
	return pid
}

// Ensure moves this podlite process into the rootless user namespace of
// runRoot, creating it (and its pause process) on first use. On success it
// does not return: the process re-executes itself inside the namespace
// with the same arguments. It returns at once (nil) for root and for a
// process already inside.
func Ensure(runRoot string) error {
	if os.Geteuid() == 0 {
		return nil
	}
	pid, err := prepareJoin(runRoot)
	if err != nil {
		return err
	}
	if err := syscall.Exec("/proc/self/exe", os.Args, joinEnv(runRoot, pid)); err != nil {
		return fmt.Errorf("re-executing podlite in the rootless namespace: %w", err)
	}
	return nil
}

// prepareJoin finds (or starts) runRoot's pause process and makes the
// criu shim for podlite's executable.
func prepareJoin(runRoot string) (pid int, _ error) {
	if err := ownDir(runRoot); err != nil {
		return 0, err
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("finding podlite's executable: %w", err)
	}
	if err := ensureShim(runRoot, exe); err != nil {
		return 0, err
	}
	if pid = PausePID(runRoot); pid == 0 {
		if pid, err = startPauseLocked(runRoot); err != nil {
			return 0, err
		}
	}
	return pid, nil
}

// ownDir makes dir if needed and checks that it is the user's: a runroot
// in a shared place ($TMPDIR/podlite-run-UID) that someone else made
// first must not be used.
func ownDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating rootless runroot %s: %w", dir, err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("checking rootless runroot %s: %w", dir, err)
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); !ok || int(sys.Uid) != os.Geteuid() || !st.IsDir() {
		return fmt.Errorf("rootless runroot %s is not a directory of user %d: %w", dir, os.Geteuid(), define.ErrInvalidArg)
	}
	return nil
}

// startPauseLocked starts runRoot's pause process under runRoot's pause
// lock, unless another podlite process started it first.
func startPauseLocked(runRoot string) (int, error) {
	lock, err := os.OpenFile(LockFile(runRoot), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("opening the pause lock in %s: %w", runRoot, err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return 0, fmt.Errorf("locking %s: %w", lock.Name(), err)
	}
	if pid := PausePID(runRoot); pid != 0 {
		return pid, nil
	}
	return startPause(runRoot)
}

// startPause clones the pause process into a new user and mount
// namespace, writes its ID maps and then its PID file.
func startPause(runRoot string) (pid int, retErr error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, fmt.Errorf("finding podlite's executable: %w", err)
	}
	cmd := &exec.Cmd{
		Path: exe,
		Args: []string{"podlite", PauseArg, runRoot},
		Env:  append(os.Environ(), envPause+"=1"),
		Dir:  "/",
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags: syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			Setsid:     true,
		},
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("starting the rootless pause process: %w", err)
	}
	pid = cmd.Process.Pid
	defer func() {
		if retErr != nil {
			_ = cmd.Process.Kill()
		}
		// The pause process outlives this one; Release drops the handle.
		_ = cmd.Process.Release()
	}()
	if err := writeMaps(pid); err != nil {
		return 0, err
	}
	moveToScope(pid)
	tmp := PIDFile(runRoot) + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		return 0, fmt.Errorf("writing the pause process's PID file: %w", err)
	}
	if err := os.Rename(tmp, PIDFile(runRoot)); err != nil {
		return 0, fmt.Errorf("writing the pause process's PID file: %w", err)
	}
	slog.Debug("started rootless pause process", "pid", pid, "runroot", runRoot)
	return pid, nil
}

// writeMaps gives the namespace of pid podman's ID maps, through the
// setuid newuidmap and newgidmap where the user has ranges.
func writeMaps(pid int) error {
	uid, gid := os.Geteuid(), os.Getegid()
	name := strconv.Itoa(uid)
	if u, err := user.LookupId(name); err == nil {
		name = u.Username
	}
	uids, gids, single, err := Mappings(name, uid, gid)
	if err != nil {
		return err
	}
	if single {
		slog.Warn(singleMappingWarning)
		return writeSingleMaps(pid, uid, gid)
	}
	for _, m := range []struct {
		tool string
		ids  []IDMap
	}{{"newuidmap", uids}, {"newgidmap", gids}} {
		args := append([]string{strconv.Itoa(pid)}, mapArgs(m.ids)...)
		out, err := exec.Command(m.tool, args...).CombinedOutput()
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("%s is not installed (Debian's uidmap package has it): %w", m.tool, define.ErrUnavailable)
		}
		if err != nil {
			return fmt.Errorf("%s %s: %s: %w", m.tool, strings.Join(args, " "), strings.TrimSpace(string(out)), define.ErrUnavailable)
		}
	}
	return nil
}

// writeSingleMaps maps the user alone, which needs no helper: a process
// may map its own IDs into a namespace it created (with setgroups denied).
func writeSingleMaps(pid, uid, gid int) error {
	dir := fmt.Sprintf("/proc/%d", pid)
	for _, f := range []struct{ name, text string }{
		{"uid_map", fmt.Sprintf("0 %d 1\n", uid)},
		{"setgroups", "deny"},
		{"gid_map", fmt.Sprintf("0 %d 1\n", gid)},
	} {
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(f.text), 0); err != nil {
			return fmt.Errorf("writing the rootless namespace's %s: %w", f.name, err)
		}
	}
	return nil
}

// joinEnv is the environment of podlite re-executed inside pid's
// namespaces (see rootless.c), with the criu shim first in PATH.
func joinEnv(runRoot string, pid int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PATH=") {
			env = append(env, kv)
		}
	}
	path := ShimDir(runRoot)
	if p := os.Getenv("PATH"); p != "" {
		path += ":" + p
	}
	return append(env,
		"PATH="+path,
		envJoin+"="+strconv.Itoa(pid),
		envUID+"="+strconv.Itoa(os.Geteuid()),
		envGID+"="+strconv.Itoa(os.Getegid()),
		envStorageConfigured+"=done",
		envStorageUID+"="+strconv.Itoa(os.Geteuid()),
		envStorageGID+"="+strconv.Itoa(os.Getegid()),
	)
}

// StopPause ends runRoot's pause process (SIGTERM) and removes its PID
// file: the namespace lives on in the processes still in it (the caller
// among them), and the next podlite command makes a new one.
func StopPause(runRoot string) error {
	if pid := PausePID(runRoot); pid != 0 {
		if err := unix.Kill(pid, unix.SIGTERM); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("stopping the rootless pause process %d: %w", pid, err)
		}
	}
	if err := os.Remove(PIDFile(runRoot)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing the pause process's PID file: %w", err)
	}
	return nil
}
