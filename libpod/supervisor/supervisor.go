package supervisor

// #cgo CFLAGS: -Wall -std=gnu11
import "C"

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"

	"github.com/podlite/podlite/libpod/define"
)

// Stdio modes of a supervised container.
const (
	StdioPipe        = "pipe"        // stdout/stderr logged through pipes
	StdioTTY         = "tty"         // a terminal, logged as stdout
	StdioPassthrough = "passthrough" // the supervisor's own stdout/stderr
	StdioNull        = "null"        // discarded
)

// Config says how to supervise one container.
type Config struct {
	// Dir is the container's run directory.
	Dir string
	// LogPath is the k8s-file log ("" for none).
	LogPath string
	Stdio   string
	// Journal, when set, sends each line of output to the journal with
	// these fields, KEY=VALUE lines (logs.JournalFieldBlock).
	Journal string
	// KeepStdin keeps the container's stdin open, fed from Dir/stdin.
	KeepStdin bool
	// LogMaxSize empties the log before a line would make it larger (0:
	// no limit); Timeout kills the container that many seconds after its
	// start, its exit recorded as -1 (0: none).
	LogMaxSize int64
	Timeout    uint
	// Start and Exit are podlite argv (without the binary) run as the start
	// command and, after the container exits, the exit command.
	Start, Exit []string
	// Health, when set, is the podlite argv run every HealthInterval (or
	// every StartupInterval, when not 0, until a run exits
	// HealthStartupDone) with HealthTimerEnv set.
	Health                          []string
	HealthInterval, StartupInterval time.Duration
	// Notify is the --sdnotify mode the supervisor acts on when
	// NOTIFY_SOCKET is set: define.SdNotifyConmon or SdNotifyContainer
	// (the container's socket is Dir/NotifySocketDir/notify.sock); "" for
	// none.
	Notify string
}

// NotifyReady sends READY=1 to systemd's $NOTIFY_SOCKET, for a
// --sdnotify=healthy container whose health check has passed (the unit
// has NotifyAccess=all: the sender need not be the main process). The
// sender is a short-lived health command, and systemd finds a message's
// unit by its sender's PID when it reads it: NotifyReady waits on
// systemd's barrier, so that the message is read while its sender lives.
func NotifyReady() error {
	if err := sdNotify(daemon.SdNotifyReady); err != nil {
		return err
	}
	return notifyBarrier(5 * time.Second)
}

// notifyBarrier sends BARRIER=1 with a pipe's write end, which systemd
// closes once it has read every message sent before (sd_notify_barrier).
func notifyBarrier(timeout time.Duration) error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer r.Close()
	path := os.Getenv("NOTIFY_SOCKET")
	addr := &syscall.SockaddrUnix{Name: path} // a leading "@" is abstract, for Go as for systemd
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM|syscall.SOCK_CLOEXEC, 0)
	if err == nil {
		err = syscall.Sendmsg(fd, []byte("BARRIER=1"), syscall.UnixRights(int(w.Fd())), addr, 0)
		syscall.Close(fd)
	}
	w.Close()
	if err != nil {
		return fmt.Errorf("sending a barrier to %s: %w", path, err)
	}
	if err := r.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	if _, err := r.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		return fmt.Errorf("waiting for systemd to read the notification: %v: %w", err, define.ErrUnavailable)
	}
	return nil
}

// NotifyMainReady sends MAINPID=pid and READY=1, for a --sdnotify=conmon
// container whose supervisor is a foreground podlite (C supervisors send
// their own).
func NotifyMainReady(pid int) error {
	return sdNotify(fmt.Sprintf("MAINPID=%d\n%s", pid, daemon.SdNotifyReady))
}

func sdNotify(state string) error {
	sent, err := daemon.SdNotify(false, state)
	if err == nil && !sent {
		return fmt.Errorf("no NOTIFY_SOCKET to send %q to: %w", state, define.ErrUnavailable)
	}
	return err
}

// NotifySocketDir is the directory of the run directory that holds the
// container's notify socket (--sdnotify=container); it is mounted at
// ContainerNotifyDir in the container.
const NotifySocketDir = "notify"

