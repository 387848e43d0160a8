package common

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ListFlags are the output flags every `ls` shares.
type ListFlags struct {
	Quiet, NoHeading bool
	Format           string
}

// Check refuses --quiet with --format, before the command does anything.
func (f ListFlags) Check() error {
	if f.Quiet && f.Format != "" {
		return fmt.Errorf("--quiet and --format cannot be used together: %w", define.ErrInvalidArg)
	}
	return nil
}

// WriteList prints an `ls` result: names, one per line, with --quiet;
// otherwise rows through Write, without the table's header row with
// --noheading (the columns keep the header's alignment).
func WriteList(w io.Writer, f ListFlags, names []string, defaultTable string, rows any, headers map[string]string) error {
	if f.Quiet {
		for _, n := range names {
			fmt.Fprintln(w, n)
		}
		return nil
	}
	if !f.NoHeading || IsJSON(f.Format) || f.Format != "" && !strings.HasPrefix(f.Format, "table") {
		return Write(w, f.Format, defaultTable, rows, headers)
	}
	var buf bytes.Buffer
	if err := Write(&buf, f.Format, defaultTable, rows, headers); err != nil {
		return err
	}
	_, body, _ := strings.Cut(buf.String(), "\n")
	_, err := io.WriteString(w, body)
	return err
}

// Names maps items to their names: for --quiet and for completion.
func Names[T any](items []T, name func(T) string) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, name(it))
	}
	return out
}
