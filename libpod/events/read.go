package events

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// pollInterval is how often a following reader looks for new lines.
const pollInterval = 100 * time.Millisecond

// ReadOptions say which events Read passes on and for how long.
type ReadOptions struct {
	Filter       *Filter
	Since, Until time.Time
	// Stream follows the log for new events until ctx ends or Until
	// passes; without it Read returns at the log's end.
	Stream bool
}

// Read passes the log's events that match opts to fn, oldest first. A
// streaming read without Since or Until starts at the log's end, as
// podman's: only new events.
func (l *Log) Read(ctx context.Context, opts ReadOptions, fn func(*Event) error) error {
	if l.backend == BackendNone {
		return fmt.Errorf(`cannot read events with the "none" backend: %w`, define.ErrNotSupported)
	}
	fromStart := !opts.Stream || !opts.Since.IsZero() || !opts.Until.IsZero()
	f, err := l.open(ctx, opts)
	if f == nil || err != nil {
		return err
	}
	defer f.Close()
	if !fromStart {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			return fmt.Errorf("reading %s: %w", l.path, err)
		}
	}
	r := bufio.NewReader(f)
	var partial []byte
	for {
		line, err := r.ReadBytes('\n')
		partial = append(partial, line...)
		if err == nil {
			if err := l.pass(partial, opts, fn); err != nil {
				return err
			}
			partial = partial[:0]
			continue
		}
		if !errors.Is(err, io.EOF) {
			return fmt.Errorf("reading %s: %w", l.path, err)
		}
		if !opts.Stream || (!opts.Until.IsZero() && time.Now().After(opts.Until)) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pollInterval):
		}
	}
}

// open opens the log; a streaming reader waits for it to appear, the
// others find no events in a missing log (nil file, nil error).
func (l *Log) open(ctx context.Context, opts ReadOptions) (*os.File, error) {
	for {
		f, err := os.Open(l.path)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("reading events: %w", err)
		}
		if !opts.Stream || (!opts.Until.IsZero() && time.Now().After(opts.Until)) {
			return nil, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(pollInterval):
		}
	}
}

// pass decodes one line and hands it to fn when it matches.
func (l *Log) pass(line []byte, opts ReadOptions, fn func(*Event) error) error {
	var e Event
	if err := json.Unmarshal(line, &e); err != nil {
		slog.Warn("skipping an unreadable event", "file", l.path, "err", err)
		return nil
	}
	if !opts.Since.IsZero() && !e.Time.After(opts.Since) {
		return nil
	}
	if !opts.Until.IsZero() && !e.Time.Before(opts.Until) {
		return nil
	}
	if opts.Filter != nil && !opts.Filter.Match(&e) {
		return nil
	}
	return fn(&e)
}
