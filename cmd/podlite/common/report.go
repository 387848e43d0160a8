package common

import (
	"fmt"
	"io"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ReportEach prints every error but the last on stderr and returns the
// last, which the root command prints and exits 125 on: a command over
// several objects reports each failure once and never stops at the first.
func ReportEach(stderr io.Writer, errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintf(stderr, "Error: %v\n", err)
	}
	return errs[len(errs)-1]
}

// KeyValues turns repeated KEY=VALUE flags into a map; a bare KEY maps to "".
func KeyValues(flag string, values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(values))
	for _, kv := range values {
		k, v, _ := strings.Cut(kv, "=")
		if k == "" {
			return nil, fmt.Errorf("--%s %q: want KEY=VALUE: %w", flag, kv, define.ErrInvalidArg)
		}
		m[k] = v
	}
	return m, nil
}
