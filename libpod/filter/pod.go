package filter

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// PodEntry is what pod filters see of a pod: its own fields and its
// containers', the infra included.
type PodEntry struct {
	ID, Name string
	// Status is the pod's, as `pod ps` shows it (Running, Degraded, ...).
	Status     string
	Labels     map[string]string
	Created    time.Time
	Networks   []string
	Containers []PodMember
}

// PodMember is one container of a PodEntry.
type PodMember struct {
	ID, Name string
	Status   define.ContainerStatus
}

// Pod reports whether a pod passes a filter.
type Pod func(p *PodEntry) bool

// PodKeys are the `pod ps --filter` keys, podman's.
var PodKeys = []string{"ctr-ids", "ctr-names", "ctr-number", "ctr-status", "id", "label", "label!", "name",
	"network", "status", "until"}

// podStatuses and memberStatuses are the values podman takes for status=
// and ctr-status=.
var (
	podStatuses    = []string{"stopped", "running", "paused", "exited", "dead", "created", "degraded"}
	memberStatuses = []string{"created", "running", "paused", "stopped", "exited", "unknown"}
)

// Pods turns `pod ps --filter KEY=VALUE` strings into one predicate, with
// podman's keys (PodKeys) and meanings: values of one key are ORed (label=
// and label!= ANDed), different keys ANDed. IDs match by prefix, or as a
// regular expression when not hexadecimal; names match unanchored regular
// expressions. look resolves network names.
func Pods(filters []string, look Lookups) (Pod, error) {
	preds, err := compile("pod", filters, func(key string, vals []string) (Pod, error) {
		return podFilter(key, vals, look)
	})
	if err != nil {
		return nil, err
	}
	return every[*PodEntry](preds), nil
}

// podFilter builds the predicate of one pod filter key. Podman's own
// messages are printed as podman prints them (scripts match them whole).
func podFilter(key string, vals []string, look Lookups) (Pod, error) {
	switch key {
	case "id":
		return func(p *PodEntry) bool { return idMatches(p.ID, vals) }, nil
	case "ctr-ids":
		return anyMember(func(c PodMember) bool { return idMatches(c.ID, vals) }), nil
	case "name", "ctr-names":
		res, err := nameRegexps("pod", vals)
		if err != nil {
			return nil, err
		}
		match := func(s string) bool {
			return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
		}
		if key == "name" {
			return func(p *PodEntry) bool { return match(p.Name) }, nil
		}
		return anyMember(func(c PodMember) bool { return match(c.Name) }), nil
	case "ctr-number":
		return memberCount(vals)
	case "ctr-status":
		return memberStatus(vals)
	case "status":
		for _, v := range vals {
			if !slices.Contains(podStatuses, v) {
				return nil, define.Worded(define.ErrInvalidArg, v+" is not a valid pod status")
			}
		}
		return func(p *PodEntry) bool { return slices.Contains(vals, strings.ToLower(p.Status)) }, nil
	case "label", "label!":
		want := key == "label"
		return func(p *PodEntry) bool { return labelsHold(p.Labels, vals, want) }, nil
	case "until":
		until, err := parseTime(vals[len(vals)-1])
		if err != nil {
			return nil, err
		}
		return func(p *PodEntry) bool { return p.Created.Before(until) }, nil
	case "network":
		var names []string
		for _, v := range vals {
			if look.NetworkExists(v) {
				names = append(names, v)
			}
		}
		return func(p *PodEntry) bool {
			return slices.ContainsFunc(p.Networks, func(n string) bool { return slices.Contains(names, n) })
		}, nil
	}
	return nil, define.Worded(define.ErrInvalidArg, key+" is an invalid filter")
}

// notHex matches a value that is no ID prefix: podman then takes it as a
// regular expression.
var notHex = regexp.MustCompile(`[^0-9a-fA-F]`)

// idMatches is podman's ID filter: a hexadecimal value matches as a
// prefix, any other as an unanchored regular expression.
func idMatches(id string, vals []string) bool {
	for _, v := range vals {
		if notHex.MatchString(v) {
			if ok, err := regexp.MatchString(v, id); err == nil && ok {
				return true
			}
		} else if strings.HasPrefix(id, strings.ToLower(v)) {
			return true
		}
	}
	return false
}

// anyMember holds for a pod one of whose containers match.
func anyMember(match func(PodMember) bool) Pod {
	return func(p *PodEntry) bool { return slices.ContainsFunc(p.Containers, match) }
}

// memberCount: ctr-number=N holds for a pod of N containers, its infra
// counted.
func memberCount(vals []string) (Pod, error) {
	counts := make([]int, 0, len(vals))
	for _, v := range vals {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("pod filter ctr-number=%s: want a number of containers: %w", v, define.ErrInvalidArg)
		}
		counts = append(counts, n)
	}
	return func(p *PodEntry) bool { return slices.Contains(counts, len(p.Containers)) }, nil
}

// memberStatus: ctr-status=STATUS holds for a pod with a container in
// that status (stopped is exited, as in podman).
func memberStatus(vals []string) (Pod, error) {
	want := make([]string, 0, len(vals))
	for _, v := range vals {
		if !slices.Contains(memberStatuses, v) {
			return nil, define.Worded(define.ErrInvalidArg, v+" is not a valid status")
		}
		if v == "stopped" {
			v = "exited"
		}
		want = append(want, v)
	}
	return anyMember(func(c PodMember) bool {
		s := c.Status.String()
		if c.Status == define.StatusInitialized {
			s = "created"
		}
		return slices.Contains(want, s)
	}), nil
}
