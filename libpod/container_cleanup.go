package libpod

import (
	"context"
	"fmt"
	"os"

	"github.com/podlite/podlite/libpod/define"
)

// CleanupOptions are `container cleanup`'s --rm and --rmi, for a user's
// run of it.
type CleanupOptions struct{ Remove, RemoveImage bool }

// Cleanup is the supervisor's exit command: it records the container's exit
// (if no other podlite did already), releases its resources, and then
// applies --rm and the restart policy. Only the supervisor that ran this
// very start applies them, so an exit restarts a container at most once.
// Run by a user, it records and releases the same way (taking the lock
// does), refuses a running container in podman's words, and applies opts.
func (c *Container) Cleanup(ctx context.Context, opts CleanupOptions) error {
	remove, removeImage := false, false
	supervised, code, stoppedByUser := false, 0, false
	err := c.withLock(func() error {
		supervised, code, stoppedByUser = c.state.SupervisorPID == os.Getpid(), c.state.ExitCode, c.state.StoppedByUser
		if !supervised {
			if c.isActive() {
				return fmt.Errorf("failed to clean up container %s: container %s is running or paused, refusing to clean up: %w", c.config.ID, c.config.ID, define.ErrStateImproper)
			}
			remove, removeImage = opts.Remove || opts.RemoveImage, opts.RemoveImage
			return nil
		}
		if c.isActive() || c.state.Checkpointed {
			return nil
		}
		if c.config.AutoRemove {
			// A foreground run still attached removes it itself.
			remove, removeImage = !processAlive(c.state.AttachedPID), c.config.RemoveImage
			return nil
		}
		if c.shouldRestartLocked() {
			c.state.RestartCount++
			code = 0 // a new supervisor owns the container now
			return c.startLocked()
		}
		return nil
	})
	if err != nil {
		return err
	}
	if remove {
		if err := c.rt.removeAfterRun(ctx, c, removeImage); err != nil {
			return err
		}
	}
	if err := c.rt.applyPodExitPolicy(ctx, c.config); err != nil {
		return err
	}
	// Under a systemd unit the supervisor is the main process, and its
	// last act is this command: it exits with the container's code, as
	// conmon does, so that Restart=on-failure sees a failure; a stop
	// asked for (the unit's ExecStop) is not one.
	if supervised && code != 0 && !stoppedByUser && c.notifyMode() != "" {
		return &define.ExitCodeError{Code: code}
	}
	return nil
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
