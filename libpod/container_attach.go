package libpod

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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/docker/go-units"
	"golang.org/x/term"

	"github.com/podlite/podlite/libpod/attach"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/logs"
	"github.com/podlite/podlite/libpod/oci"
)

// Streams are the caller's ends of an attached container's stdio.
type Streams struct {
	// Stdin is nil unless the container is interactive.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal, when the container has a TTY and the caller sits at one,
	// is put in raw mode and its size copied to the container's.
	Terminal *os.File
	// Extra are passed to StartAttached's container as fds 3, 4, …
	// (--preserve-fds); NoSigProxy keeps the caller's signals from it.
	Extra      []*os.File
	NoSigProxy bool
}

// StartAttached starts the container with this podlite process as its
// supervisor: the container's output goes to streams and to the log, the
// process's signals are forwarded to the container, and the call returns
// the container's exit code once it has exited. A foreground `run` stays
// alive for the container's life anyway, so it saves spawning a supervisor.
func (c *Container) StartAttached(ctx context.Context, streams Streams) (int, error) {
	if err := c.startRequired(ctx); err != nil {
		return -1, err
	}
	var p *oci.Process
	var io *attachedIO
	var wasInitialized bool
	sigs := catchSignals()
	err := c.withLock(func() (retErr error) {
		if c.isActive() {
			return fmt.Errorf("container %s is already running: %w", c.config.Name, define.ErrInvalidState)
		}
		if c.notifyMode() == define.SdNotifyContainer {
			// Only a supervisor passes the container's messages on.
			return fmt.Errorf("starting container %s: --sdnotify=container under systemd needs a detached run (-d), as generate systemd writes it: %w", c.config.Name, define.ErrNotSupported)
		}
		if err := define.CheckTransition(c.state.Status, define.StatusRunning); err != nil {
			return fmt.Errorf("starting container %s: %w", c.config.Name, err)
		}
		wasInitialized = c.state.Status == define.StatusInitialized
		s, err := c.prepareOnceLocked()
		if err != nil {
			return err
		}
		defer func() {
			if retErr != nil {
				c.releaseLocked()
				if err := c.saveLocked(); err != nil {
					slog.Warn("saving the state of a container whose start failed", "container", c.config.Name, "error", err)
				}
			}
		}()
		if io, err = c.newAttachedIO(streams); err != nil {
			return err
		}
		if p, err = c.rt.oci().Start(c.config.ID, s, io.stdio); err != nil {
			io.close()
			if code := startErrorCode(err); code != 0 {
				c.state.Error = err.Error()
				_ = c.saveLocked()
				return &define.ExitCodeError{Code: code, Err: fmt.Errorf("starting container %s: %w", c.config.Name, err)}
			}
			return fmt.Errorf("starting container %s: %w", c.config.Name, err)
		}
		if err := writeFileAtomic(filepath.Join(c.runDir(), "pid"), []byte(strconv.Itoa(p.Pid()))); err != nil {
			_ = p.Signal(syscall.SIGKILL)
			_, _ = p.Wait()
			return err
		}
		return c.runningLocked(p.Pid(), os.Getpid())
	})
	if err != nil {
		sigs.release()
		return -1, err
	}
	c.startedEvents(wasInitialized)
	c.notifyAttached()
	if err := io.afterStart(); err != nil {
		_ = p.Signal(syscall.SIGKILL)
	}
	stopSignals := sigs.forward(p, io.master, !streams.NoSigProxy)
	timedOut := c.killAtTimeout(p)
	stopHealth := c.healthTimer()
	code, _ := p.Wait()
	stopHealth()
	stopSignals()
	if timedOut() {
		code = -1 // as podman records a --timeout kill
	}
	io.finish()
	// Record the exit the way the supervisor would, then let sync pick it up.
	if err := writeExitFile(c.runDir(), code, time.Now()); err != nil {
		return code, err
	}
	return code, c.Sync()
}

func startErrorCode(err error) int {
	var se *oci.StartError
	if !errors.As(err, &se) {
		return 0
	}
	if se.NotFound {
		return define.ExitNotFound
	}
	return define.ExitCannotInvoke
}

func writeExitFile(dir string, code int, at time.Time) error {
	return writeFileAtomic(filepath.Join(dir, "exit"), fmt.Appendf(nil, "%d %d\n", code, at.UnixNano()))
}

// attachedIO connects an attached container's stdio to the caller's
// streams and its log.
type attachedIO struct {
	streams  Streams
	stdio    oci.Stdio
	console  *os.File // our end of the console socket (TTY)
	master   *os.File // the container's terminal (TTY)
	restore  func()
	log      *os.File
	journal  []io.Closer // the journal writers (journald driver)
	toClose  []*os.File
	copies   sync.WaitGroup
	stdout   io.Writer
	stderr   io.Writer
	outR     *os.File
	errR     *os.File
	inW      *os.File
	terminal bool
}

