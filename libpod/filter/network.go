package filter

import (
	"fmt"
	"regexp"
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
func Networks(filters []string) (Network, error) {
	byKey, err := Group("network", filters)
	if err != nil {
		return nil, err
	}
	var all []Network
	for key, vals := range byKey {
		m, err := networkFilter(key, vals)
		if err != nil {
			return nil, err
		}
		all = append(all, m)
	}
	return func(n *network.Network) bool {
		for _, m := range all {
			if !m(n) {
				return false
			}
		}
		return true
	}, nil
}

// networkFilter builds the predicate for one filter key.
func networkFilter(key string, vals []string) (Network, error) {
	anyVal := func(match func(n *network.Network, val string) bool) Network {
		return func(n *network.Network) bool {
			for _, v := range vals {
				if match(n, v) {
					return true
				}
			}
			return false
		}
	}
	switch key {
	case "name":
		res := make([]*regexp.Regexp, 0, len(vals))
		for _, val := range vals {
			re, err := regexp.Compile(val)
			if err != nil {
				return nil, fmt.Errorf("network filter name=%s: %v: %w", val, err, define.ErrInvalidArg)
			}
			res = append(res, re)
		}
		return func(n *network.Network) bool {
			for _, re := range res {
				if re.MatchString(n.Name) {
					return true
				}
			}
			return false
		}, nil
	case "id":
		return anyVal(func(n *network.Network, v string) bool { return strings.HasPrefix(n.ID, v) }), nil
	case "driver":
		return anyVal(func(n *network.Network, v string) bool { return n.Driver == v }), nil
	case "label", "label!":
		want := key == "label"
		return func(n *network.Network) bool {
			for _, v := range vals {
				if hasKeyValue(n.Labels, v) != want {
					return false
				}
			}
			return true
		}, nil
	}
	return nil, fmt.Errorf("network filter %q: unknown key; want name, id, driver, label or label!: %w", key, define.ErrInvalidArg)
}
