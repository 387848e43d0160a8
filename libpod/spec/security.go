package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate"

	"github.com/podlite/podlite/libpod/define"
)

// podman's annotations that record security options for `inspect`.
const (
	annotationSeccomp  = "io.podman.annotations.seccomp"
	annotationLabel    = "io.podman.annotations.label"
	annotationApparmor = "io.podman.annotations.apparmor"
)

// Security holds the --security-opt values beyond no-new-privileges,
// seccomp=unconfined and label=… (which Options has of its own).
type Security struct {
	// SeccompProfile is the profile file's content when Seccomp names one.
	SeccompProfile []byte
	// Apparmor is "unconfined" or ""; this kernel has no AppArmor.
	Apparmor string
	// Mask and Unmask are paths to mask, and masked or read-only paths to
	// expose ("ALL" for all of them).
	Mask, Unmask []string
	// SystemPathsUnconfined (systempaths=unconfined) drops every default
	// masked and read-only path.
	SystemPathsUnconfined bool
	// ProcOpts are mount options added to /proc.
	ProcOpts []string
}

// ParseSecurityOpts sets o from --security-opt values, as podman parses
// them: "key=value" or the older "key:value".
func (o *Options) ParseSecurityOpts(opts []string) error {
	for _, opt := range opts {
		if opt == "no-new-privileges" {
			o.NoNewPrivileges = true
			continue
		}
		key, val, ok := strings.Cut(opt, "=")
		if !ok {
			key, val, ok = strings.Cut(opt, ":")
		}
		if !ok {
			return fmt.Errorf("invalid --security-opt 1: %q: %w", opt, define.ErrInvalidArg)
		}
		if err := o.parseSecurityOpt(key, val); err != nil {
			return err
		}
	}
	return nil
}

func (o *Options) parseSecurityOpt(key, val string) error {
	switch key {
	case "no-new-privileges":
		b, err := strconv.ParseBool(val)
		if err != nil {
			return fmt.Errorf("invalid --security-opt 2: %q: %w", key+"="+val, define.ErrInvalidArg)
		}
		o.NoNewPrivileges = b
	case "label":
		o.SELinuxOpts = append(o.SELinuxOpts, val)
	case "seccomp":
		return o.parseSeccomp(val)
	case "apparmor":
		if val != "unconfined" {
			return fmt.Errorf("apparmor profile %q specified, but Apparmor is not enabled on this system: %w", val, define.ErrNotSupported)
		}
		o.Apparmor = val
	case "mask":
		o.Mask = append(o.Mask, strings.Split(val, ":")...)
	case "unmask":
		o.Unmask = append(o.Unmask, strings.Split(val, ":")...)
	case "systempaths":
		if val != "unconfined" {
			return fmt.Errorf("invalid systempaths option %q, only `unconfined` is supported: %w", val, define.ErrInvalidArg)
		}
		o.SystemPathsUnconfined = true
	case "proc-opts":
		o.ProcOpts = strings.Split(val, ",") // the last one wins, as with podman
	default:
		return fmt.Errorf("invalid --security-opt 2: %q: %w", key+"="+val, define.ErrInvalidArg)
	}
	return nil
}

// parseSeccomp takes "unconfined" or a profile file, read now so that the
// container does not depend on the file later (podman reads it at create).
func (o *Options) parseSeccomp(val string) error {
	o.Seccomp, o.SeccompProfile = val, nil
	if val == "unconfined" {
		return nil
	}
	data, err := os.ReadFile(val)
	if err != nil {
		return fmt.Errorf("opening seccomp profile failed: %w: %w", err, define.ErrInvalidArg)
	}
	if err := ValidateSeccompProfile(data); err != nil {
		return fmt.Errorf("%s: %w", val, err)
	}
	o.SeccompProfile = data
	return nil
}

// imageSeccompLabel is the image label holding a seccomp profile that
// --seccomp-policy=image applies.
const imageSeccompLabel = "io.containers.seccomp.profile"

// UseImageSeccomp applies --seccomp-policy: with "image", the image's
// profile label, when it has one, wins over --security-opt seccomp= as
// with podman.
func (o *Options) UseImageSeccomp(policy string, labels map[string]string) error {
	p := labels[imageSeccompLabel]
	if policy != "image" || p == "" {
		return nil
	}
	if err := ValidateSeccompProfile([]byte(p)); err != nil {
		return fmt.Errorf("the image's %s label: %w", imageSeccompLabel, err)
	}
	o.SeccompProfile = []byte(p)
	return nil
}

// seccompFor is the container's filter: none, the profile (a file's or the
// image's) or the default one.
func seccompFor(s *specs.Spec, o *Options) (*specs.LinuxSeccomp, error) {
	switch {
	case o.Privileged:
		return nil, nil
	case o.SeccompProfile != nil:
		var caps []string
		if s.Process.Capabilities != nil {
			caps = s.Process.Capabilities.Bounding
		}
		return seccompFromProfile(o.SeccompProfile, caps)
	case o.Seccomp == "unconfined":
		return nil, nil
	}
	return defaultSeccomp(s), nil
}

// withSystemPaths applies mask, unmask, systempaths and proc-opts to the
// masked and read-only paths withMounts set and to the /proc mount.
func withSystemPaths(g *generate.Generator, o *Options) error {
	l := g.Config.Linux
	if o.SystemPathsUnconfined || slices.Contains(o.Unmask, "ALL") {
		l.MaskedPaths, l.ReadonlyPaths = nil, nil
	}
	unmasked := func(p string) bool {
		return slices.ContainsFunc(o.Unmask, func(pat string) bool {
			ok, _ := filepath.Match(pat, p)
			return ok || pat == p
		})
	}
	l.MaskedPaths = slices.DeleteFunc(l.MaskedPaths, unmasked)
	l.ReadonlyPaths = slices.DeleteFunc(l.ReadonlyPaths, unmasked)
	for _, p := range o.Mask {
		if !filepath.IsAbs(p) {
			return fmt.Errorf("invalid mask path %q: must be absolute: %w", p, define.ErrInvalidArg)
		}
		if !slices.Contains(l.MaskedPaths, p) {
			l.MaskedPaths = append(l.MaskedPaths, p)
		}
	}
	for i := range g.Config.Mounts {
		if g.Config.Mounts[i].Destination == "/proc" {
			g.Config.Mounts[i].Options = append(g.Config.Mounts[i].Options, o.ProcOpts...)
		}
	}
	return nil
}

// securityAnnotations records the options `inspect` shows, under podman's
// annotation names.
func securityAnnotations(g *generate.Generator, o *Options) {
	if o.Seccomp != "" {
		g.AddAnnotation(annotationSeccomp, o.Seccomp)
	}
	if len(o.SELinuxOpts) > 0 {
		g.AddAnnotation(annotationLabel, strings.Join(o.SELinuxOpts, ",label="))
	}
	if o.Apparmor != "" {
		g.AddAnnotation(annotationApparmor, o.Apparmor)
	}
}

// InspectSecurityOpt is `inspect`'s HostConfig.SecurityOpt for spec s, in
// podman's order.
func InspectSecurityOpt(s *specs.Spec) []string {
	out := []string{}
	if s.Process != nil && s.Process.NoNewPrivileges {
		out = append(out, "no-new-privileges")
	}
	for _, a := range []struct{ key, name string }{
		{annotationLabel, "label"}, {annotationSeccomp, "seccomp"}, {annotationApparmor, "apparmor"},
	} {
		if v := s.Annotations[a.key]; v != "" {
			out = append(out, a.name+"="+v)
		}
	}
	return out
}
