package spec

import (
	"slices"

	"github.com/opencontainers/selinux/go-selinux"
)

// DefaultCapabilities is the capability set of an unprivileged container.
func DefaultCapabilities() []string {
	caps := slices.Clone(defaultCaps)
	slices.Sort(caps)
	return caps
}

// SELinuxEnabled says whether containers get SELinux labels here.
func SELinuxEnabled() bool { return selinux.GetEnabled() }
