package libpod

import (
	"context"
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
	if c.state.Status == define.StatusPaused {
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

// Wait blocks until the container is not running and returns its exit code.
func (c *Container) Wait(ctx context.Context) (int, error) {
	for delay := time.Millisecond; ; delay = min(delay*2, 100*time.Millisecond) {
		if err := c.Sync(); err != nil {
			return -1, err
		}
		if !c.isActive() && c.state.Status != define.StatusCreated {
			return c.state.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return -1, ctx.Err()
		case <-time.After(delay):
		}
	}
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
