package logs

import (
	"bufio"
	"bytes"
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
}

// Read sends the log's lines to fn in order.
func Read(path string, opts Options, fn func(Line) error) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && opts.Follow {
			f, err = waitForFile(path, opts.Stop)
		}
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return err
		}
	}
	defer f.Close()
	r := bufio.NewReader(f)
	// With Tail, the lines up to the first end of file are collected and
	// cut before anything is sent; what follows is sent as it comes.
	collecting := opts.Tail >= 0
	var lines []Line
	var pending *Line
	emit := func(l Line) error {
		if !opts.Since.IsZero() && l.Time.Before(opts.Since) {
			return nil
		}
		if !opts.Until.IsZero() && l.Time.After(opts.Until) {
			return nil
		}
		if collecting {
			lines = append(lines, l)
			return nil
		}
		return fn(l)
	}
	for {
		rec, err := r.ReadString('\n')
		if err == io.EOF {
			if rec != "" {
				// An unfinished record: go back and wait for the rest.
				if _, serr := f.Seek(-int64(len(rec)), io.SeekCurrent); serr != nil {
					return serr
				}
				r.Reset(f)
			}
			if !opts.Follow && pending != nil {
				if err := emit(*pending); err != nil {
					return err
				}
				pending = nil
			}
			if collecting {
				collecting = false
				if err := flushTail(lines, opts.Tail, fn); err != nil {
					return err
				}
				lines = nil
			}
			if !opts.Follow {
				return nil
			}
			select {
			case <-opts.Stop:
				return nil
			case <-time.After(50 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return err
		}
		t, stream, partial, text, perr := parseRecord(strings.TrimSuffix(rec, "\n"))
		if perr != nil {
			continue
		}
		if pending != nil && pending.Stream == stream {
			pending.Text += text
			pending.Partial = partial
		} else {
			if pending != nil {
				if err := emit(*pending); err != nil {
					return err
				}
			}
			pending = &Line{Time: t, Stream: stream, Text: text, Partial: partial}
		}
		if !pending.Partial {
			if err := emit(*pending); err != nil {
				return err
			}
			pending = nil
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
