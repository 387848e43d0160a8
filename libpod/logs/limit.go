package logs

import (
	"bytes"
	"fmt"
	"os"
)

// Limited is a log file kept under a size (--log-opt max-size): a write
// that would pass it empties the file first, as conmon does. Writers that
// share it serialize their writes (NewWriters does).
type Limited struct {
	f         *os.File
	max, size int64
}

// NewLimited limits f, opened for appending, to max bytes.
func NewLimited(f *os.File, max int64) (*Limited, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("sizing log %s: %w", f.Name(), err)
	}
	return &Limited{f: f, max: max, size: st.Size()}, nil
}

// Write writes p record by record (line by line), emptying the file
// before a record that would pass the limit.
func (l *Limited) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		rec := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			rec = p[:i+1]
		}
		if l.size+int64(len(rec)) > l.max {
			if err := l.f.Truncate(0); err != nil {
				return written, fmt.Errorf("emptying log %s at its max-size: %w", l.f.Name(), err)
			}
			l.size = 0
		}
		n, err := l.f.Write(rec)
		l.size += int64(n)
		written += n
		if err != nil {
			return written, err
		}
		p = p[len(rec):]
	}
	return written, nil
}
