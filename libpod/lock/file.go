package lock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/podlite/podlite/libpod/define"
	"golang.org/x/sys/unix"
)

// FileManager hands out flock(2) locks, one file per name in a directory
// (under the run dir, so that a reboot clears them).
//
// flock locks belong to an open file description: every Lock opens the
// file anew, so two Lockers exclude each other whether they are in one
// process or two, and the kernel drops the lock when its holder exits.
type FileManager struct {
	dir string
}

var _ Manager = (*FileManager)(nil)

// NewFileManager returns a manager keeping its lock files in dir, which it
// creates (0700) if needed.
func NewFileManager(dir string) (*FileManager, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating lock directory %s: %w: %w", dir, define.ErrUnavailable, err)
	}
	return &FileManager{dir: dir}, nil
}

// Locker returns the lock for name. It does not touch the file system; the
// file is created by the first Lock.
func (m *FileManager) Locker(name string) (Locker, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	return &fileLocker{path: filepath.Join(m.dir, name)}, nil
}

// Free removes name's lock file; a file already gone is not an error.
func (m *FileManager) Free(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	path := filepath.Join(m.dir, name)
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing lock file %s: %w: %w", path, define.ErrUnavailable, err)
	}
	return nil
}

// fileLocker is one lock file. Several goroutines may share it: each Lock
// opens its own descriptor, so they queue on the flock like separate
// Lockers; fd records the holder's descriptor for Unlock.
type fileLocker struct {
	path string
	mu   sync.Mutex // guards held and fd
	held bool
	fd   int
}

func (l *fileLocker) Lock() error {
	_, err := l.lock(true)
	return err
}

func (l *fileLocker) TryLock() (bool, error) {
	return l.lock(false)
}

func (l *fileLocker) Unlock() error {
	l.mu.Lock()
	fd, held := l.fd, l.held
	l.held = false
	l.mu.Unlock()
	if !held {
		return notHeldError(l.path)
	}
	// Closing the only descriptor of the open file description drops the
	// flock; O_CLOEXEC kept children from inheriting a copy.
	if err := unix.Close(fd); err != nil {
		return fmt.Errorf("unlocking %s: %w: %w", l.path, define.ErrUnavailable, err)
	}
	return nil
}

func (l *fileLocker) lock(wait bool) (bool, error) {
	how := unix.LOCK_EX
	if !wait {
		how |= unix.LOCK_NB
	}
	for {
		fd, err := unix.Open(l.path, unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return false, fmt.Errorf("opening lock file %s: %w: %w", l.path, define.ErrUnavailable, err)
		}
		err = flock(fd, how)
		if errors.Is(err, unix.EWOULDBLOCK) {
			_ = unix.Close(fd)
			return false, nil
		}
		if err != nil {
			_ = unix.Close(fd)
			return false, fmt.Errorf("locking %s: %w: %w", l.path, define.ErrUnavailable, err)
		}
		// Free may have removed the file while we waited: a lock on the
		// unlinked inode would not exclude whoever locks the new file, so
		// start over on the current one.
		current, err := isCurrent(fd, l.path)
		if err != nil || !current {
			_ = unix.Close(fd)
			if err != nil {
				return false, fmt.Errorf("checking lock file %s: %w: %w", l.path, define.ErrUnavailable, err)
			}
			continue
		}
		l.mu.Lock()
		l.fd, l.held = fd, true
		l.mu.Unlock()
		return true, nil
	}
}

// flock retries on EINTR: a signal to the process must not look like a
// failed lock.
func flock(fd, how int) error {
	for {
		err := unix.Flock(fd, how)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// isCurrent reports whether fd is still the file at path.
func isCurrent(fd int, path string) (bool, error) {
	var held, named unix.Stat_t
	if err := unix.Fstat(fd, &held); err != nil {
		return false, err
	}
	if err := unix.Stat(path, &named); err != nil {
		if errors.Is(err, unix.ENOENT) {
			return false, nil
		}
		return false, err
	}
	return held.Dev == named.Dev && held.Ino == named.Ino, nil
}
