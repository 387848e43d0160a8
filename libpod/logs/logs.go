package logs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// TimeFormat is the k8s-file timestamp layout.
const TimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// Line is one reassembled log line.
type Line struct {
	Time   time.Time
	Stream string // "stdout" or "stderr"
	Text   string // without the trailing newline
	// Partial is true when the output had no newline at that point.
	Partial bool
}

// Writer appends one stream's output to a shared log file.
type Writer struct {
	mu     *sync.Mutex
	f      io.Writer
	stream string
}

// NewWriters returns stdout and stderr writers sharing f.
func NewWriters(f io.Writer) (stdout, stderr *Writer) {
	mu := &sync.Mutex{}
	return &Writer{mu: mu, f: f, stream: "stdout"}, &Writer{mu: mu, f: f, stream: "stderr"}
}

// Write logs p as full lines plus, when p does not end in a newline, one
// partial record.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	stamp := time.Now().Format(TimeFormat)
	var buf bytes.Buffer
	rest := p
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		flag, text := "P", rest
		if i >= 0 {
			flag, text = "F", rest[:i]
		}
		fmt.Fprintf(&buf, "%s %s %s %s\n", stamp, w.stream, flag, text)
		if i < 0 {
			break
		}
		rest = rest[i+1:]
	}
	if _, err := w.f.Write(buf.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// parseRecord splits one record into its parts.
func parseRecord(rec string) (t time.Time, stream string, partial bool, text string, err error) {
	parts := strings.SplitN(rec, " ", 4)
	if len(parts) < 3 {
		return t, "", false, "", fmt.Errorf("malformed log record %q", rec)
	}
	if t, err = time.Parse(time.RFC3339Nano, parts[0]); err != nil {
		return t, "", false, "", fmt.Errorf("malformed log timestamp %q: %w", parts[0], err)
	}
	if len(parts) == 4 {
		text = parts[3]
	}
	return t, parts[1], parts[2] == "P", text, nil
}

// Options select and shape what Read returns.
type Options struct {
	// Since drops lines older than this time (zero: keep all).
	Since time.Time
	// Until drops lines newer than this time (zero: keep all).
	Until time.Time
	// Tail keeps only the last Tail lines; negative keeps all.
	Tail int
	// Follow keeps reading as the file grows until Stop is closed.
	Follow bool
	Stop   <-chan struct{}
	// Records sends each record as it is read, a partial one too, rather
	// than whole lines: an attached terminal shows a prompt at once.
	Records bool
}

// Read sends the log's lines to fn in order.
func Read(path string, opts Options, fn func(Line) error) error {
	f, err := openLog(path, opts)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	defer f.Close()
	lr := &logReader{
		f:    f,
		r:    bufio.NewReader(f),
		opts: opts,
		fn:   fn,
		// With Tail, the lines up to the first end of file are collected and
		// cut before anything is sent; what follows is sent as it comes.
		collecting: opts.Tail >= 0,
	}
	for {
		rec, err := lr.r.ReadString('\n')
		if err == io.EOF {
			done, err := lr.atEOF(rec)
			if err != nil || done {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		if err := lr.record(rec); err != nil {
			return err
		}
	}
}

// openLog opens the log file; when following, it waits for the file to
// appear until opts.Stop is closed.
func openLog(path string, opts Options) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) && opts.Follow {
		f, err = waitForFile(path, opts.Stop)
	}
	return f, err
}

// logReader is the state of one Read: the file, the line being
// reassembled from partial records, and the lines held back for Tail.
type logReader struct {
	f    *os.File
	r    *bufio.Reader
	opts Options
	fn   func(Line) error
	// collecting: Tail is set and the first end of file not yet reached.
	collecting bool
	lines      []Line
	pending    *Line
}

// emit sends l to fn, or holds it back while collecting for Tail; lines
// outside Since and Until are dropped.
func (lr *logReader) emit(l Line) error {
	if !lr.opts.Since.IsZero() && l.Time.Before(lr.opts.Since) {
		return nil
	}
	if !lr.opts.Until.IsZero() && l.Time.After(lr.opts.Until) {
		return nil
	}
	if lr.collecting {
		lr.lines = append(lr.lines, l)
		return nil
	}
	return lr.fn(l)
}

// atEOF handles an end of file with rec, the unfinished record read
// before it. It reports done when Read should return: not following, or
// Stop closed; otherwise it has waited a moment for the file to grow.
func (lr *logReader) atEOF(rec string) (done bool, err error) {
	if rec != "" {
		// An unfinished record: go back and wait for the rest.
		if _, serr := lr.f.Seek(-int64(len(rec)), io.SeekCurrent); serr != nil {
			return false, serr
		}
		lr.r.Reset(lr.f)
	}
	if !lr.opts.Follow && lr.pending != nil {
		if err := lr.emit(*lr.pending); err != nil {
			return false, err
		}
		lr.pending = nil
	}
	if lr.collecting {
		lr.collecting = false
		if err := flushTail(lr.lines, lr.opts.Tail, lr.fn); err != nil {
			return false, err
		}
		lr.lines = nil
	}
	if !lr.opts.Follow {
		return true, nil
	}
	if err := lr.rewindIfEmptied(); err != nil {
		return false, err
	}
	select {
	case <-lr.opts.Stop:
		return true, nil
	case <-time.After(50 * time.Millisecond):
	}
	return false, nil
}

// rewindIfEmptied starts over from the top of a log that shrank below
// the read position: --log-opt max-size empties it before a line would
// pass the limit, and what follows is written from its start.
func (lr *logReader) rewindIfEmptied() error {
	fi, err := lr.f.Stat()
	if err != nil {
		return err
	}
	pos, err := lr.f.Seek(0, io.SeekCurrent)
	if err != nil || fi.Size() >= pos {
		return err
	}
	if _, err := lr.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	lr.r.Reset(lr.f)
	return nil
}

// record adds one complete record to the pending line: records of the
// same stream join up until one ends the line; a record of the other
// stream ends the pending line first. Malformed records are skipped.
func (lr *logReader) record(rec string) error {
	t, stream, partial, text, perr := parseRecord(strings.TrimSuffix(rec, "\n"))
	if perr != nil {
		return nil
	}
	return lr.add(t, stream, partial, text)
}

// add joins one record to the pending line as record says.
func (lr *logReader) add(t time.Time, stream string, partial bool, text string) error {
	if lr.opts.Records {
		return lr.emit(Line{Time: t, Stream: stream, Text: text, Partial: partial})
	}
	if lr.pending != nil && lr.pending.Stream == stream {
		lr.pending.Text += text
		lr.pending.Partial = partial
	} else {
		if lr.pending != nil {
			if err := lr.emit(*lr.pending); err != nil {
				return err
			}
		}
		lr.pending = &Line{Time: t, Stream: stream, Text: text, Partial: partial}
	}
	if !lr.pending.Partial {
		if err := lr.emit(*lr.pending); err != nil {
			return err
		}
		lr.pending = nil
	}
	return nil
}

// ReadUntil is Read following the log until exited (polled) holds, with a
// moment for the writer's last output, or ctx ends.
func ReadUntil(ctx context.Context, path string, opts Options, exited func() bool, fn func(Line) error) error {
	stop, done := make(chan struct{}), make(chan struct{})
	defer close(done)
	opts.Follow, opts.Stop = true, stop
	go closeWhenExited(ctx, exited, stop, done)
	return Read(path, opts, fn)
}

// closeWhenExited closes stop once exited holds, ctx ends or done is
// closed.
func closeWhenExited(ctx context.Context, exited func() bool, stop, done chan struct{}) {
	defer close(stop)
	for {
		select {
		case <-ctx.Done():
			return
		case <-done:
			return
		case <-time.After(100 * time.Millisecond):
		}
		if exited() {
			// Give the writer (the supervisor) a moment to write the last output.
			time.Sleep(100 * time.Millisecond)
			return
		}
	}
}

func flushTail(lines []Line, n int, fn func(Line) error) error {
	if n >= 0 && len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	for _, l := range lines {
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

func waitForFile(path string, stop <-chan struct{}) (*os.File, error) {
	for {
		f, err := os.Open(path)
		if err == nil || !errors.Is(err, os.ErrNotExist) {
			return f, err
		}
		select {
		case <-stop:
			return nil, err
		case <-time.After(50 * time.Millisecond):
		}
	}
}
