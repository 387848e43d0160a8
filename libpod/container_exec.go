package libpod

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
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
	ps.Env = mergeEnv(ps.Env, env)
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
