package spec

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// checkOOMScoreAdj refuses a value the kernel would refuse at start: out
// of range, or below podlite's own when podlite lacks CAP_SYS_RESOURCE
// (lowering it needs that capability, even as root).
func checkOOMScoreAdj(v *int) error {
	if v == nil {
		return nil
	}
	if *v < -1000 || *v > 1000 {
		return badFlag("--oom-score-adj", strconv.Itoa(*v), "must be between -1000 and 1000", define.ErrInvalidArg)
	}
	b, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		return fmt.Errorf("reading podlite's oom_score_adj: %w", err)
	}
	own, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("reading podlite's oom_score_adj: %w", err)
	}
	if *v < own && !canRaiseRlimits() {
		return fmt.Errorf("--oom-score-adj %d is below podlite's own %d, which only a caller with CAP_SYS_RESOURCE may go under: %w", *v, own, define.ErrInvalidArg)
	}
	return nil
}

// namespacedSysctls are the kernel.* keys a container's own namespaces
// cover, as podman allows them; net.* and fs.mqueue.* are allowed too.
var namespacedSysctls = []string{
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
	"kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "kernel.domainname", "kernel.hostname",
}

// parseSysctls reads --sysctl KEY=VALUE with podman's checks: namespaced
// keys only, and none of a namespace shared with the host.
func parseSysctls(values []string, netHost bool, uts, ipc string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, s := range values {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%s is invalid, sysctl values must be in the form of KEY=VALUE: %w", s, define.ErrInvalidArg)
		}
		net, mq := strings.HasPrefix(k, "net."), strings.HasPrefix(k, "fs.mqueue.")
		if !net && !mq && !slices.Contains(namespacedSysctls, k) {
			return nil, fmt.Errorf("sysctl '%s' is not allowed: %w", k, define.ErrInvalidArg)
		}
		var host string
		switch {
		case net && netHost:
			host = "Network"
		case mq && ipc == NSHost:
			host = "IPC"
		case (k == "kernel.domainname" || k == "kernel.hostname") && uts == NSHost:
			host = "UTS"
		}
		if host != "" {
			return nil, fmt.Errorf("sysctl %s=%s can't be set since %s Namespace set to host: %w", k, v, host, define.ErrInvalidArg)
		}
		out[k] = v
	}
	return out, nil
}

// parseUmask reads --umask, an octal mask of at most 0777.
func parseUmask(s string) (*uint32, error) {
	if s == "" {
		return nil, nil
	}
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return nil, fmt.Errorf("invalid umask string %s: %w", s, define.ErrInvalidArg)
	}
	u := uint32(v)
	return &u, nil
}

// parsePersonality reads --personality: LINUX or LINUX32.
func parsePersonality(s string) (*specs.LinuxPersonality, error) {
	switch d := specs.LinuxPersonalityDomain(strings.ToUpper(s)); d {
	case "":
		return nil, nil
	case specs.PerLinux, specs.PerLinux32:
		return &specs.LinuxPersonality{Domain: d}, nil
	}
	return nil, badFlag("--personality", s, "use LINUX or LINUX32", define.ErrInvalidArg)
}
