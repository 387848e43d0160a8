package spec

import (
	"errors"
	"runtime"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// TestSeccompFromProfile checks the Docker/podman profile conversion:
// the host's archMap entry only, and rules kept or dropped by their
// architecture and capability filters.
func TestSeccompFromProfile(t *testing.T) {
	native, ok := nativeArch[runtime.GOARCH]
	if !ok {
		t.Skipf("no seccomp architecture known for %s", runtime.GOARCH)
	}
	data := `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
	  "archMap": [{"architecture": "` + string(native) + `", "subArchitectures": ["SCMP_ARCH_X86"]},
	              {"architecture": "SCMP_ARCH_NOT_HERE", "subArchitectures": ["SCMP_ARCH_ALSO_NOT"]}],
	  "syscalls": [
	    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
	    {"name": "mount", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
	    {"name": "chown", "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_CHOWN"]}},
	    {"name": "personality", "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["` + runtime.GOARCH + `"]}},
	    {"name": "ptrace", "action": "SCMP_ACT_ALLOW", "excludes": {"arches": ["` + runtime.GOARCH + `"]}},
	    {"name": "kill", "action": "SCMP_ACT_ALLOW", "excludes": {"caps": ["CAP_KILL"]}}
	  ]}`
	s, err := seccompFromProfile([]byte(data), []string{"CAP_CHOWN", "CAP_KILL"})
	if err != nil {
		t.Fatal(err)
	}
	if s.DefaultAction != specs.ActErrno || s.DefaultErrnoRet == nil || *s.DefaultErrnoRet != 38 {
		t.Errorf("default action %s, errno %v", s.DefaultAction, s.DefaultErrnoRet)
	}
	if want := []specs.Arch{native, specs.ArchX86}; !slices.Equal(s.Architectures, want) {
		t.Errorf("architectures %v, want %v", s.Architectures, want)
	}
	var names []string
	for _, sc := range s.Syscalls {
		names = append(names, sc.Names...)
	}
	if want := []string{"read", "write", "chown", "personality"}; !slices.Equal(names, want) {
		t.Errorf("system calls %v, want %v", names, want)
	}
	for _, bad := range []string{`{"syscalls": []}`, `not json`, `{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]}`,
		`{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}`} {
		if err := ValidateSeccompProfile([]byte(bad)); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("profile %s: %v, want an invalid-argument error", bad, err)
		}
	}
}
