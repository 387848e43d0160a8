package pods

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// DefaultShare is what a pod's containers share with its infra unless
// --share says otherwise (podman's default).
var DefaultShare = []string{define.ShareIPC, define.ShareNet, define.ShareUTS}

var known = []string{define.ShareCgroup, define.ShareIPC, define.ShareNet, define.SharePID, define.ShareUTS}

// ParseShare reads --share as podman does: a comma-separated list of
// namespaces replaces the default, a list starting with "+" adds to it,
// and "none" shares nothing. The result is sorted and without repeats.
func ParseShare(values []string, set bool) ([]string, error) {
	if !set {
		return slices.Clone(DefaultShare), nil
	}
	v := strings.Join(values, ",")
	var out []string
	if rest, ok := strings.CutPrefix(v, "+"); ok {
		out, v = slices.Clone(DefaultShare), rest
	}
	if v == "none" {
		if out != nil {
			return nil, fmt.Errorf("--share +none: none cannot be added to the default: %w", define.ErrInvalidArg)
		}
		return []string{}, nil
	}
	for _, ns := range strings.Split(v, ",") {
		ns = strings.TrimSpace(ns)
		if !slices.Contains(known, ns) {
			return nil, fmt.Errorf("invalid kernel namespace to share: %s. Options are: cgroup, ipc, net, pid, uts or none: %w", ns, define.ErrInvalidArg)
		}
		out = append(out, ns)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// CheckExitPolicy checks --exit-policy ("" is podman's default, continue).
func CheckExitPolicy(p string) (string, error) {
	switch p {
	case "":
		return define.PodExitContinue, nil
	case define.PodExitContinue, define.PodExitStop:
		return p, nil
	}
	return "", fmt.Errorf("invalid pod exit policy: %q: %w", p, define.ErrInvalidArg)
}

// InfraName is the infra container's name: --infra-name, or podman's
// default, the pod ID's first 12 characters and "-infra".
func InfraName(podID, flag string) string {
	if flag != "" {
		return flag
	}
	return podID[:min(12, len(podID))] + "-infra"
}

// Shares reports whether the pod's containers share namespace ns.
func Shares(cfg *define.PodConfig, ns string) bool {
	return cfg.Infra && slices.Contains(cfg.Share, ns)
}

// MemberNamespaces are the namespace flag values (--ipc, --uts, --pid,
// --cgroupns; --network apart) that make a container of the pod join its
// infra's namespaces, keyed by the namespace's share name.
func MemberNamespaces(cfg *define.PodConfig, infraID string) map[string]string {
	out := map[string]string{}
	for _, ns := range cfg.Share {
		if cfg.Infra && ns != define.ShareNet {
			out[ns] = "container:" + infraID
		}
	}
	return out
}
