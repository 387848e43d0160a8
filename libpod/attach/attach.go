// Package attach connects a caller's terminal or streams to a process that a
// supervisor (package supervisor) owns: a detached container, or an exec
// session run detachably. Output is followed in the process's k8s-file log,
// input goes to the supervisor's stdin FIFO, terminal sizes to its control
// FIFO; the detach keys end the attach and leave the process running.
package attach

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/podlite/podlite/libpod/logs"
)

// ErrDetached is returned by Follow when the user typed the detach keys.
var ErrDetached = errors.New("detached from the container")

// DefaultKeys is podman's detach sequence, ctrl-p ctrl-q.
var DefaultKeys = []byte{0x10, 0x11}

// Target is the supervised process attached to.
type Target struct {
	// Dir is the supervisor's directory (stdin and ctl FIFOs), LogPath
	// the process's k8s-file log.
	Dir, LogPath string
	// JournalID, when set, is the container whose output is followed in
	// the journal instead (journald driver).
	JournalID        string
	TTY, Interactive bool
	// Exited is polled; the follow ends, its output read, once it holds.
	Exited func() bool
	// Signal passes a caught signal on to the process.
	Signal func(syscall.Signal) error
}

// Streams are the caller's ends.
type Streams struct {
	// Stdin is nil when no input is attached.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal, when the target has a TTY and this is one, is made raw
	// and its size passed on.
	Terminal *os.File
	// Keys detach (nil: DefaultKeys); Signals (nil: none passed) are the
	// caught signals to pass on.
	Keys    []byte
	Signals chan os.Signal
}

// NotifyAll catches every signal this process receives from now on.
func NotifyAll() chan os.Signal {
	ch := make(chan os.Signal, 16)
	signal.Notify(ch)
	return ch
}

// Follow copies the target's output logged since `since` to s and s's
// input to the target until it exits (nil) or the detach keys are typed
// (ErrDetached).
func Follow(ctx context.Context, t Target, s Streams, since time.Time) error {
	keys := s.Keys
	if keys == nil {
		keys = DefaultKeys
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.Signals != nil {
		go proxySignals(ctx, s.Signals, t.Signal)
	}
	detached := make(chan struct{})
	if tt := s.Terminal; t.TTY && tt != nil && term.IsTerminal(int(tt.Fd())) {
		if st, err := term.MakeRaw(int(tt.Fd())); err == nil {
			defer func() { _ = term.Restore(int(tt.Fd()), st) }()
		}
		resizeTo(t.Dir, tt) // before any input reaches the process
		go forwardResizes(ctx, t.Dir, tt)
	}
	if t.Interactive && s.Stdin != nil {
		go func() {
			if copyInput(filepath.Join(t.Dir, "stdin"), s.Stdin, keys) {
				close(detached)
				cancel()
			}
		}()
	}
	err := readOutput(ctx, t, since, func(l logs.Line) error {
		out := s.Stdout
		if l.Stream == "stderr" {
			out = s.Stderr
		}
		if !l.Partial {
			l.Text += "\n"
		}
		_, err := io.WriteString(out, l.Text)
		return err
	})
	select {
	case <-detached:
		return ErrDetached
	default:
	}
	return err
}

// readOutput follows t's output logged since `since` until it exits.
func readOutput(ctx context.Context, t Target, since time.Time, fn func(logs.Line) error) error {
	opts := logs.Options{Tail: -1, Since: since, Records: true}
	if t.JournalID != "" {
		return logs.ReadJournal(ctx, t.JournalID, opts, t.Exited, fn)
	}
	return logs.ReadUntil(ctx, t.LogPath, opts, t.Exited, fn)
}

// copyInput copies in to the supervisor's stdin FIFO until EOF or the
// detach keys, and reports whether the user detached.
func copyInput(fifo string, in io.Reader, keys []byte) bool {
	f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
	if err != nil {
		slog.Debug("opening the supervisor's stdin", "fifo", fifo, "error", err)
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

// forwardResizes passes the terminal's size on at every SIGWINCH.
func forwardResizes(ctx context.Context, dir string, t *os.File) {
	winch := make(chan os.Signal, 1)
	signal.Notify(winch, syscall.SIGWINCH)
	defer signal.Stop(winch)
	for {
		select {
		case <-ctx.Done():
			return
		case <-winch:
			resizeTo(dir, t)
		}
	}
}

func resizeTo(dir string, t *os.File) {
	w, h, err := term.GetSize(int(t.Fd()))
	if err != nil {
		return
	}
	if err := Resize(dir, uint16(h), uint16(w)); err != nil {
		slog.Debug("resizing a supervised terminal", "dir", dir, "error", err)
	}
}

// Resize sets the size of the terminal the supervisor of dir holds,
// through its control FIFO.
func Resize(dir string, rows, cols uint16) error {
	f, err := os.OpenFile(filepath.Join(dir, "ctl"), os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = fmt.Fprintf(f, "%d %d\n", rows, cols)
	return err
}

// proxySignals passes the signals caught on ch on with send until ctx
// ends.
func proxySignals(ctx context.Context, ch chan os.Signal, send func(syscall.Signal) error) {
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return
		case sig := <-ch:
			s, ok := sig.(syscall.Signal)
			if !ok || s == syscall.SIGCHLD || s == syscall.SIGPIPE || s == syscall.SIGURG || s == syscall.SIGWINCH {
				continue
			}
			if err := send(s); err != nil {
				slog.Warn("passing a signal on", "signal", s, "error", err)
			}
		}
	}
}