// ContainerNotifyDir is where the container finds its notify socket,
// notify.sock, as in podman.
const ContainerNotifyDir = "/run/notify"

// HealthTimerEnv is set in the environment of a health command the
// supervisor's timer runs.
const HealthTimerEnv = "_PODLITE_HEALTH_TIMER"

// HealthStartupDone is the exit code with which a timed health command
// says the startup check has passed: the regular interval applies now.
const HealthStartupDone = 3

// Report is what the start command tells the podlite that spawned the
// supervisor.
type Report struct {
	PID           int    `json:"pid,omitempty"`
	SupervisorPID int    `json:"supervisor,omitempty"`
	Error         string `json:"error,omitempty"`
	// ExitCode is set when the container's command could not be run: 126
	// (cannot invoke) or 127 (not found).
	ExitCode int `json:"exitCode,omitempty"`
}

// Spawn starts a detached supervisor for a container and waits until the
// container runs or failed to start.
func Spawn(cfg Config) (*Report, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	args := append([]string{"podlite-supervisor"}, cfg.Start...)
	args = append(args, cfg.Health...)
	args = append(args, cfg.Exit...)
	cmd := &exec.Cmd{
		Path:       self,
		Args:       args,
		ExtraFiles: []*os.File{w},
		Env: append(os.Environ(),
			"_PODLITE_SUPERVISOR=1",
			"_PODLITE_SUP_DIR="+cfg.Dir,
			"_PODLITE_SUP_LOG="+cfg.LogPath,
			"_PODLITE_SUP_JOURNAL="+cfg.Journal,
			"_PODLITE_SUP_STDIO="+cfg.Stdio,
			"_PODLITE_SUP_STDIN="+boolString(cfg.KeepStdin),
			// argv[1..N] is the start command, the rest the exit command.
			"_PODLITE_SUP_NSTART="+strconv.Itoa(len(cfg.Start)),
			"_PODLITE_SUP_LOGMAX="+strconv.FormatInt(cfg.LogMaxSize, 10),
			"_PODLITE_SUP_TIMEOUT="+strconv.FormatUint(uint64(cfg.Timeout), 10),
			// then the health command's K arguments.
			"_PODLITE_SUP_NHEALTH="+strconv.Itoa(len(cfg.Health)),
			fmt.Sprintf("_PODLITE_SUP_HEALTH=%d %d", cfg.HealthInterval.Milliseconds(), cfg.StartupInterval.Milliseconds()),
			"_PODLITE_SUP_NOTIFY="+cfg.Notify,
		),
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
	}
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("starting the supervisor: %w", err)
	}
	w.Close()
	out, readErr := io.ReadAll(r)
	_ = cmd.Wait() // the supervisor forks into the background at once
	if readErr != nil {
		return nil, readErr
	}
	return parseReport(out)
}

func parseReport(out []byte) (*Report, error) {
	var rep Report
	if len(strings.TrimSpace(string(out))) == 0 {
		return nil, fmt.Errorf("the container's supervisor exited without a report: %w", define.ErrUnavailable)
	}
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Errorf("reading the supervisor's report %q: %w", out, err)
	}
	if rep.Error != "" {
		return &rep, errors.New(rep.Error)
	}
	return &rep, nil
}

// WriteReport is how the start command answers Spawn.
func WriteReport(w io.Writer, rep *Report) error {
	return json.NewEncoder(w).Encode(rep)
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Exit is a container's recorded exit.
type Exit struct {
	Code int
	At   time.Time
}

// ReadExit returns the exit the supervisor recorded in dir, or an error
// wrapping define.ErrNotFound while the container still runs.
func ReadExit(dir string) (*Exit, error) {
	b, err := os.ReadFile(filepath.Join(dir, "exit"))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no exit recorded in %s: %w", dir, define.ErrNotFound)
		}
		return nil, err
	}
	var code int
	var nanos int64
	if _, err := fmt.Sscanf(string(b), "%d %d", &code, &nanos); err != nil {
		return nil, fmt.Errorf("parsing exit file in %s: %w", dir, err)
	}
	return &Exit{Code: code, At: time.Unix(0, nanos)}, nil
}
