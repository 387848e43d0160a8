package filter

import (
	"fmt"
	"strconv"

	"github.com/podlite/podlite/libpod/define"
)

// Volume reports whether a volume passes a filter; inUse says whether any
// container uses it.
type Volume func(v *define.Volume, inUse bool) bool

// Volumes turns `volume ls|prune --filter KEY=VALUE` strings into
// one predicate, with podman's semantics: different keys must all match;
// several values of one key match if any does, except label and label!,
// which must all hold.
//
//	name=REGEXP          the name matches (unanchored)
//	label=KEY[=VALUE]    the label is set (to VALUE); label!= negates
//	opt=KEY[=VALUE]      the driver option is set (to VALUE)
//	driver=NAME, scope=local
//	dangling=true|false  no container uses the volume (or one does)
//	until=TIME           created before TIME: RFC 3339, Unix seconds, or a
//	                     duration back from now (24h)
func Volumes(filters []string) (Volume, error) {
	all, err := compile("volume", filters, volumeFilter)
	if err != nil {
		return nil, err
	}
	return func(v *define.Volume, inUse bool) bool {
		for _, m := range all {
			if !m(v, inUse) {
				return false
			}
		}
		return true
	}, nil
}

// volumeFilter builds the predicate for one filter key.
func volumeFilter(key string, vals []string) (Volume, error) {
	switch key {
	case "name":
		res, err := nameRegexps("volume", vals)
		if err != nil {
			return nil, err
		}
		return anyOf(vals, func(v *define.Volume, i int) bool { return res[i].MatchString(v.Name) }), nil
	case "label", "label!":
		want := key == "label"
		return func(v *define.Volume, _ bool) bool { return labelsHold(v.Labels, vals, want) }, nil
	case "opt":
		return anyOf(vals, func(v *define.Volume, i int) bool { return hasKeyValue(v.Options, vals[i]) }), nil
	case "driver":
		return anyOf(vals, func(v *define.Volume, i int) bool { return v.Driver == vals[i] }), nil
	case "scope":
		return anyOf(vals, func(_ *define.Volume, i int) bool { return vals[i] == "local" }), nil
	case "dangling":
		dangling := make([]bool, len(vals))
		for i, val := range vals {
			b, err := strconv.ParseBool(val)
			if err != nil {
				return nil, fmt.Errorf("volume filter dangling=%s: want true or false: %w", val, define.ErrInvalidArg)
			}
			dangling[i] = b
		}
		return func(_ *define.Volume, inUse bool) bool {
			for _, d := range dangling {
				if d != inUse {
					return true
				}
			}
			return false
		}, nil
	case "until":
		times, err := parseTimes(vals)
		if err != nil {
			return nil, err
		}
		return anyOf(vals, func(v *define.Volume, i int) bool { return v.CreatedAt.Before(times[i]) }), nil
	}
	return nil, fmt.Errorf("volume filter %q: unknown key; want name, label, label!, opt, driver, scope, dangling or until: %w", key, define.ErrInvalidArg)
}

// anyOf matches when match holds for the volume and any of the values' indices.
func anyOf(vals []string, match func(v *define.Volume, i int) bool) Volume {
	return func(v *define.Volume, _ bool) bool {
		for i := range vals {
			if match(v, i) {
				return true
			}
		}
		return false
	}
}
