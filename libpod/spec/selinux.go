package spec

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	selinux "github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
)

// withSELinux gives the container its own process and mount labels where
// SELinux is enabled, as podman does; elsewhere (as on these machines) it
// does nothing. A privileged container runs unconfined.
func withSELinux(s *specs.Spec, o *Options) error {
	if !selinux.GetEnabled() || o.Privileged {
		return nil
	}
	processLabel, mountLabel, err := label.InitLabels(o.SELinuxOpts)
	if err != nil {
		return fmt.Errorf("choosing SELinux labels: %w", err)
	}
	s.Process.SelinuxLabel, s.Linux.MountLabel = processLabel, mountLabel
	return nil
}

// Relabel applies a volume's :z (shared) or :Z (private) option to its
// source, so the container's label may use it. Without SELinux it does
// nothing.
func Relabel(m Mount, mountLabel string) error {
	if m.Relabel == "" || mountLabel == "" || !selinux.GetEnabled() {
		return nil
	}
	if err := label.Relabel(m.Source, mountLabel, m.Relabel == "z"); err != nil {
		return fmt.Errorf("relabelling %s for the container: %w", m.Source, err)
	}
	return nil
}
