package spec

import (
	"runtime"
	"slices"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/generate/seccomp"
	"golang.org/x/sys/unix"
)

// defaultSeccomp is podman's default profile restricted to the ABIs this
// kernel can run. Every architecture in a profile multiplies the rules
// libseccomp compiles inside each container's init (about a third of the
// filter's cost each, measured on x86-64), and filtering the x32 ABI on a
// kernel built without it protects nothing: its system calls fail with
// ENOSYS before any filter could matter.
func defaultSeccomp(s *specs.Spec) *specs.LinuxSeccomp {
	p := seccomp.DefaultProfile(s)
	// runtime-tools' profile predates clone3, so it fell to the default
	// EPERM, which glibc (2.34 and later) does not fall back from: every
	// pthread_create failed. podman's profile answers ENOSYS, on which
	// glibc uses clone, which the profile filters.
	enosys := uint(unix.ENOSYS)
	p.Syscalls = append(p.Syscalls, specs.LinuxSyscall{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: &enosys})
	if !x32Supported() {
		p.Architectures = slices.DeleteFunc(p.Architectures, func(a specs.Arch) bool { return a == specs.ArchX32 })
	}
	return p
}

// x32Supported probes the kernel: a system call with the x32 bit set
// returns ENOSYS where the x32 ABI is not built in.
var x32Supported = sync.OnceValue(func() bool {
	if runtime.GOARCH != "amd64" {
		return false
	}
	const x32SyscallBit = 0x40000000
	_, _, errno := unix.RawSyscall(x32SyscallBit|unix.SYS_GETPID, 0, 0, 0)
	return errno != unix.ENOSYS
})
