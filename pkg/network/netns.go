package network

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

// NewNamespace creates a network namespace and keeps it alive as the
// nsfs bind mount dir/name, returning that path. Its loopback is up.
//
// dir is made a shared mount point first (bind-mounted onto itself if it
// is not a mount point yet, as iproute2 does for /run/netns): mount
// namespaces copied from the host later (containers, with rslave or
// rshared propagation) then receive the unmount of RemoveNamespace too
// and do not keep the namespace alive. That bind mount stays for the life
// of the host; it is harmless and shared by every namespace in dir.
//
// The namespace is created by unshare(CLONE_NEWNET) on a locked OS thread
// (never the main thread) that is never unlocked, so the Go runtime
// discards it instead of reusing a thread in the wrong namespace. There is
// no fallback: if any step fails, nothing is left and an error returned.
func NewNamespace(dir, name string) (_ string, retErr error) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("network namespace name %q: %w", name, define.ErrInvalidArg)
	}
	if err := ensureSharedMount(dir); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if errors.Is(err, fs.ErrExist) {
		return "", fmt.Errorf("network namespace %s: %w", path, define.ErrExists)
	}
	if err != nil {
		return "", fmt.Errorf("creating network namespace file %s: %w", path, err)
	}
	_ = f.Close()
	defer func() {
		if retErr != nil {
			_ = RemoveNamespace(path)
		}
	}()

	if err := onThrowawayThread(func() error { return unshareAndMount(path) }); err != nil {
		return "", fmt.Errorf("creating network namespace %s: %w", path, err)
	}
	return path, nil
}

// onThrowawayThread runs fn on a locked OS thread that the Go runtime
// discards afterwards, for fn to change the thread's namespaces. That
// thread must not be the main thread: Go cannot end the main thread, so it
// would park it in the changed namespace for good, and /proc/self (the
// thread group leader's view: /proc/self/ns/net, /proc/net/*) would show
// the container's namespace to the whole process. If the goroutine lands
// on the main thread, it keeps it locked while a nested goroutine, which
// then cannot get the main thread, does the work.
func onThrowawayThread(fn func() error) error {
	errCh := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			// No UnlockOSThread: the thread dies with the goroutine.
			errCh <- fn()
			return
		}
		inner := make(chan error, 1)
		go func() {
			runtime.LockOSThread()
			inner <- fn()
		}()
		err := <-inner
		runtime.UnlockOSThread() // the main thread was not changed
		errCh <- err
	}()
	return <-errCh
}

// unshareAndMount runs on a locked thread: it moves the thread into a
// new network namespace, pins it at path and brings up lo.
func unshareAndMount(path string) error {
	var before unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &before); err != nil {
		return fmt.Errorf("stat of current network namespace: %w", err)
	}
	if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
	}
	if err := unix.Mount("/proc/thread-self/ns/net", path, "none", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("bind-mounting namespace on %s: %w", path, err)
	}
	var after unix.Stat_t
	if err := unix.Stat(path, &after); err != nil {
		return fmt.Errorf("stat of %s: %w", path, err)
	}
	if after.Ino == before.Ino && after.Dev == before.Dev {
		return fmt.Errorf("%s is the namespace the thread started in: %w", path, define.ErrInvalidState)
	}
	return loopbackUp()
}

// loopbackUp sets IFF_UP on lo of the calling thread's namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("socket for lo: %w", err)
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("reading flags of lo: %w", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("bringing up lo: %w", err)
	}
	return nil
}

// ensureSharedMount makes dir a shared mount point, bind-mounting it onto
// itself if needed, under a lock in dir so racing processes bind it once.
func ensureSharedMount(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return fmt.Errorf("opening lock in %s: %w", dir, err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("locking %s: %w", dir, err)
	}
	bound := false
	for {
		err := unix.Mount("", dir, "none", unix.MS_SHARED|unix.MS_REC, "")
		if err == nil {
			return nil
		}
		if !errors.Is(err, unix.EINVAL) || bound {
			return fmt.Errorf("making %s a shared mount: %w", dir, err)
		}
		// EINVAL: dir is not a mount point yet.
		if err := unix.Mount(dir, dir, "none", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind-mounting %s onto itself: %w", dir, err)
		}
		bound = true
	}
}

// RemoveNamespace unmounts (lazily) and removes a namespace created by
// NewNamespace. A missing or already unmounted file is not an error.
func RemoveNamespace(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil &&
		!errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting network namespace %s: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing network namespace %s: %w", path, err)
	}
	return nil
}

// ReleaseNamespaceDir undoes the shared bind mount NewNamespace puts on
// dir, for `system reset` and whoever removes the runroot. Namespaces still
// pinned under it are detached with it. A dir that is not mounted, or
// missing, is fine.
func ReleaseNamespaceDir(dir string) error {
	if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("unmounting %s: %w", dir, err)
	}
	return nil
}

// InNamespace runs fn on a thread of its own that has joined the network
// namespace at path (a nsfs file or /proc/PID/ns/net); with path empty, a
// new empty namespace that goes when fn returns. Processes fn starts
// (os/exec forks from the calling thread) run in that namespace, as do
// sockets and netlink calls fn makes itself. The thread is discarded.
func InNamespace(path string, fn func() error) error {
	return onThrowawayThread(func() error {
		if path == "" {
			if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
				return fmt.Errorf("unshare(CLONE_NEWNET): %w", err)
			}
			if err := loopbackUp(); err != nil {
				return err
			}
			return fn()
		}
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("opening network namespace %s: %w", path, err)
		}
		defer unix.Close(fd)
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			return fmt.Errorf("joining network namespace %s: %w", path, err)
		}
		return fn()
	})
}

// IsNamespace reports whether path is a mounted network namespace (nsfs).
func IsNamespace(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.NSFS_MAGIC
}
