package logs

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// journalEntry is the part of `journalctl -o json`'s entry a log line
// needs; MESSAGE is a string, or an array of bytes when it is not
// printable UTF-8.
type journalEntry struct {
	Cursor   string          `json:"__CURSOR"`
	Realtime string          `json:"__REALTIME_TIMESTAMP"`
	Message  json.RawMessage `json:"MESSAGE"`
	Priority string          `json:"PRIORITY"`
	Partial  string          `json:"CONTAINER_PARTIAL_MESSAGE"`
}

// ReadJournal sends the journal's lines of the container whose full ID is
// id to fn, as Read does for a k8s-file log; it reads them through
// journalctl. With exited set, it follows the journal until exited holds
// (polled) or ctx ends; then it reads what journald took after that.
func ReadJournal(ctx context.Context, id string, opts Options, exited func() bool, fn func(Line) error) error {
	lr := &logReader{opts: opts, fn: fn}
	start := time.Now()
	cursor, err := lr.journal(ctx, id, "", exited)
	if err == nil && exited != nil && ctx.Err() == nil {
		// After the last entry followed or, with none (--tail 0), the
		// entries since the follow began.
		lr.opts.Tail = -1
		if cursor == "" {
			cursor = fmt.Sprintf("@%d.%06d", start.Unix(), start.Nanosecond()/1000)
		}
		_, err = lr.journal(ctx, id, cursor, nil)
	}
	if err == nil && lr.pending != nil {
		err = lr.emit(*lr.pending)
	}
	return err
}

// journal runs journalctl for id's entries (after cursor, when set; a
// cursor "@UNIX.MICROS" is a time to start from), and follows them while
// exited does not hold, when set; it returns the last entry's cursor.
func (lr *logReader) journal(ctx context.Context, id, cursor string, exited func() bool) (string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	args := []string{"-o", "json", "--all", "--no-pager", "-n", "all"}
	switch {
	case strings.HasPrefix(cursor, "@"):
		args = append(args, "--since", cursor)
	case cursor != "":
		args = append(args, "--after-cursor", cursor)
	case lr.opts.Tail >= 0:
		args[len(args)-1] = strconv.Itoa(lr.opts.Tail)
	}
	if exited != nil {
		args = append(args, "-f")
	}
	cmd := exec.CommandContext(ctx, "journalctl", append(args, "CONTAINER_ID_FULL="+id)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("reading the journal: %w", err)
	}
	if exited != nil {
		stop, done := make(chan struct{}), make(chan struct{})
		defer close(done)
		go func() {
			closeWhenExited(ctx, exited, stop, done)
			cancel() // journalctl -f never ends on its own
		}()
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	var sendErr error
	for sc.Scan() && sendErr == nil {
		cursor, sendErr = lr.journalEntry(sc.Bytes(), cursor)
	}
	if sendErr != nil {
		cancel() // journalctl may still be writing
	}
	werr := cmd.Wait()
	switch {
	case sendErr != nil:
		return "", sendErr
	case werr != nil && exited == nil:
		return "", fmt.Errorf("reading the journal: %v: %s", werr, strings.TrimSpace(stderr.String()))
	}
	return cursor, nil
}

// journalEntry adds one entry of journalctl's output to the lines and
// returns its cursor (cursor, the last one's, on an error).
func (lr *logReader) journalEntry(b []byte, cursor string) (string, error) {
	var e journalEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return cursor, fmt.Errorf("reading the journal's entry %q: %w", b, err)
	}
	us, err := strconv.ParseInt(e.Realtime, 10, 64)
	if err != nil {
		return cursor, fmt.Errorf("reading the journal's timestamp %q: %w", e.Realtime, err)
	}
	stream := "stdout"
	if e.Priority == "3" {
		stream = "stderr"
	}
	text := journalText(e.Message)
	partial := e.Partial == "true"
	if !partial {
		text = strings.TrimSuffix(text, "\n")
	}
	return e.Cursor, lr.add(time.UnixMicro(us), stream, partial, text)
}

// journalText is MESSAGE's text, from a JSON string or array of bytes.
func journalText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var bs []byte
	var ints []int
	if json.Unmarshal(raw, &ints) == nil {
		for _, i := range ints {
			bs = append(bs, byte(i))
		}
	}
	return string(bs)
}
