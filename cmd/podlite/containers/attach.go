package containers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

// detachKeys is podman's default detach sequence, ctrl-p ctrl-q.
var detachKeys = []byte{0x10, 0x11}

func newAttachCommand(g *common.Globals) *cobra.Command {
	var noStdin, latest bool
	cmd := &cobra.Command{
		Use:               "attach [options] CONTAINER",
		Short:             "Attach to a running container",
		Args:              common.RangeArgs(0, 1),
		Example:           "  podlite attach web\n  podlite attach --no-stdin web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := ""
			if len(args) == 1 {
				name = args[0]
			} else if !latest {
				return fmt.Errorf("specify a container name or ID: %w", define.ErrInvalidArg)
			}
			c, err := oneContainer(g, name, latest)
			if err != nil {
				return err
			}
			if err := c.Sync(); err != nil {
				return err
			}
			if !c.IsRunning() {
				return fmt.Errorf("you can only attach to running containers: %s is %s: %w", c.Name(), c.State().Status, define.ErrInvalidState)
			}
			if c.Config().LogPath == "" {
				return fmt.Errorf("container %s logs with driver %q; attach needs k8s-file logs: %w", c.Name(), c.Config().LogDriver, define.ErrNotSupported)
			}
			stop := make(chan struct{})
			detached := make(chan struct{})
			if !noStdin && c.Config().Interactive {
				rt, _ := g.Runtime()
				fifo := filepath.Join(rt.Config().RunRoot, "containers", c.ID(), "stdin")
				go func() {
					if copyStdin(fifo) {
						close(detached)
					}
				}()
			}
			go func() {
				select {
				case <-detached:
					close(stop)
				case <-stop:
				}
			}()
			go followUntilExit(c, stop)
			err = logs.Read(c.Config().LogPath, logs.Options{Tail: -1, Follow: true, Since: time.Now(), Stop: stop}, func(l logs.Line) error {
				out := os.Stdout
				if l.Stream == "stderr" {
					out = os.Stderr
				}
				nl := "\n"
				if l.Partial {
					nl = ""
				}
				_, err := fmt.Fprintf(out, "%s%s", l.Text, nl)
				return err
			})
			if err != nil {
				return err
			}
			select {
			case <-detached:
				return nil
			default:
			}
			if err := c.Sync(); err != nil {
				return err
			}
			if code := c.State().ExitCode; !c.IsRunning() && code != 0 {
				return &define.ExitCodeError{Code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not attach stdin")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	cmd.Flags().String("detach-keys", "ctrl-p,ctrl-q", "key sequence for detaching (only the default is supported)")
	cmd.Flags().Bool("sig-proxy", true, "accepted for podman compatibility; signals are not proxied")
	return cmd
}

// copyStdin copies os.Stdin to the container's stdin FIFO until EOF or the
// detach keys, and reports whether the user detached.
func copyStdin(fifo string) bool {
	f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Error: opening the container's stdin: %v\n", err)
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	var prev byte
	for {
		n, err := os.Stdin.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if i := detachIndex(prev, chunk); i >= 0 {
				_, _ = f.Write(chunk[:i])
				return true
			}
			prev = chunk[n-1]
			if _, werr := f.Write(chunk); werr != nil {
				return false
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(os.Stderr, "Error: reading stdin: %v\n", err)
			}
			return false
		}
	}
}

// detachIndex returns where the detach sequence starts in chunk (-1 when
// absent; 0 also when it started with prev).
func detachIndex(prev byte, chunk []byte) int {
	if prev == detachKeys[0] && chunk[0] == detachKeys[1] {
		return 0
	}
	return bytes.Index(chunk, detachKeys)
}
