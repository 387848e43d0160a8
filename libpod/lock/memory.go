package lock

import "sync"

// MemoryManager hands out locks that exclude goroutines of one process
// only: the fake for unit tests. It follows FileManager's rules, names and
// Free included, so tests catch the same misuse.
type MemoryManager struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

var _ Manager = (*MemoryManager)(nil)

// NewMemoryManager returns a manager with no locks.
func NewMemoryManager() *MemoryManager {
	return &MemoryManager{locks: map[string]chan struct{}{}}
}

// Locker returns the lock for name.
func (m *MemoryManager) Locker(name string) (Locker, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	return &memoryLocker{m: m, name: name}, nil
}

// Free forgets name's lock, as FileManager removes its file.
func (m *MemoryManager) Free(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.locks, name)
	return nil
}

// current returns name's lock: a channel holding one token while locked.
func (m *MemoryManager) current(name string) chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch, ok := m.locks[name]
	if !ok {
		ch = make(chan struct{}, 1)
		m.locks[name] = ch
	}
	return ch
}

func (m *MemoryManager) isCurrent(name string, ch chan struct{}) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.locks[name] == ch
}

type memoryLocker struct {
	m    *MemoryManager
	name string
	mu   sync.Mutex // guards held
	held chan struct{}
}

func (l *memoryLocker) Lock() error {
	_, err := l.lock(true)
	return err
}

func (l *memoryLocker) TryLock() (bool, error) {
	return l.lock(false)
}

func (l *memoryLocker) Unlock() error {
	l.mu.Lock()
	ch := l.held
	l.held = nil
	l.mu.Unlock()
	if ch == nil {
		return notHeldError(l.name)
	}
	<-ch
	return nil
}

func (l *memoryLocker) lock(wait bool) (bool, error) {
	for {
		ch := l.m.current(l.name)
		if wait {
			ch <- struct{}{}
		} else {
			select {
			case ch <- struct{}{}:
			default:
				return false, nil
			}
		}
		// As with lock files: a lock freed while we waited excludes no one
		// who comes later, so take the current one.
		if !l.m.isCurrent(l.name, ch) {
			<-ch
			continue
		}
		l.mu.Lock()
		l.held = ch
		l.mu.Unlock()
		return true, nil
	}
}
