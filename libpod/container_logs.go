package libpod

import (
	"context"
	"fmt"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

// Logs sends the container's log lines to fn. With opts.Follow it keeps
// sending new lines until the container is no longer running (or ctx
// ends), as `podman logs -f` does.
func (c *Container) Logs(ctx context.Context, opts logs.Options, fn func(logs.Line) error) error {
	if c.config.LogPath == "" {
		return fmt.Errorf("container %s logs with driver %q; only k8s-file logs can be read: %w", c.config.Name, c.config.LogDriver, define.ErrNotSupported)
	}
	if opts.Follow {
		stop := make(chan struct{})
		opts.Stop = stop
		done := make(chan struct{})
		defer close(done)
		go c.closeWhenExited(ctx, stop, done)
	}
	return logs.Read(c.config.LogPath, opts, fn)
}

// closeWhenExited closes stop once the container no longer runs, ctx ends
// or done is closed.
func (c *Container) closeWhenExited(ctx context.Context, stop, done chan struct{}) {
	defer close(stop)
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-time.After(100 * time.Millisecond):
		}
		if c.Sync() != nil || !c.isActive() {
			// Give the supervisor a moment to write the last output.
			time.Sleep(100 * time.Millisecond)
			return
		}
	}
}
