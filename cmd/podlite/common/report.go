package common

import (
	"fmt"
	"io"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// ReportEach prints every error but the last on stderr and returns them
// all as one error that prints as the last, which the root command prints
// and exits on: a command over several objects reports each failure once
// and never stops at the first; its exit code depends on them all.
func ReportEach(stderr io.Writer, errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	for _, err := range errs[:len(errs)-1] {
		fmt.Fprintf(stderr, "Error: %v\n", err)
	}
	return &EachError{Errs: errs}
}

// EachError is the failures of a command over several objects, all printed
// but the last: it prints as the last one.
type EachError struct{ Errs []error }

func (e *EachError) Error() string   { return e.Errs[len(e.Errs)-1].Error() }
func (e *EachError) Unwrap() []error { return e.Errs }

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
