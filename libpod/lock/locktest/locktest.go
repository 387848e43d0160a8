// Package locktest is the conformance suite every lock.Manager runs, so
// that the flock manager and the in-process fake libpod's unit tests use
// keep the same contract.
package locktest

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/lock"
)

// Run runs the whole suite; newManager must return a manager with no locks
// held for each subtest.
func Run(t *testing.T, newManager func(t *testing.T) lock.Manager) {
	t.Run("Exclusion", func(t *testing.T) { testExclusion(t, newManager(t), false) })
	t.Run("SharedLocker", func(t *testing.T) { testExclusion(t, newManager(t), true) })
	t.Run("TryLock", func(t *testing.T) { testTryLock(t, newManager(t)) })
	t.Run("NamesAreIndependent", func(t *testing.T) { testNamesAreIndependent(t, newManager(t)) })
	t.Run("UnlockNotHeld", func(t *testing.T) { testUnlockNotHeld(t, newManager(t)) })
	t.Run("InvalidNames", func(t *testing.T) { testInvalidNames(t, newManager(t)) })
	t.Run("Free", func(t *testing.T) { testFree(t, newManager(t)) })
	t.Run("FreeWhileWaiting", func(t *testing.T) { testFreeWhileWaiting(t, newManager(t)) })
}

// MustLocker returns m's Locker for name or fails the test.
func MustLocker(t *testing.T, m lock.Manager, name string) lock.Locker {
	t.Helper()
	l, err := m.Locker(name)
	if err != nil {
		t.Fatalf("Locker(%q): %v", name, err)
	}
	return l
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func checkTryLock(t *testing.T, l lock.Locker, want bool) {
	t.Helper()
	got, err := l.TryLock()
	check(t, err)
	if got != want {
		t.Fatalf("TryLock() = %v, want %v", got, want)
	}
}

// testExclusion has goroutines take the lock in turn and fails if two are
// ever inside at once. With shared set they use one Locker, as the
// goroutines of a podlite process share a container's; otherwise each has
// its own.
func testExclusion(t *testing.T, m lock.Manager, shared bool) {
	const workers, rounds = 8, 50
	sharedLocker := MustLocker(t, m, "ctr")
	var inside atomic.Int32
	counter := 0 // guarded by the lock under test
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		l := sharedLocker
		if !shared {
			l = MustLocker(t, m, "ctr")
		}
		wg.Go(func() {
			for range rounds {
				if err := l.Lock(); err != nil {
					errs <- err
					return
				}
				if n := inside.Add(1); n != 1 {
					errs <- errors.New("two holders inside the lock at once")
				}
				c := counter
				runtime.Gosched()
				counter = c + 1
				inside.Add(-1)
				if err := l.Unlock(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if counter != workers*rounds {
		t.Errorf("counter %d, want %d: increments were lost", counter, workers*rounds)
	}
}

func testTryLock(t *testing.T, m lock.Manager) {
	a, b := MustLocker(t, m, "ctr"), MustLocker(t, m, "ctr")
	check(t, a.Lock())
	checkTryLock(t, b, false)
	check(t, a.Unlock())
	checkTryLock(t, b, true)
	checkTryLock(t, a, false)
	check(t, b.Unlock())
}

func testNamesAreIndependent(t *testing.T, m lock.Manager) {
	a, b := MustLocker(t, m, "one"), MustLocker(t, m, "two")
	check(t, a.Lock())
	checkTryLock(t, b, true)
	check(t, b.Unlock())
	check(t, a.Unlock())
}

func testUnlockNotHeld(t *testing.T, m lock.Manager) {
	l := MustLocker(t, m, "ctr")
	if err := l.Unlock(); !errors.Is(err, define.ErrInvalidState) {
		t.Fatalf("Unlock of a lock never taken: %v, want ErrInvalidState", err)
	}
	check(t, l.Lock())
	check(t, l.Unlock())
	if err := l.Unlock(); !errors.Is(err, define.ErrInvalidState) {
		t.Fatalf("second Unlock: %v, want ErrInvalidState", err)
	}
}

func testInvalidNames(t *testing.T, m lock.Manager) {
	for _, name := range []string{"", ".", "..", "a/b", "../escape", "nul\x00"} {
		t.Run(name, func(t *testing.T) {
			if _, err := m.Locker(name); !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("Locker(%q): %v, want ErrInvalidArg", name, err)
			}
			if err := m.Free(name); !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("Free(%q): %v, want ErrInvalidArg", name, err)
			}
		})
	}
}

func testFree(t *testing.T, m lock.Manager) {
	check(t, m.Free("never-locked"))

	a := MustLocker(t, m, "ctr")
	check(t, a.Lock())
	check(t, m.Free("ctr"))
	check(t, a.Unlock())
	// The name is usable again, by old and new Lockers alike.
	b := MustLocker(t, m, "ctr")
	checkTryLock(t, b, true)
	checkTryLock(t, a, false)
	check(t, b.Unlock())
	checkTryLock(t, a, true)
	check(t, a.Unlock())
}

// testFreeWhileWaiting frees a lock while another Locker waits for it: once
// the waiter gets it, it must still exclude a Locker that comes later, even
// though the lock it waited on is gone.
func testFreeWhileWaiting(t *testing.T, m lock.Manager) {
	holder, waiter, later := MustLocker(t, m, "ctr"), MustLocker(t, m, "ctr"), MustLocker(t, m, "ctr")
	check(t, holder.Lock())
	acquired := make(chan error, 1)
	go func() { acquired <- waiter.Lock() }()
	time.Sleep(50 * time.Millisecond) // let the waiter block on the old lock
	check(t, m.Free("ctr"))
	check(t, holder.Unlock())
	check(t, <-acquired)
	checkTryLock(t, later, false)
	check(t, waiter.Unlock())
	checkTryLock(t, later, true)
	check(t, later.Unlock())
}
