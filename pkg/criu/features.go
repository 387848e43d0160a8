package criu

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"

	"github.com/podlite/podlite/libpod/define"
)

// Feature is a kernel or CRIU capability, named as `criu check --feature`
// names it.
type Feature string

// The features podlite asks about, each with what needs it.
const (
	// MemDirtyTrack is soft-dirty memory tracking, which pre-dump and
	// iterative migration need. Kernels built without
	// CONFIG_MEM_SOFT_DIRTY lack it.
	MemDirtyTrack Feature = "mem_dirty_track"
	// LazyPages is non-cooperative userfaultfd, which restore with lazy
	// pages (post-copy migration) needs.
	LazyPages Feature = "uffd-noncoop"
	// TCPHalfClosed lets established TCP connections that one side has
	// shut down be dumped; plain `criu check` covers TCP repair itself.
	TCPHalfClosed Feature = "tcp_half_closed"
	// TimeNamespace is needed to restore a container's monotonic clocks.
	TimeNamespace Feature = "timens"
	// PidfdStore lets iterative dumps detect PID reuse.
	PidfdStore Feature = "pidfd_store"
	// NetworkLockNftables locks a container's network during dump with
	// nftables rather than iptables.
	NetworkLockNftables Feature = "network_lock_nftables"
	// SeccompSuspend lets criu suspend seccomp while it dumps a process
	// that podlite's default profile confines.
	SeccompSuspend Feature = "seccomp_suspend"
	// SeccompFilters lets criu read a process's seccomp filters, to
	// restore them.
	SeccompFilters Feature = "seccomp_filters"
	// CgroupNamespace is needed for containers with a private cgroup
	// namespace.
	CgroupNamespace Feature = "cgroupns"
	// ExternalNetNamespace lets a restored container join a network
	// namespace prepared by podlite (the CNI netns) instead of a new one.
	ExternalNetNamespace Feature = "external_net_ns"
)

// KnownFeatures lists every Feature that Features probes, in a fixed order.
var KnownFeatures = []Feature{
	MemDirtyTrack, LazyPages, TCPHalfClosed, TimeNamespace, PidfdStore,
	NetworkLockNftables, SeccompSuspend, SeccompFilters, CgroupNamespace,
	ExternalNetNamespace,
}

// Features reports, for each of KnownFeatures, whether the installed criu
// can use it on this kernel. A feature the kernel or an older criu lacks is
// false, not an error. It fails, wrapping define.ErrNotSupported, when criu
// is missing or lacks the privileges to look (root or CAP_CHECKPOINT_RESTORE).
func Features() (map[Feature]bool, error) {
	return featuresOf(binary, KnownFeatures)
}

// SupportsPreDump reports whether pre-dump can work here: it needs
// soft-dirty memory tracking, which some kernels are built without.
func SupportsPreDump() (bool, error) {
	return featureOf(binary, MemDirtyTrack)
}

// featuresOf checks features concurrently: each check is a criu process that
// spends most of its ~50ms probing the kernel, and `podlite info` waits for
// all of them.
func featuresOf(path string, features []Feature) (map[Feature]bool, error) {
	type result struct {
		ok  bool
		err error
	}
	results := make([]result, len(features))
	var wg sync.WaitGroup
	for i, f := range features {
		wg.Go(func() {
			ok, err := featureOf(path, f)
			results[i] = result{ok, err}
		})
	}
	wg.Wait()
	m := make(map[Feature]bool, len(features))
	for i, f := range features {
		if err := results[i].err; err != nil {
			// The same cause (no criu, no privileges) fails every check.
			return nil, err
		}
		m[f] = results[i].ok
	}
	return m, nil
}

// featureOf runs `criu check --feature f`.
func featureOf(path string, f Feature) (bool, error) {
	out, err := exec.Command(path, "check", "--feature", string(f)).CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return false, missingError(path, err)
	}
	ok, err := parseFeatureCheck(out, err == nil)
	if err != nil {
		return false, fmt.Errorf("checking criu feature %s: %w", f, err)
	}
	return ok, nil
}

// parseFeatureCheck interprets the output of `criu check --feature`, which
// exits 0 when the feature is there. A failure is a missing feature unless
// criu says it could not look at all.
func parseFeatureCheck(out []byte, exitedZero bool) (bool, error) {
	if exitedZero {
		return true, nil
	}
	if err := privilegeError(out); err != nil {
		return false, err
	}
	// Everything else, "Unknown feature" from an older criu included,
	// means the feature cannot be used.
	return false, nil
}

// privilegeError recognises criu's complaint that it runs without root or
// CAP_CHECKPOINT_RESTORE, after which it checked nothing.
func privilegeError(out []byte) error {
	if bytes.Contains(out, []byte("CAP_CHECKPOINT_RESTORE")) ||
		bytes.Contains(out, []byte("requires '--unprivileged'")) {
		return fmt.Errorf("criu needs root or CAP_CHECKPOINT_RESTORE to check the kernel: %w", define.ErrNotSupported)
	}
	return nil
}

// Check runs plain `criu check`, which verifies what every dump and restore
// needs (TCP repair for established connections included). It returns nil
// when criu says "Looks good", and otherwise an error wrapping
// define.ErrNotSupported that carries criu's first complaint.
func Check() error {
	return checkOf(binary)
}

func checkOf(path string) error {
	out, err := exec.Command(path, "check").CombinedOutput()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return missingError(path, err)
	}
	if err == nil {
		return nil
	}
	if perr := privilegeError(out); perr != nil {
		return perr
	}
	return fmt.Errorf("criu check fails on this kernel: %s: %w", firstLine(out), define.ErrNotSupported)
}

// firstLine returns the first non-empty line of criu's output.
func firstLine(out []byte) string {
	for line := range strings.Lines(string(out)) {
		if s := strings.TrimSpace(line); s != "" {
			return s
		}
	}
	return "no output"
}

// Info is what `podlite info` shows about CRIU.
type Info struct {
	// Version is the dotted version, "4.2.1".
	Version string `json:"version"`
	// VersionInt is the same in CRIU's integer form, 40201.
	VersionInt int `json:"versionInt"`
	// Usable is true when the version is new enough and `criu check` passes,
	// that is when plain checkpoint and restore can work.
	Usable bool `json:"usable"`
	// Features maps each of KnownFeatures to whether it can be used.
	Features map[Feature]bool `json:"features"`
}

// FeatureList returns the usable features, sorted, for one-line display.
func (i Info) FeatureList() []Feature {
	var list []Feature
	for f, ok := range i.Features {
		if ok {
			list = append(list, f)
		}
	}
	slices.Sort(list)
	return list
}

// Probe gathers Info. When criu is missing it returns an empty Info and the
// error. When criu is too old or `criu check` fails, it returns the Info it
// has (Version set, Usable false) together with the reason.
func Probe() (Info, error) {
	return probe(binary)
}

func probe(path string) (Info, error) {
	v, err := versionOf(path)
	if err != nil {
		return Info{}, err
	}
	info := Info{Version: FormatVersion(v), VersionInt: v}
	if err := checkVersion(v); err != nil {
		return info, err
	}
	if err := checkOf(path); err != nil {
		return info, err
	}
	features, err := featuresOf(path, KnownFeatures)
	if err != nil {
		return info, err
	}
	info.Usable = true
	info.Features = features
	return info, nil
}
