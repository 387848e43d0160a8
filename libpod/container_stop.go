package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/supervisor"
	"github.com/podlite/podlite/pkg/crashpoint"
)

// Stop sends the container's stop signal, waits up to timeout (the
// container's own stop timeout when nil) and then kills it. Stopping a
// container that does not run does nothing.
func (c *Container) Stop(ctx context.Context, timeout *uint) error {
	return c.withLock(func() error {
		t := c.config.StopTimeout
		if timeout != nil {
			t = *timeout
		}
		return c.stopLocked(time.Duration(t) * time.Second)
	})
}

func (c *Container) stopLocked(timeout time.Duration) error {
	if !c.isActive() {
		return nil
	}
	c.state.StoppedByUser = true
	if c.frozenLocked() {
		// A frozen process cannot act on its stop signal.
		if err := c.rt.oci().Resume(c.config.ID); err != nil {
			return fmt.Errorf("resuming container %s to stop it: %w", c.config.Name, err)
		}
	}
	if err := c.setStatusLocked(define.StatusStopping); err != nil {
		return err
	}
	if err := c.saveLocked(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.StopStoppingSaved)
	c.newEvent(events.Stop)
	if timeout > 0 {
		_ = c.rt.oci().Signal(c.config.ID, syscall.Signal(c.config.StopSignal), false)
		if exit := c.waitExitLocked(timeout); exit != nil {
			return c.exitedLocked(exit.Code, exit.At)
		}
		// podman's warning, word for word: scripts and users look for it.
		slog.Warn(fmt.Sprintf("StopSignal %s failed to stop container %s in %d seconds, resorting to SIGKILL",
			unix.SignalName(syscall.Signal(c.config.StopSignal)), c.config.Name, int(timeout.Seconds())))
	}
	_ = c.rt.oci().Signal(c.config.ID, syscall.SIGKILL, true)
	if exit := c.waitExitLocked(10 * time.Second); exit != nil {
		return c.exitedLocked(exit.Code, exit.At)
	}
	return fmt.Errorf("container %s did not exit after SIGKILL: %w", c.config.Name, define.ErrUnavailable)
}

// frozenLocked says whether the container's cgroup is frozen: it is
// paused, or a pod checkpoint killed midway left it so while it is
// recorded as running (pod_checkpoint.go).
func (c *Container) frozenLocked() bool {
	return c.state.Status == define.StatusPaused || c.rt.oci().Paused(c.config.ID)
}

// waitExitLocked polls for the exit the supervisor records, or for the
// container's processes to be gone when no supervisor is left to record it.
func (c *Container) waitExitLocked(timeout time.Duration) *supervisor.Exit {
	deadline := time.Now().Add(timeout)
	for delay := time.Millisecond; ; delay = min(delay*2, 25*time.Millisecond) {
		if exit, err := supervisor.ReadExit(c.runDir()); err == nil {
			return exit
		}
		if !processAlive(c.state.SupervisorPID) && !processAlive(c.state.PID) {
			return &supervisor.Exit{Code: 128 + int(syscall.SIGKILL), At: time.Now()}
		}
		if time.Now().After(deadline) {
			return nil
		}
		time.Sleep(delay)
	}
}