func (c *Container) newAttachedIO(s Streams) (*attachedIO, error) {
	// A stream --attach leaves out is still logged.
	if s.Stdout == nil {
		s.Stdout = io.Discard
	}
	if s.Stderr == nil {
		s.Stderr = io.Discard
	}
	a := &attachedIO{streams: s, stdout: s.Stdout, stderr: s.Stderr, terminal: c.config.Terminal}
	if c.config.LogPath != "" {
		f, err := os.OpenFile(c.config.LogPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("opening the log of %s: %w", c.config.Name, err)
		}
		a.log = f
		var w io.Writer = f
		if max := c.config.IO.LogMaxSize; max > 0 {
			if w, err = logs.NewLimited(f, max); err != nil {
				f.Close()
				return nil, err
			}
		}
		lo, le := logs.NewWriters(w)
		a.stdout, a.stderr = io.MultiWriter(s.Stdout, lo), io.MultiWriter(s.Stderr, le)
	}
	if c.config.LogDriver == "journald" {
		fields, err := c.journalFields()
		if err != nil {
			a.close()
			return nil, err
		}
		jo, je := logs.NewJournalWriters(fields)
		a.journal = []io.Closer{jo, je}
		a.stdout, a.stderr = io.MultiWriter(s.Stdout, jo), io.MultiWriter(s.Stderr, je)
	}
	if err := a.setupPipes(c.config.Terminal, s.Stdin != nil && c.config.Interactive); err != nil {
		a.close()
		return nil, err
	}
	return a, nil
}

// setupPipes creates the container's ends of its stdio: a console socket
// for a terminal, pipes otherwise.
func (a *attachedIO) setupPipes(tty, stdin bool) error {
	a.stdio.Extra = a.streams.Extra
	if tty {
		parent, child, err := oci.ConsolePair()
		if err != nil {
			return err
		}
		a.console, a.stdio.ConsoleSocket = parent, child
		a.toClose = append(a.toClose, child)
		return nil
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	a.outR, a.stdio.Stdout = outR, outW
	a.toClose = append(a.toClose, outW)
	errR, errW, err := os.Pipe()
	if err != nil {
		return err
	}
	a.errR, a.stdio.Stderr = errR, errW
	a.toClose = append(a.toClose, errW)
	if stdin {
		inR, inW, err := os.Pipe()
		if err != nil {
			return err
		}
		a.stdio.Stdin, a.inW = inR, inW
		a.toClose = append(a.toClose, inR)
	}
	return nil
}

// afterStart closes the container's ends in this process and starts
// copying.
func (a *attachedIO) afterStart() error {
	for _, f := range a.toClose {
		f.Close()
	}
	a.toClose = nil
	if a.terminal {
		m, err := oci.ReceiveConsole(a.console)
		a.console.Close()
		if err != nil {
			return err
		}
		a.master = m
		if t := a.streams.Terminal; t != nil && term.IsTerminal(int(t.Fd())) {
			if st, err := term.MakeRaw(int(t.Fd())); err == nil {
				a.restore = func() { _ = term.Restore(int(t.Fd()), st) }
			}
			resize(t, m)
		}
		a.copy(a.stdout, m)
		if a.streams.Stdin != nil {
			go func() { _, _ = io.Copy(m, a.streams.Stdin) }()
		}
		return nil
	}
	a.copy(a.stdout, a.outR)
	a.copy(a.stderr, a.errR)
	if a.inW != nil {
		go func() {
			_, _ = io.Copy(a.inW, a.streams.Stdin)
			a.inW.Close()
		}()
	}
	return nil
}

func (a *attachedIO) copy(dst io.Writer, src io.Reader) {
	a.copies.Add(1)
	go func() {
		defer a.copies.Done()
		_, _ = io.Copy(dst, src)
	}()
}

// finish waits for the output to drain (briefly: a process the container
// left behind may hold the pipes) and releases everything.
func (a *attachedIO) finish() {
	done := make(chan struct{})
	go func() { a.copies.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Second):
	}
	for _, j := range a.journal {
		_ = j.Close() // sends a last partial line; never fails
	}
	a.close()
}

func (a *attachedIO) close() {
	if a.restore != nil {
		a.restore()
	}
	for _, f := range append(a.toClose, a.outR, a.errR, a.master, a.log, a.console) {
		if f != nil {
			f.Close()
		}
	}
}

func resize(t, master *os.File) {
	if w, h, err := term.GetSize(int(t.Fd())); err == nil {
		_ = oci.ResizeConsole(master, uint16(h), uint16(w))
	}
}

