package containers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newRunCommand(g *common.Globals) *cobra.Command {
	f := &createFlags{}
	var detach bool
	cmd := &cobra.Command{
		Use:   "run [options] IMAGE [COMMAND [ARG...]]",
		Short: "Run a command in a new container",
		Args:  common.MinArgs(1),
		Example: `  podlite run --rm localhost/busybox echo hello
  podlite run -d --name web localhost/busybox httpd -f -p 80
  podlite run -it localhost/busybox sh`,
		ValidArgsFunction: common.Complete(g, common.ImageNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			streams, printID, err := f.io.runStreams(cmd, f.interactive, detach, f.logDriver)
			if err != nil {
				return err
			}
			keys, err := runDetachKeys(cmd, f.io.detachKeys, libpod.CanDetach(libpod.DetachSettings{Interactive: f.interactive, TTY: f.tty, LogDriver: f.logDriver, LogOpts: f.io.logOpts}, streams), streams.Stdin != nil && f.interactive)
			if err != nil {
				return err
			}
			c, err := f.create(cmd, g, args)
			if err != nil {
				return err
			}
			ctx := context.Background()
			if detach {
				if err := c.Start(ctx); err != nil {
					if f.rm || f.rmi {
						_ = removeQuietly(g, c)
					}
					return err
				}
				fmt.Println(c.ID())
				return nil
			}
			if printID {
				fmt.Println(c.ID())
			}
			if keys != nil && c.CanDetach(streams) {
				return startAndAttach(ctx, g, c, streams, libpod.AttachOptions{DetachKeys: keys, SigProxy: f.io.sigProxy})
			}
			return runAttachedWith(ctx, g, c, streams, f.rm || f.rmi)
		},
	}
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "run in the background and print the container ID")
	cmd.Flags().BoolVar(&f.rmi, "rmi", false, "remove the image after the container exits, unless another container uses it (implies --rm)")
	f.register(cmd.Flags())
	f.io.registerRun(cmd.Flags())
	return cmd
}

// startStreams are start --attach's streams: all of them, stdin with
// --interactive.
func startStreams(interactive bool) libpod.Streams {
	streams := libpod.Streams{Stdout: common.ContainerStdout(), Stderr: os.Stderr, Terminal: os.Stdin}
	if interactive {
		streams.Stdin = os.Stdin
	}
	return streams
}

// startAttached is start --attach: c runs in the foreground, detachably
// with keys (nil: in this process, as its supervisor).
func startAttached(ctx context.Context, g *common.Globals, c *libpod.Container, streams libpod.Streams, keys []byte) error {
	if keys != nil && c.CanDetach(streams) {
		return startAndAttach(ctx, g, c, streams, libpod.AttachOptions{DetachKeys: keys, SigProxy: true})
	}
	return runAttachedWith(ctx, g, c, streams, c.Config().AutoRemove)
}

// startAndAttach runs c under its own supervisor and attaches to it, so
// that the detach keys leave it running; the exit code becomes the CLI's.
func startAndAttach(ctx context.Context, g *common.Globals, c *libpod.Container, streams libpod.Streams, opts libpod.AttachOptions) error {
	code, err := c.StartAndAttach(ctx, streams, opts)
	if err != nil && !errors.Is(err, libpod.ErrDetached) && c.Config().AutoRemove {
		// Not started, or the attach failed: --rm as the in-process path.
		if rerr := removeQuietly(g, c); rerr != nil && !errors.Is(rerr, define.ErrNotFound) {
			slog.Warn("removing the container after a failed run", "container", c.Name(), "error", rerr)
		}
	}
	return attachResult(code, err)
}

// runAttachedWith is runAttached with the caller's streams.
func runAttachedWith(ctx context.Context, g *common.Globals, c *libpod.Container, streams libpod.Streams, remove bool) error {
	code, err := c.StartAttached(ctx, streams)
	if remove {
		if rerr := removeQuietly(g, c); err == nil && rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		return err
	}
	if code != 0 {
		return &define.ExitCodeError{Code: code}
	}
	return nil
}

func removeQuietly(g *common.Globals, c *libpod.Container) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	return rt.RemoveAfterRun(context.Background(), c)
}
