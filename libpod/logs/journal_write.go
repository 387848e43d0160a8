package logs

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"

	"github.com/coreos/go-systemd/v22/journal"
)

// JournalSocket is where journald takes native-protocol messages.
const JournalSocket = "/run/systemd/journal/socket"

// partialMax is how much of a line without a newline is held back before
// it goes to the journal as a partial message (conmon's STDIO_BUF_SIZE).
const partialMax = 8192

// JournalFields are the fields conmon adds to each message of a
// container: its IDs, name and, with --log-opt tag, the tag, which is the
// syslog identifier then (else the name).
func JournalFields(id, name, tag string) map[string]string {
	f := map[string]string{"CONTAINER_ID_FULL": id, "CONTAINER_ID": id[:min(12, len(id))],
		"CONTAINER_NAME": name, "SYSLOG_IDENTIFIER": name}
	if tag != "" {
		f["CONTAINER_TAG"], f["SYSLOG_IDENTIFIER"] = tag, tag
	}
	return f
}

// JournalFieldBlock is JournalFields in the native protocol's text form,
// one KEY=VALUE line each, for the supervisor to append to its messages;
// values hold no newline (CheckJournalValue).
func JournalFieldBlock(fields map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"CONTAINER_ID_FULL", "CONTAINER_ID", "CONTAINER_TAG", "CONTAINER_NAME", "SYSLOG_IDENTIFIER"} {
		if v, ok := fields[k]; ok {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		}
	}
	return b.String()
}

// CheckJournal says whether journald takes messages here: nil, or
// podman's error.
func CheckJournal() error {
	conn, err := net.Dial("unixgram", JournalSocket)
	if err != nil {
		return fmt.Errorf("failed to initialize journal: %w", err)
	}
	return conn.Close()
}

// JournalWriter sends one stream's output to the journal, a message per
// line (with its newline, as conmon sends it) at priority 6 for stdout
// and 3 for stderr (conmon's); a line is held back until its newline comes, or sent
// as a partial message (CONTAINER_PARTIAL_MESSAGE=true) when it grows
// past partialMax or at Close.
type JournalWriter struct {
	mu       sync.Mutex
	fields   map[string]string
	priority journal.Priority
	partial  []byte
}

// NewJournalWriters returns the stdout and stderr writers of a container
// whose messages carry fields (JournalFields).
func NewJournalWriters(fields map[string]string) (stdout, stderr *JournalWriter) {
	return &JournalWriter{fields: fields, priority: journal.PriInfo}, &JournalWriter{fields: fields, priority: journal.PriErr}
}

// Write sends p's complete lines and holds back the rest.
func (w *JournalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.send(w.partial[:i+1], false)
		w.partial = w.partial[i+1:]
	}
	if len(w.partial) >= partialMax {
		w.send(w.partial, true)
		w.partial = nil
	}
	return len(p), nil
}

// Close sends what is held back as a partial message.
func (w *JournalWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.partial) > 0 {
		w.send(w.partial, true)
		w.partial = nil
	}
	return nil
}

// send sends one message; a failure is logged, not returned, so that the
// output still reaches an attached caller (conmon warns and goes on too).
func (w *JournalWriter) send(msg []byte, partial bool) {
	vars := w.fields
	if partial {
		vars = make(map[string]string, len(w.fields)+1)
		for k, v := range w.fields {
			vars[k] = v
		}
		vars["CONTAINER_PARTIAL_MESSAGE"] = "true"
	}
	if err := journal.Send(string(msg), w.priority, vars); err != nil {
		slog.Warn("writing to the journal", "container", w.fields["CONTAINER_NAME"], "error", err)
	}
}