// forwardSignals passes the signals podlite receives on to the container
// (podman's --sig-proxy), and terminal size changes to its console.
func forwardSignals(p *oci.Process, master *os.File) (stop func()) {
	return catchSignals().forward(p, master, true)
}

// signalCatcher holds the signals podlite receives from before its
// container starts, so that one sent meanwhile does not end podlite (and
// leave the container behind) instead of reaching the container.
type signalCatcher struct{ ch chan os.Signal }

func catchSignals() *signalCatcher {
	sc := &signalCatcher{ch: make(chan os.Signal, 16)}
	signal.Notify(sc.ch)
	return sc
}

// release gives the signals back when no container started.
func (sc *signalCatcher) release() { signal.Stop(sc.ch) }

// forward passes the caught signals on to p when proxy is set; without it
// (--sig-proxy=false) none is: this process supervises the container, so
// it stays, ignoring them, until the container exits. SIGWINCH resizes
// master, the container's terminal.
func (sc *signalCatcher) forward(p *oci.Process, master *os.File, proxy bool) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case sig := <-sc.ch:
				switch sig {
				case syscall.SIGCHLD, syscall.SIGPIPE, syscall.SIGURG:
				case syscall.SIGWINCH:
					if master != nil {
						resize(os.Stdin, master)
					}
				default:
					if proxy {
						_ = p.Signal(sig)
					}
				}
			}
		}
	}()
	return func() {
		// The process is gone: what is left is recording its exit and
		// --rm's removal, which a stop signal must not cut short (a
		// systemd unit's stop sends SIGTERM to this main process once
		// ExecStop is done). Ignored before the catcher lets go, so none
		// falls in between and takes the default action.
		signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
		sc.release()
		close(done)
	}
}

// killAtTimeout SIGKILLs p once the container's --timeout has passed; the
// returned function says whether it did.
func (c *Container) killAtTimeout(p *oci.Process) (timedOut func() bool) {
	t := c.config.IO.Timeout
	if t == 0 {
		return func() bool { return false }
	}
	var fired atomic.Bool
	timer := time.AfterFunc(time.Duration(t)*time.Second, func() {
		fired.Store(true)
		if err := p.Signal(syscall.SIGKILL); err != nil {
			slog.Debug("killing a container at its --timeout", "container", c.config.Name, "error", err)
		}
	})
	return func() bool {
		timer.Stop()
		return fired.Load()
	}
}

// DefaultDetachKeys is podman's detach sequence, ctrl-p ctrl-q.
var DefaultDetachKeys = attach.DefaultKeys

// ErrDetached is returned by Attach when the user typed the detach keys.
var ErrDetached = attach.ErrDetached

// AttachOptions shape Attach.
type AttachOptions struct {
	// NoStdin leaves the container's stdin alone.
	NoStdin bool
	// DetachKeys end the attach without stopping the container; nil means
	// DefaultDetachKeys.
	DetachKeys []byte
	// SigProxy passes the signals this process receives on to the
	// container (--sig-proxy) while attached.
	SigProxy bool
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
	if c.config.LogPath == "" && c.config.LogDriver != "journald" {
		return -1, fmt.Errorf("container %s logs with driver %q; attach needs k8s-file or journald logs: %w", c.config.Name, c.config.LogDriver, define.ErrNotSupported)
	}
	var sigs chan os.Signal
	if opts.SigProxy {
		sigs = attach.NotifyAll()
	}
	if err := c.follow(ctx, streams, opts, time.Now(), sigs); err != nil {
		return -1, err
	}
	if err := c.Sync(); err != nil {
		return -1, err
	}
	return c.state.ExitCode, nil
}

// DetachSettings are a container's settings that decide whether a
// foreground run of it can detach.
type DetachSettings struct {
	Interactive, TTY bool
	LogDriver        string
	// LogOpts are --log-opt's: a max-size empties the log under the
	// attach that follows it, losing the output it had not read yet.
	LogOpts []string
}

// CanDetach says whether a foreground run or start --attach can take
// StartAndAttach's path, where detach keys work: the keys are typed at a
// terminal into the container's own (-it), the output comes back through
// an unlimited k8s-file log, and nothing is asked that only an in-process
// supervisor passes on (--preserve-fds, some --attach streams).
func CanDetach(d DetachSettings, s Streams) bool {
	t := s.Terminal
	return d.Interactive && d.TTY && (d.LogDriver == "k8s-file" || d.LogDriver == "json-file") && !limitsLogSize(d.LogOpts) &&
		s.Stdin != nil && s.Stdout != nil && s.Stderr != nil && len(s.Extra) == 0 &&
		t != nil && term.IsTerminal(int(t.Fd()))
}

