package network

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/pidfile"
)

// StopDaemon ends the daemon pidFile names (SIGTERM, SIGKILL after 2s) and
// removes the file. A missing file, or a PID whose program name is none of
// names (gone, or the number reused), is not an error. The daemon is not
// our child: it is polled, not waited for.
func StopDaemon(pidFile string, names ...string) error {
	pid, err := pidfile.Read(pidFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if runs(pid, names) {
		if err := unix.Kill(pid, unix.SIGTERM); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("stopping %s %d: %w", names[0], pid, err)
		}
		if !waitGone(pid, 2*time.Second) {
			_ = unix.Kill(pid, unix.SIGKILL)
			if !waitGone(pid, 2*time.Second) {
				return fmt.Errorf("%s %d did not exit: %w", names[0], pid, define.ErrUnavailable)
			}
		}
	}
	if err := os.Remove(pidFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// DaemonRunning reports whether the PID pidFile names runs a program
// named one of names.
func DaemonRunning(pidFile string, names ...string) bool {
	pid, err := pidfile.Read(pidFile)
	return err == nil && runs(pid, names)
}

// runs tells whether pid's program name (before any ".suffix", as in
// passt.avx2) is one of names. comm, not exe: pasta makes itself
// non-dumpable, which hides exe.
func runs(pid int, names []string) bool {
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return false
	}
	name, _, _ := strings.Cut(strings.TrimSpace(string(comm)), ".")
	for _, n := range names {
		if name == n {
			return true
		}
	}
	return false
}

func waitGone(pid int, d time.Duration) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if err := unix.Kill(pid, 0); errors.Is(err, unix.ESRCH) {
			return true
		}
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && zombie(b) {
			return true
		}
	}
	return false
}

func zombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && len(stat) > i+2 && stat[i+2] == 'Z'
}

// DaemonCommand prepares a user-mode network daemon's command: bin looked
// up in $PATH (missing: ErrNotSupported naming pkg, its package), its own
// session (it outlives the command that starts it), and its output into
// logFile, truncated. A file, not a pipe: a daemon that forks keeps no pipe
// open for Run to wait on. The caller closes the returned file.
func DaemonCommand(bin, pkg, logFile string, args ...string) (*exec.Cmd, *os.File, error) {
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not installed (package %s): %w", bin, pkg, define.ErrNotSupported)
	}
	log, err := os.OpenFile(logFile, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("%s's log file: %w", bin, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd, log, nil
}
