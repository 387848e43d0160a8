package rootless

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// How a user's checkpoint and restore reach CRIU. libcontainer runs
// "criu swrk 3" by that name from PATH; inside the rootless namespace that
// name is a link to podlite itself (ShimDir), which acts as criu:
//
//   - Checkpoint needs CAP_CHECKPOINT_RESTORE in the host's user namespace
//     (to read /proc/PID/map_files, to suspend seccomp), which no process
//     inside the namespace can have: file capabilities of a program run
//     there count in the namespace only. So a checkpoint command's outer
//     process stays outside as a broker (ServeCRIUBroker), and the shim
//     hands it its descriptors (stdio, the RPC socket, the rest) over a
//     socket named by envBroker; the broker runs CRIUHelper with them and
//     sends back its exit status.
//   - Restore needs no host capability once the images say the tree lives
//     in CRIU's own user and UTS namespaces (criu.AdoptNamespaces): the
//     shim runs the ordinary criu inside the namespace, as root there, in a
//     new UTS namespace carrying the container's hostname (envHostname),
//     and with a new time namespace for its children: libcontainer
//     records one for a restored container (CRIU as root makes one) and
//     exec joins it, which it could not do with the host's.
const (
	envBroker   = "_PODLITE_CRIU_BROKER"
	envHostname = "_PODLITE_CRIU_HOSTNAME"
	// maxShimFDs bounds the descriptors the shim forwards (libcontainer
	// passes the RPC socket and at most a few namespace files).
	maxShimFDs = 64
)

// ShimDir is the directory, first in PATH inside the namespace, whose
// "criu" is podlite's shim.
func ShimDir(runRoot string) string { return filepath.Join(runRoot, "criu-shim") }

// ensureShim makes ShimDir's link to podlite's executable exe.
func ensureShim(runRoot, exe string) error {
	link := filepath.Join(ShimDir(runRoot), "criu")
	if cur, err := os.Readlink(link); err == nil && cur == exe {
		return nil
	}
	if err := os.MkdirAll(ShimDir(runRoot), 0o700); err != nil {
		return fmt.Errorf("creating the criu shim directory: %w", err)
	}
	tmp := link + ".tmp"
	_ = os.Remove(tmp)
	if err := os.Symlink(exe, tmp); err != nil {
		return fmt.Errorf("creating the criu shim: %w", err)
	}
	if err := os.Rename(tmp, link); err != nil {
		return fmt.Errorf("creating the criu shim: %w", err)
	}
	return nil
}

// SetRestore makes this process's criu shim restore: in a new time
// namespace, and in a new UTS namespace named host unless host is empty
// (the container shares one). The images keep the tree in CRIU's own UTS
// namespace (criu.AdoptNamespaces).
func SetRestore(host string) error { return os.Setenv(envHostname, host) }

// MaybeCRIUShim runs podlite as the criu shim when it was executed by that
// name; it does not return then.
func MaybeCRIUShim() {
	if filepath.Base(os.Args[0]) != "criu" || !InNamespace() {
		return
	}
	// Counted first: the Go runtime may open descriptors of its own later.
	fds := inheritedFDs()
	var err error
	code := 1
	if sock := os.Getenv(envBroker); sock != "" {
		code, err = viaBroker(sock, fds)
	} else {
		err = execLocalCRIU()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "podlite criu shim: %v\n", err)
		os.Exit(1)
	}
	os.Exit(code)
}

// inheritedFDs lists 0, 1, 2, the contiguous descriptors after them
// (libcontainer's) and the RPC socket "swrk N" names (go-criu passes it
// at whatever number it has).
func inheritedFDs() []int {
	fds := []int{0, 1, 2}
	for fd := 3; fd < maxShimFDs; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			break
		}
		fds = append(fds, fd)
	}
	if len(os.Args) == 3 && os.Args[1] == "swrk" {
		if n, err := strconv.Atoi(os.Args[2]); err == nil && n > fds[len(fds)-1] && n < maxShimFDs {
			fds = append(fds, n)
		}
	}
	return fds
}

// shimRequest is what the shim sends the broker beside its descriptors:
// the criu arguments and the number each descriptor has.
type shimRequest struct {
	Args []string
	FDs  []int
}

// viaBroker has the broker at sock run the helper with fds and args.
func viaBroker(sock string, fds []int) (int, error) {
	s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return 1, err
	}
	defer unix.Close(s)
	if err := unix.Connect(s, &unix.SockaddrUnix{Name: sock}); err != nil {
		return 1, fmt.Errorf("connecting to the criu broker %s: %w", sock, err)
	}
	req, err := json.Marshal(shimRequest{Args: os.Args[1:], FDs: fds})
	if err != nil {
		return 1, err
	}
	if err := unix.Sendmsg(s, req, unix.UnixRights(fds...), nil, 0); err != nil {
		return 1, fmt.Errorf("sending to the criu broker: %w", err)
	}
	// The shim holds the descriptors no longer: a peer waiting for EOF on
	// one of them must see the helper's close, not ours.
	for _, fd := range fds[3:] {
		_ = unix.Close(fd)
	}
	buf := make([]byte, 64)
	n, err := unix.Read(s, buf)
	if err != nil || n == 0 {
		return 1, fmt.Errorf("the criu broker sent no exit status: %v", err)
	}
	var rep brokerReply
	if err := json.Unmarshal(buf[:n], &rep); err != nil {
		return 1, fmt.Errorf("the criu broker's reply: %w", err)
	}
	if rep.Error != "" {
		return 1, errors.New(rep.Error)
	}
	return rep.Code, nil
}

// execLocalCRIU replaces the shim with the installed criu, in a new UTS
// namespace named envHostname when one is set (a restore).
func execLocalCRIU() error {
	// Namespaces made by unshare belong to the calling thread: the exec
	// must come from the same one.
	runtime.LockOSThread()
	path, err := realCRIU()
	if err != nil {
		return err
	}
	if host, restore := os.LookupEnv(envHostname); restore {
		if err := restoreNamespaces(host); err != nil {
			return err
		}
	}
	// Restoring a network namespace runs iptables-restore, from sbin.
	env := append(os.Environ(), "PATH="+os.Getenv("PATH")+":/usr/local/sbin:/usr/sbin:/sbin")
	return syscall.Exec(path, append([]string{"criu"}, os.Args[1:]...), env)
}

func restoreNamespaces(host string) error {
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		return fmt.Errorf("creating the restored container's time namespace: %w", err)
	}
	if host == "" {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_NEWUTS); err != nil {
		return fmt.Errorf("creating the restored container's UTS namespace: %w", err)
	}
	if err := unix.Sethostname([]byte(host)); err != nil {
		return fmt.Errorf("setting the restored container's hostname: %w", err)
	}
	return nil
}

// realCRIU finds criu in PATH past the shim's directory, then in sbin.
func realCRIU() (string, error) {
	dirs := append(filepath.SplitList(os.Getenv("PATH")), "/usr/local/sbin", "/usr/sbin", "/sbin")
	for _, d := range dirs {
		if strings.HasSuffix(d, "criu-shim") {
			continue
		}
		p := filepath.Join(d, "criu")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("criu: %w", exec.ErrNotFound)
}

// HasCRIUBroker reports whether this process runs under a checkpoint
// command's broker (EnsureWithCRIUBroker), through which its criu shim
// reaches the helper.
func HasCRIUBroker() bool { return os.Getenv(envBroker) != "" }
