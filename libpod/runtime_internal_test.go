package libpod

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/podlite/podlite/libpod/config"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/state"
)

// newTestRuntime returns a Runtime over the in-memory store and locks, with
// its root, runroot and volumes in a temporary directory. It needs no root.
func newTestRuntime(t *testing.T) *Runtime {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{
		Root:          filepath.Join(dir, "root"),
		RunRoot:       filepath.Join(dir, "runroot"),
		StorageDriver: "vfs",
		Rootless:      true,
	}
	evlog, err := events.New(events.BackendFile, filepath.Join(cfg.RunRoot, "events", "events.log"))
	if err != nil {
		t.Fatal(err)
	}
	return &Runtime{cfg: cfg, store: state.NewMemoryStore(), locks: newMemoryLocks(), events: evlog}
}

// memoryLocks is a lock.Manager for one process: each name is a mutex.
type memoryLocks struct {
	mu    sync.Mutex
	locks map[string]*memoryLocker
}

func newMemoryLocks() *memoryLocks { return &memoryLocks{locks: map[string]*memoryLocker{}} }

func (m *memoryLocks) Locker(name string) (lock.Locker, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.locks[name]
	if !ok {
		l = &memoryLocker{}
		m.locks[name] = l
	}
	return l, nil
}

// Free keeps the mutex: a waiter may still hold a reference to it, and a
// fresh mutex for the same name would let two holders in.
func (m *memoryLocks) Free(string) error { return nil }

type memoryLocker struct{ mu sync.Mutex }

func (l *memoryLocker) Lock() error            { l.mu.Lock(); return nil }
func (l *memoryLocker) Unlock() error          { l.mu.Unlock(); return nil }
func (l *memoryLocker) TryLock() (bool, error) { return l.mu.TryLock(), nil }
