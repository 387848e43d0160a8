package filter

import (
	"fmt"
	"regexp"
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

// compile groups filters by key (see Group) and builds one predicate per
// key with build.
func compile[P any](what string, filters []string, build func(key string, vals []string) (P, error)) ([]P, error) {
	byKey, err := Group(what, filters)
	if err != nil {
		return nil, err
	}
	all := make([]P, 0, len(byKey))
	for key, vals := range byKey {
		p, err := build(key, vals)
		if err != nil {
			return nil, err
		}
		all = append(all, p)
	}
	return all, nil
}

// every is the predicate that holds when each of preds does.
func every[T any, P ~func(T) bool](preds []P) P {
	return func(x T) bool {
		for _, p := range preds {
			if !p(x) {
				return false
			}
		}
		return true
	}
}

// anyValue is the predicate that holds when match does for one of vals.
func anyValue[T any](vals []string, match func(x T, val string) bool) func(T) bool {
	return func(x T) bool {
		for _, v := range vals {
			if match(x, v) {
				return true
			}
		}
		return false
	}
}

// nameRegexps compiles name=REGEXP values; what names the kind of object
// in errors.
func nameRegexps(what string, vals []string) ([]*regexp.Regexp, error) {
	res := make([]*regexp.Regexp, 0, len(vals))
	for _, val := range vals {
		re, err := regexp.Compile(val)
		if err != nil {
			return nil, fmt.Errorf("%s filter name=%s: %v: %w", what, val, err, define.ErrInvalidArg)
		}
		res = append(res, re)
	}
	return res, nil
}

// labelsHold reports whether labels has every KEY[=VALUE] of vals (want)
// or none of them (!want, for label!=).
func labelsHold(labels map[string]string, vals []string, want bool) bool {
	for _, v := range vals {
		if hasKeyValue(labels, v) != want {
			return false
		}
	}
	return true
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
	return time.Time{}, fmt.Errorf("filter until=%s: want a duration, an RFC 3339 time or Unix seconds: %w", val, define.ErrInvalidArg)
}

// parseTimes parses until=/since= values (see parseTime).
func parseTimes(vals []string) ([]time.Time, error) {
	times := make([]time.Time, len(vals))
	for i, val := range vals {
		t, err := parseTime(val)
		if err != nil {
			return nil, err
		}
		times[i] = t
	}
	return times, nil
}
