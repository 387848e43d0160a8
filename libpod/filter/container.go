package filter

import (
	"fmt"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Container reports whether a container, given its config and state,
// passes a filter.
type Container func(cfg *define.ContainerConfig, st *define.ContainerState) bool

// Containers turns `ps --filter KEY=VALUE` strings into one predicate:
//
//	name=TEXT            the name contains TEXT
//	id=PREFIX            the ID starts with PREFIX
//	status=STATUS        the status is STATUS (created, running, exited, ...)
//	label=KEY[=VALUE]    the label is set (to VALUE)
//
// Filters of the same key are ORed, different keys ANDed, as in podman.
func Containers(filters []string) (Container, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, fmt.Errorf("invalid filter %q: want KEY=VALUE: %w", f, define.ErrInvalidArg)
		}
		switch k {
		case "name", "id", "label", "status":
		default:
			return nil, fmt.Errorf("invalid filter %q: unknown key %q: %w", f, k, define.ErrInvalidArg)
		}
		if k == "status" {
			if _, err := define.ParseStatus(v); err != nil {
				return nil, err
			}
		}
		byKey[k] = append(byKey[k], v)
	}
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		for k, vals := range byKey {
			if !anyContainerMatch(cfg, st, k, vals) {
				return false
			}
		}
		return true
	}, nil
}

func anyContainerMatch(cfg *define.ContainerConfig, st *define.ContainerState, key string, vals []string) bool {
	for _, v := range vals {
		switch key {
		case "name":
			if strings.Contains(cfg.Name, v) {
				return true
			}
		case "id":
			if strings.HasPrefix(cfg.ID, v) {
				return true
			}
		case "status":
			if s, _ := define.ParseStatus(v); s == st.Status {
				return true
			}
		case "label":
			if hasKeyValue(cfg.Labels, v) {
				return true
			}
		}
	}
	return false
}
