package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestBindSysWithoutNetNS(t *testing.T) {
	sysfs := specs.Mount{Destination: "/sys", Type: "sysfs", Source: "sysfs"}
	for _, tc := range []struct {
		name string
		ns   []specs.LinuxNamespace
		bind bool
	}{
		{"own network namespace", []specs.LinuxNamespace{{Type: specs.NetworkNamespace}}, false},
		{"host network", []specs.LinuxNamespace{{Type: specs.PIDNamespace}}, true},
		{"ns:PATH", []specs.LinuxNamespace{{Type: specs.NetworkNamespace, Path: "/run/netns/x"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &specs.Spec{Linux: &specs.Linux{Namespaces: tc.ns}, Mounts: []specs.Mount{sysfs}}
			bindSysWithoutNetNS(s)
			if got := s.Mounts[0].Type == "bind"; got != tc.bind {
				t.Errorf("/sys mount %+v, want bind=%v", s.Mounts[0], tc.bind)
			}
		})
	}
}

func TestHasLimits(t *testing.T) {
	limit := int64(1 << 20)
	if hasLimits(&specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}}) {
		t.Error("device rules alone count as limits")
	}
	if !hasLimits(&specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}) {
		t.Error("a memory limit does not count")
	}
}