// Kill sends sig to the container's init process.
func (c *Container) Kill(ctx context.Context, sig syscall.Signal) error {
	return c.withLock(func() error {
		if !c.isActive() {
			return fmt.Errorf("cannot kill container %s: it is %s, not running: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		if err := c.rt.oci().Signal(c.config.ID, sig, false); err != nil {
			return err
		}
		c.state.StoppedByUser = true
		c.newEvent(events.Kill)
		return c.saveLocked()
	})
}

// Restart stops the container if it runs and starts it again.
func (c *Container) Restart(ctx context.Context, timeout *uint) error {
	return c.withLock(func() error {
		t := c.config.StopTimeout
		if timeout != nil {
			t = *timeout
		}
		if err := c.stopLocked(time.Duration(t) * time.Second); err != nil {
			return err
		}
		// RestartCount counts restarts by the policy only, as in podman.
		if err := c.startLocked(); err != nil {
			return err
		}
		c.newEvent(events.Restart)
		return nil
	})
}

// Pause freezes the container's processes.
func (c *Container) Pause(ctx context.Context) error {
	if err := c.rt.needCgroups("pausing container " + c.config.Name); err != nil {
		return err
	}
	return c.withLock(func() error {
		if c.state.Status != define.StatusRunning {
			return fmt.Errorf("cannot pause container %s: it is %s: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		if err := c.rt.oci().Pause(c.config.ID); err != nil {
			return fmt.Errorf("pausing container %s: %w", c.config.Name, err)
		}
		if err := c.setStatusLocked(define.StatusPaused); err != nil {
			return err
		}
		c.newEvent(events.Pause)
		return c.saveLocked()
	})
}

// Unpause thaws a paused container.
func (c *Container) Unpause(ctx context.Context) error {
	return c.withLock(func() error {
		if c.state.Status != define.StatusPaused {
			return fmt.Errorf("cannot unpause container %s: it is %s, not paused: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		if err := c.rt.oci().Resume(c.config.ID); err != nil {
			return fmt.Errorf("unpausing container %s: %w", c.config.Name, err)
		}
		if err := c.setStatusLocked(define.StatusRunning); err != nil {
			return err
		}
		c.newEvent(events.Unpause)
		return c.saveLocked()
	})
}

// WaitOptions is what `wait` waits for.
type WaitOptions struct {
	// Conditions are podman's --condition values; none means "stopped".
	Conditions []string
	// Interval is the longest time between two looks; 0 means podman's
	// 250ms.
	Interval time.Duration
}

// waitCondition is one --condition: the container not running ("stopped",
// "exited"), removed or being removed, in one status, or with one health
// ("healthy", "unhealthy").
type waitCondition struct {
	stopped, removing bool
	status            define.ContainerStatus
	health            string
}

func parseWaitConditions(conds []string) ([]waitCondition, error) {
	if len(conds) == 0 {
		conds = []string{"stopped"}
	}
	out := make([]waitCondition, 0, len(conds))
	for _, cond := range conds {
		switch cond {
		case "stopped", "exited":
			out = append(out, waitCondition{stopped: true})
		case "removing":
			out = append(out, waitCondition{removing: true})
		case "healthy", "unhealthy":
			out = append(out, waitCondition{health: cond})
		default:
			st, err := define.ParseStatus(cond)
			if err != nil {
				// podman's words.
				return nil, fmt.Errorf("unknown container state: %s: %w", cond, define.ErrInvalidArg)
			}
			out = append(out, waitCondition{status: st})
		}
	}
	return out, nil
}

// ParseWaitInterval reads --interval as podman does: a Go duration, or a
// bare number of milliseconds.
func ParseWaitInterval(s string) (time.Duration, error) {
	if ms, err := strconv.ParseUint(s, 10, 63); err == nil {
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("time: invalid duration %q: %w", s, define.ErrInvalidArg)
	}
	return d, nil
}

// Wait blocks until one of the conditions holds and returns the exit code
// for "stopped" and "exited", -1 for the others, as podman. A container
// that never ran is stopped: it returns at once.
func (c *Container) Wait(ctx context.Context, opts WaitOptions) (int, error) {
	conds, err := parseWaitConditions(opts.Conditions)
	if err != nil {
		return -1, err
	}
	for _, w := range conds {
		if w.health != "" && c.health() == nil {
			return -1, fmt.Errorf("cannot use condition %q: container %s has no healthcheck: %w", w.health, c.config.ID, define.ErrInvalidArg)
		}
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = 250 * time.Millisecond
	}
	for delay := time.Millisecond; ; delay = min(delay*2, interval) {
		err := c.Sync()
		gone := errors.Is(err, define.ErrNotFound)
		if err != nil && !gone {
			return -1, err
		}
		for _, w := range conds {
			switch {
			case w.removing && (gone || c.state.Status == define.StatusRemoving):
				return -1, nil
			case gone:
			case w.stopped && !c.isActive() && c.state.Status != define.StatusRemoving:
				return c.state.ExitCode, nil
			case w.health != "":
				if c.healthStatus() == w.health {
					return -1, nil
				}
			case !w.stopped && !w.removing && c.state.Status == w.status:
				return -1, nil
			}
		}
		if gone {
			return -1, err
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(delay):
		}
	}
}

// WaitFirst waits on every container at once and returns the first whose
// condition holds, with its code (wait --exit-first-match).
func WaitFirst(ctx context.Context, ctrs []*Container, opts WaitOptions) (*Container, int, error) {
	if _, err := parseWaitConditions(opts.Conditions); err != nil {
		return nil, -1, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		c    *Container
		code int
		err  error
	}
	results := make(chan result, len(ctrs))
	for _, c := range ctrs {
		go func() {
			code, err := c.Wait(ctx, opts)
			results <- result{c, code, err}
		}()
	}
	r := <-results
	return r.c, r.code, r.err
}

// ParseSignal accepts "SIGTERM", "TERM", "term" and "15".
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n <= 0 || n > 64 {
			return 0, fmt.Errorf("invalid signal %q: %w", s, define.ErrInvalidArg)
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("invalid signal %q: %w", s, define.ErrInvalidArg)
}
