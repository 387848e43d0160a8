package filter

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// Group parses --filter KEY=VALUE strings into the values of each key:
// values of one key are ORed, different keys ANDed, as in podman. what
// names the kind of object in errors ("image", "volume", ...).
func Group(what string, filters []string) (map[string][]string, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		key, val, ok := strings.Cut(f, "=")
		if !ok || key == "" {
			return nil, fmt.Errorf("%s filter %q: want KEY=VALUE: %w", what, f, define.ErrInvalidArg)
		}
		byKey[key] = append(byKey[key], val)
	}
	return byKey, nil
}

// hasKeyValue reports whether m has KEY, or KEY set to VALUE for "KEY=VALUE".
func hasKeyValue(m map[string]string, kv string) bool {
	k, want, hasValue := strings.Cut(kv, "=")
	got, ok := m[k]
	return ok && (!hasValue || got == want)
}

// parseTime reads an until= value: RFC 3339, Unix seconds, or a Go
// duration counted back from now.
func parseTime(val string) (time.Time, error) {
	if d, err := time.ParseDuration(val); err == nil {
		return time.Now().Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, val); err == nil {
		return t, nil
	}
	if secs, err := strconv.ParseInt(val, 10, 64); err == nil {
		return time.Unix(secs, 0), nil
	}
	return time.Time{}, fmt.Errorf("volume filter until=%s: want a duration, an RFC 3339 time or Unix seconds: %w", val, define.ErrInvalidArg)
}
