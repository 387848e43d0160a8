package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/attach"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/supervisor"
)

// ExecOptions describe a process to run in a running container.
type ExecOptions struct {
	Cmd []string
	// Env are -e values (KEY=V, KEY for the host's value, KEY* for every
	// host variable with that prefix), over the EnvFiles' variables, over
	// the container's own environment.
	Env      []string
	EnvFiles []string
	// User is user[:group], by name or number, resolved in the container's
	// /etc/passwd and /etc/group; a user without a group gets the groups
	// /etc/group lists it in as supplementary groups.
	User        string
	WorkDir     string
	Interactive bool
	// TTY allocates a terminal and sets TERM=xterm unless TERM is set.
	TTY        bool
	Privileged bool
	// PreserveFDs passes this process's descriptors 3 to 3+N-1, PreserveFD
	// the listed ones, each under its own number.
	PreserveFDs uint
	PreserveFD  []uint
}

// Exec runs a process in the running container, attached to streams, and
// returns its exit code. A process that cannot be started returns an
// *define.ExitCodeError with 126 (cannot be invoked) or 127 (not found).
func (c *Container) Exec(ctx context.Context, opts ExecOptions, streams Streams) (int, error) {
	ps, extra, err := c.prepareExec(opts)
	if err != nil {
		return -1, err
	}
	// The exec'd process's output is not logged; only the container's is.
	a := &attachedIO{streams: streams, stdout: streams.Stdout, stderr: streams.Stderr, terminal: opts.TTY}
	if err := a.setupPipes(opts.TTY, opts.Interactive && streams.Stdin != nil); err != nil {
		return -1, err
	}
	a.stdio.Extra = extra
	p, err := c.rt.oci().Exec(c.config.ID, ps, a.stdio)
	if err != nil {
		a.close()
		return -1, execError(err)
	}
	c.newEvent(events.Exec)
	if err := a.afterStart(); err != nil {
		_ = p.Signal(syscall.SIGKILL)
	}
	stop := forwardSignals(p, a.master)
	code, _ := p.Wait()
	stop()
	a.finish()
	died := c.event(events.ExecDied)
	died.ContainerExitCode = &code
	c.rt.emit(died)
	return code, nil
}

