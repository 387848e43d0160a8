package events

import (
	"fmt"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Filter matches events against `--filter KEY=VALUE` lists as podman
// does: values of one key are alternatives, different keys must all match.
type Filter struct {
	byKey map[string][]string
}

// matchers are podman's event filter keys.
var matchers = map[string]func(e *Event, v string) bool{
	"container": func(e *Event, v string) bool { return e.Type == Container && nameOrID(e.Name, e.ID, v) },
	"event":     func(e *Event, v string) bool { return string(e.Status) == v },
	"status":    func(e *Event, v string) bool { return string(e.Status) == v },
	"image":     func(e *Event, v string) bool { return e.Type == Image && nameOrID(e.Name, e.ID, v) },
	"pod":       func(e *Event, v string) bool { return e.Type == Pod && nameOrID(e.Name, e.ID, v) },
	"volume":    func(e *Event, v string) bool { return e.Type == Volume && nameOrID(e.Name, e.ID, v) },
	"network":   func(e *Event, v string) bool { return e.Type == Network && nameOrID(e.Network, e.ID, v) },
	"type":      func(e *Event, v string) bool { return string(e.Type) == v },
	"label": func(e *Event, v string) bool {
		k, want, hasValue := strings.Cut(v, "=")
		got, ok := e.Attributes[k]
		return ok && (!hasValue || got == want)
	},
}

// nameOrID matches a full name or an ID prefix.
func nameOrID(name, id, v string) bool {
	return v != "" && (name == v || strings.HasPrefix(id, v))
}

// NewFilter parses KEY=VALUE filters.
func NewFilter(filters []string) (*Filter, error) {
	f := &Filter{byKey: map[string][]string{}}
	for _, kv := range filters {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, fmt.Errorf("%s is an invalid filter: %w", kv, define.ErrInvalidArg)
		}
		k = strings.ToLower(k)
		if matchers[k] == nil {
			return nil, fmt.Errorf("%s is an invalid filter: %w", kv, define.ErrInvalidArg)
		}
		f.byKey[k] = append(f.byKey[k], v)
	}
	return f, nil
}

// Match reports whether e passes every key.
func (f *Filter) Match(e *Event) bool {
	for k, values := range f.byKey {
		matched := false
		for _, v := range values {
			if matchers[k](e, v) {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}
