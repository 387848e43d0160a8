package oci

import (
	"fmt"
	"os"
	"slices"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// PreservedFiles returns the descriptors a process started in a container
// keeps, as podman's --preserve-fds N (3 to 3+N-1) and --preserve-fd list
// name them, in Stdio.Extra order: the process gets Extra[i] as descriptor
// 3+i, so every listed descriptor keeps its number. A gap below the highest
// listed one is filled with /dev/null, since libcontainer numbers extra
// files densely. Each descriptor must have been inherited by this process:
// open and without close-on-exec (Go opens its own with close-on-exec).
func PreservedFiles(n uint, list []uint) (files []*os.File, err error) {
	want := map[int]string{}
	for fd := 3; fd < 3+int(n); fd++ {
		want[fd] = "preserve-fds"
	}
	for _, fd := range list {
		want[int(fd)] = "preserve-fd"
	}
	if len(want) == 0 {
		return nil, nil
	}
	fds := make([]int, 0, len(want))
	for fd, flag := range want {
		if !inherited(fd) {
			return nil, fmt.Errorf("file descriptor %d is not available - the %s option requires that file descriptors must be passed: %w", fd, flag, define.ErrInvalidArg)
		}
		fds = append(fds, fd)
	}
	slices.Sort(fds)
	var null *os.File
	for fd := 3; fd <= fds[len(fds)-1]; fd++ {
		if _, ok := want[fd]; ok {
			files = append(files, os.NewFile(uintptr(fd), fmt.Sprintf("fd%d", fd)))
			continue
		}
		if null == nil {
			if null, err = os.Open(os.DevNull); err != nil {
				return nil, err
			}
		}
		files = append(files, null)
	}
	return files, nil
}

// inherited reports whether fd is open without close-on-exec. Descriptors
// 0 to 2 are the standard streams, never "preserved".
func inherited(fd int) bool {
	if fd < 3 {
		return false
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)
	return err == nil && flags&unix.FD_CLOEXEC == 0
}
