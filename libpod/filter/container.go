package filter

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// Container reports whether a container, given its config and state,
// passes a filter.
type Container func(cfg *define.ContainerConfig, st *define.ContainerState) bool

// Lookups answers what container filters need to know about other
// objects (the runtime implements it).
type Lookups interface {
	// ContainerCreated is the creation time of container nameOrID.
	ContainerCreated(nameOrID string) (time.Time, error)
	// ImageID resolves an image name or ID.
	ImageID(nameOrID string) (string, error)
	// PodID resolves a pod's name or ID prefix to its ID.
	PodID(nameOrID string) (string, error)
	// NetworkExists reports whether network name exists.
	NetworkExists(name string) bool
	// ContainerNetworks names the networks a container is on.
	ContainerNetworks(cfg *define.ContainerConfig, st *define.ContainerState) []string
	// ContainerHealth is a running container's health (starting, healthy
	// or unhealthy), "" without a health check or when it does not run.
	ContainerHealth(cfg *define.ContainerConfig, st *define.ContainerState) string
}

// ContainerKeys are the `ps --filter` keys, podman's.
var ContainerKeys = []string{"ancestor", "before", "command", "exited", "health", "id", "label", "label!", "name",
	"network", "pod", "restart-policy", "should-start-on-boot", "since", "status", "until", "volume"}

// PruneKeys are the keys `container prune` and `system prune` take,
// podman's.
var PruneKeys = []string{"label", "label!", "until"}

// PruneContainers is Containers limited to PruneKeys; another key gets
// podman's message.
func PruneContainers(filters []string, look Lookups) (Container, error) {
	for _, f := range filters {
		if k, _, _ := strings.Cut(f, "="); !slices.Contains(PruneKeys, k) {
			return nil, define.Worded(define.ErrInvalidArg, k+" is an invalid filter")
		}
	}
	return Containers(filters, look)
}

// HasKey reports whether filters has one of key.
func HasKey(filters []string, key string) bool {
	for _, f := range filters {
		if k, _, _ := strings.Cut(f, "="); k == key {
			return true
		}
	}
	return false
}

// Containers turns `ps --filter KEY=VALUE` strings into one predicate,
// with podman's keys and meanings (ContainerKeys): values of one key are
// ORed (label= and label!= ANDed), different keys ANDed.
func Containers(filters []string, look Lookups) (Container, error) {
	preds, err := compile("container", filters, func(key string, vals []string) (Container, error) {
		return containerKey(key, vals, look)
	})
	if err != nil {
		return nil, err
	}
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		for _, p := range preds {
			if !p(cfg, st) {
				return false
			}
		}
		return true
	}, nil
}

// containerKey builds the predicate of one key.
func containerKey(key string, vals []string, look Lookups) (Container, error) {
	switch key {
	case "id":
		return anyValueOf(vals, func(cfg *define.ContainerConfig, _ *define.ContainerState, v string) bool {
			return strings.HasPrefix(cfg.ID, v)
		}), nil
	case "name", "command":
		return regexpKey(key, vals)
	case "label", "label!":
		want := key == "label"
		return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
			return labelsHold(cfg.Labels, vals, want)
		}, nil
	case "status":
		return statusKey(vals)
	case "exited":
		return exitedKey(vals)
	case "ancestor":
		return ancestorKey(vals, look), nil
	case "before", "since":
		return createdKey(key, vals, look)
	case "until":
		until, err := parseTime(vals[len(vals)-1])
		if err != nil {
			return nil, err
		}
		return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool { return cfg.CreatedAt.Before(until) }, nil
	case "volume":
		return anyValueOf(vals, usesVolume), nil
	case "health":
		return healthKey(vals, look)
	case "pod":
		return podKey(vals, look)
	case "network":
		return networkKey(vals, look), nil
	case "restart-policy":
		return restartKey(vals)
	case "should-start-on-boot":
		return bootKey(vals)
	}
	return nil, fmt.Errorf("%s is an invalid filter: %w", key, define.ErrInvalidArg)
}

// anyValueOf is the predicate that holds when match does for one of vals.
func anyValueOf(vals []string, match func(*define.ContainerConfig, *define.ContainerState, string) bool) Container {
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		for _, v := range vals {
			if match(cfg, st, v) {
				return true
			}
		}
		return false
	}
}

// regexpKey matches the name (a leading "/" dropped, as docker spells
// names) or the command's first word against regular expressions.
func regexpKey(key string, vals []string) (Container, error) {
	res := make([]*regexp.Regexp, 0, len(vals))
	for _, v := range vals {
		if key == "name" {
			v = strings.ReplaceAll(v, "/", "")
		}
		re, err := regexp.Compile(v)
		if err != nil {
			return nil, fmt.Errorf("container filter %s=%s: %v: %w", key, v, err, define.ErrInvalidArg)
		}
		res = append(res, re)
	}
	return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
		s := cfg.Name
		if key == "command" {
			s = ""
			if len(cfg.Command) > 0 {
				s = cfg.Command[0]
			}
		}
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(s) })
	}, nil
}

func statusKey(vals []string) (Container, error) {
	want := make([]define.ContainerStatus, 0, len(vals))
	for _, v := range vals {
		s, err := define.ParseStatus(v)
		if err != nil {
			return nil, err
		}
		want = append(want, s)
	}
	return func(_ *define.ContainerConfig, st *define.ContainerState) bool {
		return slices.Contains(want, st.Status)
	}, nil
}

