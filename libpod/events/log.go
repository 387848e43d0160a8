package events

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// The backends podlite has: podman's "file", and "none", which writes
// and reads nothing.
const (
	BackendFile = "file"
	BackendNone = "none"
)

// Log is the event log of one run root.
type Log struct {
	path    string
	backend string
}

// New returns the log at path for backend ("file" or "none").
func New(backend, path string) (*Log, error) {
	switch backend {
	case BackendFile, BackendNone:
	default:
		return nil, fmt.Errorf("events backend %q: %w", backend, define.ErrNotSupported)
	}
	return &Log{path: path, backend: backend}, nil
}

// Path is the log file.
func (l *Log) Path() string { return l.path }

// Backend is "file" or "none".
func (l *Log) Backend() string { return l.backend }

// Write appends e, stamped now when it has no time. The line goes out in
// one write(2) to a file opened O_APPEND: the kernel places each write at
// the end under the inode lock, so lines of concurrent podlite processes
// never interleave.
func (l *Log) Write(e Event) error {
	if l.backend == BackendNone {
		return nil
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encoding event: %w", err)
	}
	line = append(line, '\n')
	if err := os.MkdirAll(filepath.Dir(l.path), 0o700); err != nil {
		return fmt.Errorf("writing event: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("writing event: %w", err)
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return fmt.Errorf("writing event to %s: %w", l.path, err)
	}
	return f.Close()
}
