package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestSeccompClone3IsENOSYS: glibc's pthread_create falls back to clone
// only on ENOSYS; the default EPERM made every threaded program fail.
func TestSeccompClone3IsENOSYS(t *testing.T) {
	p := defaultSeccomp(&specs.Spec{Process: &specs.Process{Capabilities: &specs.LinuxCapabilities{}}})
	for _, sc := range p.Syscalls {
		for _, name := range sc.Names {
			if name != "clone3" {
				continue
			}
			if sc.Action != specs.ActErrno || sc.ErrnoRet == nil || *sc.ErrnoRet != uint(unix.ENOSYS) {
				t.Fatalf("clone3 rule %+v, want errno ENOSYS", sc)
			}
			return
		}
	}
	t.Fatal("no clone3 rule: it falls to the default action, EPERM")
}
