package libpod

import (
	"context"
	"fmt"
	"os"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
)

// ExecOptions describe a process to run in a running container.
type ExecOptions struct {
	Cmd         []string
	Env         []string
	User        string
	WorkDir     string
	Interactive bool
	TTY         bool
	Privileged  bool
	// Detach starts the process and returns without waiting for it.
	Detach bool
}

// Exec runs a process in the running container and returns its exit code
// (0 when detached).
func (c *Container) Exec(ctx context.Context, opts ExecOptions, streams Streams) (int, error) {
	if len(opts.Cmd) == 0 {
		return -1, fmt.Errorf("exec needs a command: %w", define.ErrInvalidArg)
	}
	var ps *specs.Process
	err := c.withLock(func() error {
		if c.state.Status != define.StatusRunning {
			return fmt.Errorf("cannot exec in container %s: it is %s, not running: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		var err error
		ps, err = c.execProcess(opts)
		return err
	})
	if err != nil {
		return -1, err
	}
	if opts.Detach {
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return -1, err
		}
		defer null.Close()
		ps.Terminal = false
		p, err := c.rt.oci().Exec(c.config.ID, ps, oci.Stdio{Stdin: null, Stdout: null, Stderr: null})
		if err != nil {
			return -1, execError(c, err)
		}
		c.newEvent(events.Exec)
		fmt.Fprintln(streams.Stdout, p.Pid())
		return 0, nil
	}
	// The exec'd process's output is not logged; only the container's is.
	a := &attachedIO{streams: streams, stdout: streams.Stdout, stderr: streams.Stderr, terminal: opts.TTY}
	if err := a.setupPipes(opts.TTY, opts.Interactive && streams.Stdin != nil); err != nil {
		return -1, err
	}
	p, err := c.rt.oci().Exec(c.config.ID, ps, a.stdio)
	if err != nil {
		a.close()
		return -1, execError(c, err)
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

func execError(c *Container, err error) error {
	if code := startErrorCode(err); code != 0 {
		return &define.ExitCodeError{Code: code, Err: fmt.Errorf("exec in container %s: %w", c.config.Name, err)}
	}
	return fmt.Errorf("exec in container %s: %w", c.config.Name, err)
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
	ps.Env = mergeEnv(ps.Env, expandEnv(opts.Env))
	if opts.WorkDir != "" {
		ps.Cwd = opts.WorkDir
	}
	if opts.User != "" {
		ps.User = specs.User{Username: opts.User}
	}
	if opts.Privileged {
		all, err := spec.Generate(&spec.Options{Args: opts.Cmd, Privileged: true})
		if err == nil {
			ps.Capabilities = all.Process.Capabilities
		}
	}
	s.Process = ps
	if err := spec.Finalize(s, c.state.Mountpoint); err != nil {
		return nil, err
	}
	return s.Process, nil
}
