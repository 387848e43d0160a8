package spec

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// profile is a seccomp profile in the Docker/podman JSON format
// (--security-opt seccomp=FILE): rules may apply only to some
// architectures or capabilities, and may be written for several
// architectures of which only the host's apply.
type profile struct {
	DefaultAction    specs.LinuxSeccompAction `json:"defaultAction"`
	DefaultErrnoRet  *uint                    `json:"defaultErrnoRet,omitempty"`
	Architectures    []specs.Arch             `json:"architectures,omitempty"`
	ArchMap          []profileArch            `json:"archMap,omitempty"`
	ListenerPath     string                   `json:"listenerPath,omitempty"`
	ListenerMetadata string                   `json:"listenerMetadata,omitempty"`
	Flags            []specs.LinuxSeccompFlag `json:"flags,omitempty"`
	Syscalls         []profileSyscall         `json:"syscalls"`
}

type profileArch struct {
	Arch      specs.Arch   `json:"architecture"`
	SubArches []specs.Arch `json:"subArchitectures"`
}

type profileSyscall struct {
	Name     string                   `json:"name,omitempty"`
	Names    []string                 `json:"names,omitempty"`
	Action   specs.LinuxSeccompAction `json:"action"`
	ErrnoRet *uint                    `json:"errnoRet,omitempty"`
	Args     []specs.LinuxSeccompArg  `json:"args"`
	Includes profileFilter            `json:"includes"`
	Excludes profileFilter            `json:"excludes"`
}

// profileFilter restricts a rule to (includes) or away from (excludes)
// some Go architectures and capabilities.
type profileFilter struct {
	Arches []string `json:"arches,omitempty"`
	Caps   []string `json:"caps,omitempty"`
}

// nativeArch is the seccomp name of the Go architectures podlite runs on.
var nativeArch = map[string]specs.Arch{
	"amd64": specs.ArchX86_64, "386": specs.ArchX86, "arm64": specs.ArchAARCH64, "arm": specs.ArchARM,
	"ppc64le": specs.ArchPPC64LE, "s390x": specs.ArchS390X, "riscv64": specs.ArchRISCV64,
	"mips64le": specs.ArchMIPSEL64, "loong64": specs.ArchLOONGARCH64,
}

// ValidateSeccompProfile checks that data is a seccomp profile podlite can
// load, so that create refuses a bad file rather than start failing.
func ValidateSeccompProfile(data []byte) error {
	_, err := seccompFromProfile(data, nil)
	return err
}

// seccompFromProfile converts a profile to the OCI spec's form for a
// container with capability set caps, as podman (containers/common) does.
func seccompFromProfile(data []byte, caps []string) (*specs.LinuxSeccomp, error) {
	var p profile
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("decoding seccomp profile: %w: %w", err, define.ErrInvalidArg)
	}
	if p.DefaultAction == "" {
		return nil, fmt.Errorf("seccomp profile has no defaultAction: %w", define.ErrInvalidArg)
	}
	if len(p.Architectures) > 0 && len(p.ArchMap) > 0 {
		return nil, fmt.Errorf("seccomp profile has both architectures and archMap: %w", define.ErrInvalidArg)
	}
	s := &specs.LinuxSeccomp{
		DefaultAction: p.DefaultAction, DefaultErrnoRet: p.DefaultErrnoRet, Architectures: p.Architectures,
		ListenerPath: p.ListenerPath, ListenerMetadata: p.ListenerMetadata, Flags: p.Flags,
	}
	native := nativeArch[runtime.GOARCH]
	for _, a := range p.ArchMap {
		if a.Arch == native {
			s.Architectures = append(append(s.Architectures, a.Arch), a.SubArches...)
		}
	}
	for _, c := range p.Syscalls {
		if !c.applies(caps) {
			continue
		}
		names := c.Names
		if c.Name != "" {
			names = append([]string{c.Name}, names...)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("seccomp profile has a rule without a system call name: %w", define.ErrInvalidArg)
		}
		s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: names, Action: c.Action, ErrnoRet: c.ErrnoRet, Args: c.Args})
	}
	return s, nil
}

// applies says whether rule c is for this architecture and a container
// with caps.
func (c *profileSyscall) applies(caps []string) bool {
	if len(c.Includes.Arches) > 0 && !slices.Contains(c.Includes.Arches, runtime.GOARCH) {
		return false
	}
	for _, cp := range c.Includes.Caps {
		if !slices.Contains(caps, cp) {
			return false
		}
	}
	if slices.Contains(c.Excludes.Arches, runtime.GOARCH) {
		return false
	}
	for _, cp := range c.Excludes.Caps {
		if slices.Contains(caps, cp) {
			return false
		}
	}
	return true
}
