package statetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
)

// Concurrent has workers goroutines add, read, update and remove containers
// at the same time, each through its own store from open: for the bolt store
// that is its own BoltStore on a shared file, as separate podlite processes
// would have. It fails on any error, and unless exactly the containers not
// removed are left, each with its last saved state.
func Concurrent(t *testing.T, workers, perWorker int, open func() (state.Store, error)) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() { errs <- churn(w, perWorker, open) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if t.Failed() {
		return
	}

	s, err := open()
	checkErr(t, err, nil)
	all, err := s.AllContainers()
	checkErr(t, err, nil)
	got := map[string]int{}
	for _, rec := range all {
		got[rec.Config.ID] = rec.State.PID
	}
	want := 0
	for w := range workers {
		for i := range perWorker {
			id := churnID(w, i)
			pid, ok := got[id]
			switch {
			case removed(i) && ok:
				t.Errorf("container %s was removed but is still stored", id)
			case removed(i):
			case !ok:
				t.Errorf("container %s was lost", id)
			case pid != i+1:
				t.Errorf("container %s has PID %d, want %d: a state write was lost", id, pid, i+1)
			default:
				want++
			}
		}
	}
	if len(all) != want {
		t.Errorf("store holds %d containers, want %d", len(all), want)
	}
}

func churnID(worker, i int) string { return ID(fmt.Sprintf("churn-%d-%d", worker, i)) }

func removed(i int) bool { return i%3 == 0 }

// churn is one worker of Concurrent; it returns instead of failing the test
// because it does not run on the test's goroutine.
func churn(worker, n int, open func() (state.Store, error)) error {
	s, err := open()
	if err != nil {
		return fmt.Errorf("worker %d opening store: %w", worker, err)
	}
	for i := range n {
		id := churnID(worker, i)
		cfg := NewConfig(id, fmt.Sprintf("churn-%d-%d", worker, i), timeAt(i))
		if err := s.AddContainer(cfg, NewState()); err != nil {
			return fmt.Errorf("worker %d: %w", worker, err)
		}
		if got, err := s.LookupContainer(cfg.Name); err != nil || got != id {
			return fmt.Errorf("worker %d: looking up %s: got %q, %v", worker, cfg.Name, got, err)
		}
		st := &define.ContainerState{Status: define.StatusRunning, PID: i + 1}
		if err := s.SaveContainerState(id, st); err != nil {
			return fmt.Errorf("worker %d: %w", worker, err)
		}
		if i%4 == 0 {
			if _, err := s.AllContainers(); err != nil {
				return fmt.Errorf("worker %d: %w", worker, err)
			}
		}
		if removed(i) {
			if err := s.RemoveContainer(id); err != nil {
				return fmt.Errorf("worker %d: %w", worker, err)
			}
		}
	}
	return nil
}
