package lock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// FileManager hands out flock(2) locks, one file per name under a
// directory in the runroot. The kernel drops a lock when its holder dies,
// and separate open file descriptions exclude each other, so the same
// Locker type serves goroutines and processes alike.
type FileManager struct {
	dir string
}

// NewFileManager returns a manager keeping its lock files in dir.
func NewFileManager(dir string) (*FileManager, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating lock directory %s: %w", dir, err)
	}
	return &FileManager{dir: dir}, nil
}

// Locker returns the lock for name.
func (m *FileManager) Locker(name string) (Locker, error) {
	if name == "" || filepath.Base(name) != name {
		return nil, fmt.Errorf("invalid lock name %q", name)
	}
	return &fileLock{path: filepath.Join(m.dir, name)}, nil
}

// Free removes name's lock file. The caller holds the lock, so no other
// process can be waiting on this very file; one that opens the name later
// gets a new file.
func (m *FileManager) Free(name string) error {
	if err := os.Remove(filepath.Join(m.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("freeing lock %s: %w", name, err)
	}
	return nil
}

type fileLock struct {
	path string
	f    *os.File
}

func (l *fileLock) Lock() error {
	_, err := l.lock(unix.LOCK_EX)
	return err
}

func (l *fileLock) TryLock() (bool, error) {
	return l.lock(unix.LOCK_EX | unix.LOCK_NB)
}

func (l *fileLock) lock(how int) (bool, error) {
	for {
		f, err := os.OpenFile(l.path, os.O_RDWR|os.O_CREATE|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return false, fmt.Errorf("opening lock %s: %w", l.path, err)
		}
		if err := unix.Flock(int(f.Fd()), how); err != nil {
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return false, nil
			}
			return false, fmt.Errorf("locking %s: %w", l.path, err)
		}
		// The file may have been freed (removed) while we waited; a lock
		// on an unlinked file excludes nobody, so take the new one.
		var held, onDisk unix.Stat_t
		if unix.Fstat(int(f.Fd()), &held) == nil && unix.Stat(l.path, &onDisk) == nil && held.Ino == onDisk.Ino {
			l.f = f
			return true, nil
		}
		f.Close()
	}
}

func (l *fileLock) Unlock() error {
	if l.f == nil {
		return fmt.Errorf("unlocking %s: not locked", l.path)
	}
	err := l.f.Close()
	l.f = nil
	return err
}
