package spec

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// rlimitTypes maps OCI rlimit names to their resource numbers.
var rlimitTypes = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// RlimitResource returns the resource number of an OCI rlimit name
// ("RLIMIT_NOFILE").
func RlimitResource(name string) (int, bool) {
	r, ok := rlimitTypes[name]
	return r, ok
}

// withRlimits gives the container podlite's own hard limits for open files
// and processes (soft raised to hard), then the user's --ulimit values. It
// never sets a limit above the caller's hard limit: without
// CAP_SYS_RESOURCE that would fail at start, and podman's fixed defaults
// (nofile=1048576) do exactly that on hosts with lower limits.
func withRlimits(g *generate.Generator, o *Options) error {
	g.ClearProcessRlimits()
	for _, name := range []string{"RLIMIT_NOFILE", "RLIMIT_NPROC"} {
		var lim unix.Rlimit
		if err := unix.Getrlimit(rlimitTypes[name], &lim); err != nil {
			return fmt.Errorf("reading podlite's %s: %w", name, err)
		}
		g.AddProcessRlimits(name, lim.Max, lim.Max)
	}
	for _, u := range o.Ulimits {
		if err := CheckUlimit(u); err != nil {
			return err
		}
		g.RemoveProcessRlimits(u.Type)
		g.AddProcessRlimits(u.Type, u.Hard, u.Soft)
	}
	return nil
}

// CheckUlimit refuses a limit above podlite's hard limit when podlite
// cannot raise it (no CAP_SYS_RESOURCE): the start would fail.
func CheckUlimit(u specs.POSIXRlimit) error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(rlimitTypes[u.Type], &lim); err == nil && u.Hard > lim.Max && !canRaiseRlimits() {
		return fmt.Errorf("ulimit %s=%d exceeds podlite's hard limit %d: %w", u.Type, u.Hard, lim.Max, define.ErrInvalidArg)
	}
	return nil
}

// ParseUlimit parses --ulimit NAME=SOFT[:HARD] ("nofile=1024:2048", "nproc=-1").
func ParseUlimit(s string) (specs.POSIXRlimit, error) {
	name, val, ok := strings.Cut(s, "=")
	if !ok {
		return specs.POSIXRlimit{}, fmt.Errorf("invalid ulimit %q: want NAME=SOFT[:HARD]: %w", s, define.ErrInvalidArg)
	}
	typ := "RLIMIT_" + strings.ToUpper(name)
	if _, ok := rlimitTypes[typ]; !ok {
		return specs.POSIXRlimit{}, fmt.Errorf("invalid ulimit %q: unknown limit %q: %w", s, name, define.ErrInvalidArg)
	}
	softS, hardS, hasHard := strings.Cut(val, ":")
	soft, err := parseLimit(softS)
	if err != nil {
		return specs.POSIXRlimit{}, fmt.Errorf("invalid ulimit %q: %w", s, err)
	}
	hard := soft
	if hasHard {
		if hard, err = parseLimit(hardS); err != nil {
			return specs.POSIXRlimit{}, fmt.Errorf("invalid ulimit %q: %w", s, err)
		}
	}
	if soft > hard {
		return specs.POSIXRlimit{}, fmt.Errorf("invalid ulimit %q: soft limit above hard limit: %w", s, define.ErrInvalidArg)
	}
	return specs.POSIXRlimit{Type: typ, Soft: soft, Hard: hard}, nil
}

func parseLimit(s string) (uint64, error) {
	if s == "-1" || s == "unlimited" {
		return unix.RLIM_INFINITY, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number: %w", s, define.ErrInvalidArg)
	}
	return v, nil
}

// canRaiseRlimits reports whether podlite holds CAP_SYS_RESOURCE, without
// which no limit can be raised above the current hard limit (even as root).
func canRaiseRlimits() bool {
	caps, err := capability.NewPid2(0)
	if err != nil || caps.Load() != nil {
		return false
	}
	return caps.Get(capability.EFFECTIVE, capability.CAP_SYS_RESOURCE)
}
