package lock_test

import (
	"sync"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/lock"
)

func TestFileLockExcludes(t *testing.T) {
	m, err := lock.NewFileManager(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Locker("ctr")
	b, _ := m.Locker("ctr")
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); err != nil || ok {
		t.Fatalf("TryLock on a held lock = %v, %v; want false, nil", ok, err)
	}
	if err := a.Unlock(); err != nil {
		t.Fatal(err)
	}
	if ok, err := b.TryLock(); err != nil || !ok {
		t.Fatalf("TryLock on a free lock = %v, %v; want true, nil", ok, err)
	}
	b.Unlock()
}

func TestFileLockCounterUnderContention(t *testing.T) {
	m, err := lock.NewFileManager(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	counter, inside := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, _ := m.Locker("shared")
			for range 50 {
				if err := l.Lock(); err != nil {
					t.Error(err)
					return
				}
				inside++
				if inside != 1 {
					t.Error("two holders at once")
				}
				counter++
				inside--
				l.Unlock()
			}
		}()
	}
	wg.Wait()
	if counter != 400 {
		t.Fatalf("counter = %d, want 400", counter)
	}
}

func TestFreeWhileWaiting(t *testing.T) {
	m, err := lock.NewFileManager(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := m.Locker("gone")
	if err := a.Lock(); err != nil {
		t.Fatal(err)
	}
	got := make(chan struct{})
	go func() {
		b, _ := m.Locker("gone")
		b.Lock()
		close(got)
		b.Unlock()
	}()
	time.Sleep(20 * time.Millisecond)
	if err := m.Free("gone"); err != nil {
		t.Fatal(err)
	}
	a.Unlock()
	select {
	case <-got:
	case <-time.After(2 * time.Second):
		t.Fatal("waiter never got the lock after Free")
	}
}
