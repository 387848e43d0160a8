package libpod

import (
	"fmt"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// groupFilters parses --filter KEY=VALUE strings into the values of each
// key: values of one key are ORed, different keys ANDed, as in podman.
// what names the kind of object in errors ("image", "volume", ...).
func groupFilters(what string, filters []string) (map[string][]string, error) {
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
