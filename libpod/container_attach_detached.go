package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/logs"
)

// DefaultDetachKeys is podman's detach sequence, ctrl-p ctrl-q.
var DefaultDetachKeys = []byte{0x10, 0x11}

// ErrDetached is returned by Attach when the user typed the detach keys.
var ErrDetached = errors.New("detached from the container")

// AttachOptions shape Attach.
type AttachOptions struct {
	// NoStdin leaves the container's stdin alone.
	NoStdin bool
	// DetachKeys end the attach without stopping the container; nil means
	// DefaultDetachKeys.
	DetachKeys []byte
}

// Attach connects streams to a running container that its supervisor owns:
// new output is followed in the container's log, input goes to the
// supervisor's stdin FIFO and, for a terminal, size changes to its control
// FIFO. It returns the container's exit code once it exits, or ErrDetached.
func (c *Container) Attach(ctx context.Context, streams Streams, opts AttachOptions) (int, error) {
	if err := c.Sync(); err != nil {
		return -1, err
	}
	if !c.isActive() {
		return -1, fmt.Errorf("you can only attach to running containers: %s is %s: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
	}
	if c.config.LogPath == "" {
		return -1, fmt.Errorf("container %s logs with driver %q; attach needs k8s-file logs: %w", c.config.Name, c.config.LogDriver, define.ErrNotSupported)
	}
	keys := opts.DetachKeys
	if keys == nil {
		keys = DefaultDetachKeys
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	detached := make(chan struct{})
	if t := streams.Terminal; c.config.Terminal && t != nil && term.IsTerminal(int(t.Fd())) {
		if st, err := term.MakeRaw(int(t.Fd())); err == nil {
			defer func() { _ = term.Restore(int(t.Fd()), st) }()
		}
		go c.forwardResizes(ctx, t)
	}
	if !opts.NoStdin && c.config.Interactive && streams.Stdin != nil {
		go func() {
			if c.copyToStdinFIFO(streams.Stdin, keys) {
				close(detached)
				cancel()
			}
		}()
	}
	err := c.Logs(ctx, logs.Options{Tail: -1, Follow: true, Since: time.Now()}, func(l logs.Line) error {
		out := streams.Stdout
		if l.Stream == "stderr" {
			out = streams.Stderr
		}
		if !l.Partial {
			l.Text += "\n"
		}
		_, err := io.WriteString(out, l.Text)
		return err
	})
	select {
	case <-detached:
		return 0, ErrDetached
	default:
	}
	if err != nil {
		return -1, err
	}
	if err := c.Sync(); err != nil {
		return -1, err
	}
	return c.state.ExitCode, nil
}

// copyToStdinFIFO copies in to the supervisor's stdin FIFO until EOF or the
// detach keys, and reports whether the user detached.
func (c *Container) copyToStdinFIFO(in io.Reader, keys []byte) bool {
	f, err := os.OpenFile(filepath.Join(c.runDir(), "stdin"), os.O_WRONLY, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 4096)
	var held []byte // a prefix of keys seen at the end of the last read
	for {
		n, err := in.Read(buf)
		if n > 0 {
			data := append(held, buf[:n]...)
			if i := bytes.Index(data, keys); i >= 0 {
				_, _ = f.Write(data[:i])
				return true
			}
			held = nil
			for k := len(keys) - 1; k > 0; k-- {
				if bytes.HasSuffix(data, keys[:k]) {
					held = append([]byte(nil), keys[:k]...)
					data = data[:len(data)-k]
					break
				}
			}
			if _, werr := f.Write(data); werr != nil {
				return false
			}
		}
		if err != nil {
			return false
		}
	}
}

// forwardResizes sends the terminal's size to the supervisor now and on
// every SIGWINCH.
func (c *Container) forwardResizes(ctx context.Context, t *os.File) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		if w, h, err := term.GetSize(int(t.Fd())); err == nil {
			_ = c.Resize(uint16(h), uint16(w))
		}
		select {
		case <-ctx.Done():
			return
		case <-winch:
		}
	}
}

// Resize sets the terminal size of a detached TTY container through its
// supervisor's control FIFO.
func (c *Container) Resize(rows, cols uint16) error {
	f, err := os.OpenFile(filepath.Join(c.runDir(), "ctl"), os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("resizing the terminal of %s: %w", c.config.Name, err)
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%d %d\n", rows, cols)
	return err
}