func exitedKey(vals []string) (Container, error) {
	codes := make([]int, 0, len(vals))
	for _, v := range vals {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("exited code out of range %q: %w", v, define.ErrInvalidArg)
		}
		codes = append(codes, int(n))
	}
	return func(_ *define.ContainerConfig, st *define.ContainerState) bool {
		return st.Status == define.StatusExited && slices.Contains(codes, st.ExitCode)
	}, nil
}

// ancestorKey matches containers made from an image: a name resolves to
// its ID, anything else is matched as (part of) an ID.
func ancestorKey(vals []string, look Lookups) Container {
	ids := make([]string, 0, len(vals))
	for _, v := range vals {
		if id, err := look.ImageID(v); err == nil {
			v = id
		}
		ids = append(ids, strings.TrimPrefix(v, "sha256:"))
	}
	return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
		return cfg.ImageID != "" && slices.ContainsFunc(ids, func(id string) bool { return strings.Contains(cfg.ImageID, id) })
	}
}

// createdKey: before= and since= a container, the earliest named.
func createdKey(key string, vals []string, look Lookups) (Container, error) {
	var at time.Time
	for _, v := range vals {
		t, err := look.ContainerCreated(v)
		if err != nil {
			return nil, err
		}
		if at.IsZero() || t.Before(at) {
			at = t
		}
	}
	return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
		if key == "before" {
			return cfg.CreatedAt.Before(at)
		}
		return cfg.CreatedAt.After(at)
	}, nil
}

// usesVolume matches volume=NAME, volume=DEST (a mount's destination) and
// volume=SOURCE:DEST (a named volume or a bind's source, and where).
func usesVolume(cfg *define.ContainerConfig, _ *define.ContainerState, v string) bool {
	src, dest, hasDest := strings.Cut(v, ":")
	named := slices.Contains(cfg.Volumes, src) || slices.Contains(cfg.AnonymousVolumes, src)
	if !hasDest && named {
		return true
	}
	if cfg.Spec == nil {
		return false
	}
	for _, m := range cfg.Spec.Mounts {
		if !hasDest && m.Destination == src || hasDest && m.Destination == dest && (named || m.Source == src) {
			return true
		}
	}
	return false
}

// healthKey matches containers by health: starting, healthy, unhealthy,
// or none (no health check, as podman: a running container without one).
func healthKey(vals []string, look Lookups) (Container, error) {
	for _, v := range vals {
		switch v {
		case "starting", "healthy", "unhealthy", "none":
		default:
			return nil, fmt.Errorf("%q is not a valid health status: %w", v, define.ErrInvalidArg)
		}
	}
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		h := look.ContainerHealth(cfg, st)
		if h == "" {
			h = "none"
		}
		return slices.Contains(vals, h)
	}, nil
}

// networkKey matches containers on one of the named networks; a network
// that does not exist matches nothing, as in podman.
func networkKey(vals []string, look Lookups) Container {
	var names []string
	for _, v := range vals {
		if look.NetworkExists(v) {
			names = append(names, v)
		}
	}
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		return slices.ContainsFunc(look.ContainerNetworks(cfg, st), func(n string) bool { return slices.Contains(names, n) })
	}
}

var restartPolicies = []string{"", "no", "none", "on-failure", "always", "unless-stopped"}

func restartKey(vals []string) (Container, error) {
	var bad []string
	for _, v := range vals {
		if !slices.Contains(restartPolicies, v) {
			bad = append(bad, v)
		}
	}
	if len(bad) > 0 {
		what := "invalid restart policy"
		if len(bad) > 1 {
			what = "invalid restart policies"
		}
		return nil, fmt.Errorf("%s %s: %w", strings.Join(bad, ", "), what, define.ErrInvalidArg)
	}
	return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
		policy := cfg.RestartPolicy.Name
		if policy == "" || policy == "no" {
			return slices.Contains(vals, "no") || slices.Contains(vals, "none") || slices.Contains(vals, "")
		}
		return slices.Contains(vals, policy)
	}, nil
}

// bootKey: should-start-on-boot=true holds for containers whose restart
// policy starts them again after a reboot (always, unless-stopped).
func bootKey(vals []string) (Container, error) {
	want, err := strconv.ParseBool(vals[len(vals)-1])
	if err != nil {
		return nil, fmt.Errorf("should-start-on-boot=%s: %w", vals[len(vals)-1], errors.Join(err, define.ErrInvalidArg))
	}
	return func(cfg *define.ContainerConfig, st *define.ContainerState) bool {
		p := cfg.RestartPolicy.Name
		boots := p == "always" || p == "unless-stopped" && !st.StoppedByUser
		return boots == want
	}, nil
}

// podKey matches the containers of the pods vals name; as in podman, a
// pod that does not exist matches nothing.
func podKey(vals []string, look Lookups) (Container, error) {
	var ids []string
	for _, v := range vals {
		id, err := look.PodID(v)
		switch {
		case errors.Is(err, define.ErrNotFound):
			continue
		case err != nil:
			return nil, err
		}
		ids = append(ids, id)
	}
	return func(cfg *define.ContainerConfig, _ *define.ContainerState) bool {
		return cfg.Pod != "" && slices.Contains(ids, cfg.Pod)
	}, nil
}
