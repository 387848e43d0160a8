package libpod

import (
	"context"
	"os"
)

// Cleanup is the supervisor's exit command: it records the container's exit
// (if no other podlite did already), releases its resources, and then
// applies --rm and the restart policy. Only the supervisor that ran this
// very start applies them, so an exit restarts a container at most once.
func (c *Container) Cleanup(ctx context.Context) error {
	remove := false
	err := c.withLock(func() error {
		ownExit := c.state.SupervisorPID == os.Getpid()
		if !ownExit || c.isActive() || c.state.Checkpointed {
			return nil
		}
		if c.config.AutoRemove {
			remove = true
			return nil
		}
		if c.shouldRestartLocked() {
			c.state.RestartCount++
			return c.startLocked()
		}
		return nil
	})
	if err != nil || !remove {
		return err
	}
	return c.rt.RemoveAfterRun(ctx, c)
}

// shouldRestartLocked applies the restart policy to the recorded exit.
func (c *Container) shouldRestartLocked() bool {
	p := c.restartPolicy()
	if c.state.StoppedByUser {
		return false
	}
	switch p.Name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		return c.state.ExitCode != 0 && (p.MaxRetries == 0 || c.state.RestartCount < p.MaxRetries)
	}
	return false
}