// ExecDetached starts a process in the running container with its
// standard streams on /dev/null and returns the exec session's ID at
// once, as `podman exec -d` prints it. podlite keeps no state for the
// session: the process belongs to the container and ends with it.
func (c *Container) ExecDetached(opts ExecOptions) (string, error) {
	ps, extra, err := c.prepareExec(opts)
	if err != nil {
		return "", err
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer null.Close()
	ps.Terminal = false
	stdio := oci.Stdio{Stdin: null, Stdout: null, Stderr: null, Extra: extra}
	if _, err := c.rt.oci().Exec(c.config.ID, ps, stdio); err != nil {
		return "", execError(err)
	}
	c.newEvent(events.Exec)
	return names.NewID(), nil
}

// prepareExec checks that the container runs and builds the process and
// the descriptors it keeps.
func (c *Container) prepareExec(opts ExecOptions) (*specs.Process, []*os.File, error) {
	if len(opts.Cmd) == 0 {
		return nil, nil, fmt.Errorf("must provide a non-empty command to start an exec session: %w", define.ErrInvalidArg)
	}
	extra, err := oci.PreservedFiles(opts.PreserveFDs, opts.PreserveFD)
	if err != nil {
		return nil, nil, err
	}
	var ps *specs.Process
	err = c.withLock(func() error {
		if c.state.Status != define.StatusRunning {
			return fmt.Errorf("can only create exec sessions on running containers: %s is %s: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		var err error
		ps, err = c.execProcess(opts)
		return err
	})
	return ps, extra, err
}

// execError words a failed start as podman does with its runtime's
// message, and gives it podman's exit code: 127 for a command that is not
// found, 126 for one that cannot be invoked, 125 otherwise.
func execError(err error) error {
	var se *oci.StartError
	if !errors.As(err, &se) {
		return fmt.Errorf("podlite: exec failed: %w", err)
	}
	why := "OCI permission denied"
	if se.NotFound {
		why = "OCI runtime attempted to invoke a command that was not found"
	}
	return &define.ExitCodeError{Code: startErrorCode(err), Err: fmt.Errorf("podlite: exec failed: %w: %s", err, why)}
}

// execProcess derives the exec'd process from the container's own: same
// capabilities, rlimits and environment, with the user's overrides.
func (c *Container) execProcess(opts ExecOptions) (*specs.Process, error) {
	s, err := copySpec(c.config.Spec)
	if err != nil {
		return nil, err
	}
	ps := s.Process
	ps.Args = opts.Cmd
	ps.Terminal = opts.TTY
	env, err := layerEnv(nil, opts.EnvFiles, opts.Env)
	if err != nil {
		return nil, err
	}
	ps.Env = mergeEnv(c.env(), env)
	ps.Rlimits = c.rlimits()
	if opts.TTY && !slices.ContainsFunc(ps.Env, func(kv string) bool { return strings.HasPrefix(kv, "TERM=") }) {
		ps.Env = append(ps.Env, "TERM=xterm")
	}
	if opts.WorkDir != "" {
		ps.Cwd = opts.WorkDir
	}
	if opts.User != "" {
		ps.User = specs.User{Username: opts.User}
	}
	if opts.Privileged {
		all, err := spec.Generate(&spec.Options{Args: opts.Cmd, Privileged: true})
		if err != nil {
			return nil, err
		}
		ps.Capabilities = all.Process.Capabilities
	}
	s.Process = ps
	if err := spec.Finalize(s, c.state.Mountpoint); err != nil {
		return nil, err
	}
	return s.Process, nil
}

// ExecCanDetach says whether exec can take ExecAttach's path, where the
// detach keys work: CanDetach's conditions (the session always has its own
// k8s-file log) and no preserved descriptors.
func ExecCanDetach(opts ExecOptions, s Streams) bool {
	return opts.PreserveFDs == 0 && len(opts.PreserveFD) == 0 && CanDetach(DetachSettings{Interactive: opts.Interactive, TTY: opts.TTY, LogDriver: "k8s-file"}, s)
}

// ExecAttach runs a process in the running container under a supervisor of
// its own and attaches streams to it (see attach.Follow), so that the
// detach keys leave it running, as podman's exec -it does; the supervisor
// then reaps it and its cleanup (container cleanup --exec) records
// exec_died. Otherwise it returns the process's exit code, as Exec.
func (c *Container) ExecAttach(ctx context.Context, opts ExecOptions, streams Streams, keys []byte) (int, error) {
	ps, extra, err := c.prepareExec(opts)
	if err != nil {
		return -1, err
	}
	if len(extra) > 0 {
		return -1, fmt.Errorf("an exec session that can be detached from takes no preserved descriptors: %w", define.ErrInvalidArg)
	}
	session := names.NewID()
	dir := c.execDir(session)
	sigs := attach.NotifyAll()
	rep, err := c.spawnExec(session, dir, ps, opts)
	if err != nil {
		signal.Stop(sigs)
		return -1, err
	}
	c.newEvent(events.Exec)
	t := attach.Target{
		Dir: dir, LogPath: filepath.Join(dir, "log"), TTY: opts.TTY, Interactive: opts.Interactive,
		Exited: func() bool {
			_, err := supervisor.ReadExit(dir)
			return err == nil || !processAlive(rep.SupervisorPID)
		},
		Signal: func(s syscall.Signal) error { return syscall.Kill(rep.PID, s) },
	}
	err = attach.Follow(ctx, t, attach.Streams{Stdin: streams.Stdin, Stdout: streams.Stdout, Stderr: streams.Stderr, Terminal: streams.Terminal, Keys: keys, Signals: sigs}, time.Time{})
	code := -1
	if err == nil {
		code, err = readExecExit(dir)
		waitGone(ctx, rep.SupervisorPID) // its cleanup records exec_died
	}
	if rerr := c.leaveExec(dir); rerr != nil {
		slog.Warn("removing an exec session's files", "container", c.config.Name, "error", rerr)
	}
	return code, err
}

// readExecExit returns the exit code an exec session's supervisor
// recorded. A session whose files went with its container's run
// directory ended with the container: the kernel SIGKILLs a PID
// namespace's processes when its init exits, so 137, as an exec the
// command runs itself reports then.
func readExecExit(dir string) (int, error) {
	exit, err := supervisor.ReadExit(dir)
	if err == nil {
		return exit.Code, nil
	}
	if _, serr := os.Stat(dir); errors.Is(serr, os.ErrNotExist) {
		return 128 + int(syscall.SIGKILL), nil
	}
	return -1, err
}

// execDir holds a detachable exec session's supervisor files; inside the
// run directory, it goes with the container's exit at the latest.
func (c *Container) execDir(session string) string {
	return filepath.Join(c.runDir(), "exec-"+session[:12])
}

// spawnExec starts the supervisor of an exec session: its start command
// runs process.json in the container (runStartCommand).
func (c *Container) spawnExec(session, dir string, ps *specs.Process, opts ExecOptions) (*supervisor.Report, error) {
	b, err := json.Marshal(ps)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	err = errors.Join(writeFileAtomic(filepath.Join(dir, "process.json"), b),
		writeFileAtomic(filepath.Join(dir, "attached"), []byte(strconv.Itoa(os.Getpid()))))
	var rep *supervisor.Report
	if err == nil {
		stdio := supervisor.StdioPipe
		if opts.TTY {
			stdio = supervisor.StdioTTY
		}
		rep, err = supervisor.Spawn(supervisor.Config{
			Dir: dir, LogPath: filepath.Join(dir, "log"), Stdio: stdio, KeepStdin: opts.Interactive,
			Start: []string{startCommandName, c.rt.ociRoot(), c.config.ID, dir},
			Exit:  c.rt.selfCommand("container", "cleanup", "--exec", session, c.config.ID),
		})
	}
	if err != nil {
		if rerr := os.RemoveAll(dir); rerr != nil {
			slog.Warn("removing a failed exec session's files", "dir", dir, "error", rerr)
		}
		if rep != nil && rep.ExitCode != 0 {
			why := "OCI permission denied"
			if rep.ExitCode == define.ExitNotFound {
				why = "OCI runtime attempted to invoke a command that was not found"
			}
			return nil, &define.ExitCodeError{Code: rep.ExitCode, Err: fmt.Errorf("podlite: exec failed: %w: %s", err, why)}
		}
		return nil, fmt.Errorf("podlite: exec failed: %w", err)
	}
	return rep, nil
}

// leaveExec ends this process's hold on an exec session: once the
// session's cleanup has run (it left the "reaped" mark, seeing this
// process attached), its files go; until then the cleanup removes them.
func (c *Container) leaveExec(dir string) error {
	return c.withLock(func() error {
		if err := os.Remove(filepath.Join(dir, "attached")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		if _, err := os.Stat(filepath.Join(dir, "reaped")); err != nil {
			return nil
		}
		return os.RemoveAll(dir)
	})
}

// CleanupExec is an exec session supervisor's exit command (container
// cleanup --exec): it records exec_died with the exit code and removes the
// session's files, unless an exec command is still attached to it; that
// one removes them when it leaves.
func (c *Container) CleanupExec(session string) error {
	// podman's words for a session it does not know.
	unknown := fmt.Errorf("no exec session with ID %s found in container %s: %w", session, c.config.ID, define.ErrNotFound)
	if len(session) < 12 {
		return unknown
	}
	dir := c.execDir(session)
	if _, err := os.Stat(dir); err != nil {
		return unknown
	}
	exit, err := supervisor.ReadExit(dir)
	if err != nil {
		return fmt.Errorf("exec session %s: %w", session, err)
	}
	died := c.event(events.ExecDied)
	died.ContainerExitCode = &exit.Code
	c.rt.emit(died)
	return c.withLock(func() error {
		b, err := os.ReadFile(filepath.Join(dir, "attached"))
		if pid, _ := strconv.Atoi(string(b)); err == nil && processAlive(pid) {
			return writeFileAtomic(filepath.Join(dir, "reaped"), nil)
		}
		return os.RemoveAll(dir)
	})
}