func limitsLogSize(opts []string) bool {
	for _, o := range opts {
		if k, v, _ := strings.Cut(o, "="); k == "max-size" {
			if n, err := units.FromHumanSize(v); err == nil && n > 0 {
				return true
			}
		}
	}
	return false
}

// CanDetach is CanDetach for c's settings.
func (c *Container) CanDetach(s Streams) bool {
	return c.config.IO.LogMaxSize <= 0 && CanDetach(DetachSettings{Interactive: c.config.Interactive, TTY: c.config.Terminal, LogDriver: c.config.LogDriver}, s)
}

// StartAndAttach starts the container under its own supervisor, as Start
// does, and attaches streams to it, as Attach does, from its first output
// on: podman's foreground run and start --attach, which the detach keys
// leave (ErrDetached) with the container running. Otherwise it returns the
// container's exit code once the supervisor's cleanup is done; the
// container's --rm is applied here, as this process needs the exit code
// before the container goes (the cleanup leaves it to an attached run).
func (c *Container) StartAndAttach(ctx context.Context, streams Streams, opts AttachOptions) (int, error) {
	if err := c.startRequired(ctx); err != nil {
		return -1, err
	}
	var sigs chan os.Signal
	if opts.SigProxy { // caught from now on, not to end this process before the attach
		sigs = attach.NotifyAll()
	}
	since := time.Now()
	supPID := 0
	err := c.withLock(func() error {
		if c.isActive() {
			return fmt.Errorf("container %s is already running: %w", c.config.Name, define.ErrInvalidState)
		}
		if err := c.startLocked(); err != nil {
			return err
		}
		supPID, c.state.AttachedPID = c.state.SupervisorPID, os.Getpid()
		return c.saveLocked()
	})
	if err != nil {
		if sigs != nil {
			signal.Stop(sigs)
		}
		return -1, err
	}
	err = c.follow(ctx, streams, opts, since, sigs)
	code := -1
	if err == nil && !c.isActive() {
		code = c.state.ExitCode
	} else if err == nil {
		code, err = c.Wait(ctx, WaitOptions{Conditions: []string{"stopped"}})
	}
	if err == nil {
		waitGone(ctx, supPID) // its cleanup records and releases
	}
	if derr := c.detachRun(ctx); derr != nil && (err == nil || errors.Is(err, ErrDetached)) {
		return code, derr
	}
	return code, err
}

// detachRun ends an attached run's hold on the container and applies --rm
// if the container has exited.
func (c *Container) detachRun(ctx context.Context) error {
	remove := false
	err := c.withLock(func() error {
		if c.state.AttachedPID != os.Getpid() {
			return nil
		}
		c.state.AttachedPID = 0
		remove = c.config.AutoRemove && !c.isActive()
		return c.saveLocked()
	})
	if errors.Is(err, define.ErrNotFound) { // removed meanwhile (rm -f)
		return nil
	}
	if err != nil || !remove {
		return err
	}
	return c.rt.removeAfterRun(ctx, c, c.config.RemoveImage)
}

// waitGone waits until process pid has exited (or is a zombie nobody
// reaped).
func waitGone(ctx context.Context, pid int) {
	for delay := time.Millisecond; processAlive(pid) && !isZombie(pid); delay = min(delay*2, 50*time.Millisecond) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func isZombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the parenthesised command name, which may hold spaces.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}

// target is c as attach.Follow attaches to it through its supervisor.
func (c *Container) target() attach.Target {
	return attach.Target{
		Dir: c.runDir(), LogPath: c.config.LogPath, TTY: c.config.Terminal, Interactive: c.config.Interactive,
		JournalID: c.journalID(),
		Exited:    func() bool { return c.Sync() != nil || !c.isActive() },
		Signal:    c.signalProxied,
	}
}

// follow attaches streams to c (see attach.Follow) with an attach event.
func (c *Container) follow(ctx context.Context, streams Streams, opts AttachOptions, since time.Time, sigs chan os.Signal) error {
	c.newEvent(events.Attach)
	s := attach.Streams{Stdout: streams.Stdout, Stderr: streams.Stderr, Terminal: streams.Terminal, Keys: opts.DetachKeys, Signals: sigs}
	if !opts.NoStdin {
		s.Stdin = streams.Stdin
	}
	return attach.Follow(ctx, c.target(), s, since)
}

// signalProxied passes a signal an attach caught on to the container's
// process. It is not a user's kill: the restart policy still applies to
// the exit it causes.
func (c *Container) signalProxied(s syscall.Signal) error {
	return c.withLock(func() error {
		if !c.isActive() {
			return nil
		}
		return c.rt.oci().Signal(c.config.ID, s, false)
	})
}
