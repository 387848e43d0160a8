package filter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// Network reports whether a network passes a filter.
type Network func(n *network.Network) bool

// Networks turns `network ls|prune --filter KEY=VALUE` strings into one
// predicate:
//
//	name=REGEXP          the name matches (unanchored)
//	id=PREFIX            the ID starts with PREFIX
//	driver=NAME          the driver is NAME
//	label=KEY[=VALUE]    the label is set (to VALUE); label!= negates
//	until=TIME           created before TIME (a timestamp or a duration ago)
func Networks(filters []string) (Network, error) {
	all, err := compile("network", filters, networkFilter)
	if err != nil {
		return nil, err
	}
	return every[*network.Network](all), nil
}

// networkFilter builds the predicate for one filter key.
func networkFilter(key string, vals []string) (Network, error) {
	switch key {
	case "name":
		res, err := nameRegexps("network", vals)
		if err != nil {
			return nil, err
		}
		return func(n *network.Network) bool {
			return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(n.Name) })
		}, nil
	case "id":
		return anyValue(vals, func(n *network.Network, v string) bool { return strings.HasPrefix(n.ID, v) }), nil
	case "driver":
		return anyValue(vals, func(n *network.Network, v string) bool { return n.Driver == v }), nil
	case "label", "label!":
		want := key == "label"
		return func(n *network.Network) bool { return labelsHold(n.Labels, vals, want) }, nil
	case "until":
		times, err := parseTimes(vals)
		if err != nil {
			return nil, err
		}
		return func(n *network.Network) bool { return slices.ContainsFunc(times, n.Created.Before) }, nil
	}
	return nil, fmt.Errorf("network filter %q: unknown key; want name, id, driver, label, label! or until: %w", key, define.ErrInvalidArg)
}
