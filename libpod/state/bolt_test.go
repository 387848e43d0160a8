package state_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/state/statetest"
)

func newBoltStore(t *testing.T, path string) *state.BoltStore {
	t.Helper()
	s, err := state.NewBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBoltStore(t *testing.T) {
	statetest.Run(t, func(t *testing.T) state.Store {
		return newBoltStore(t, filepath.Join(t.TempDir(), "podlite.db"))
	})
}

// TestBoltStoreSeparateStores plays several podlite processes: every worker
// has its own BoltStore on one file, so they only meet through bbolt's flock.
func TestBoltStoreSeparateStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podlite.db")
	statetest.Concurrent(t, 16, 15, func() (state.Store, error) { return state.NewBoltStore(path) })
}

// TestBoltStoreNoFile checks that reads of a database not created yet see an
// empty store.
func TestBoltStoreNoFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podlite.db")
	s := newBoltStore(t, path)

	all, err := s.AllContainers()
	if err != nil || len(all) != 0 {
		t.Fatalf("AllContainers() = %d records, %v; want none, no error", len(all), err)
	}
	if _, err := s.LookupContainer("web"); !errors.Is(err, define.ErrNotFound) {
		t.Fatalf("LookupContainer error %v, want ErrNotFound", err)
	}
	if _, err := s.Volume("data"); !errors.Is(err, define.ErrNotFound) {
		t.Fatalf("Volume error %v, want ErrNotFound", err)
	}
}

// TestBoltStoreReadsCreateNothing checks that NewBoltStore and reads leave
// the file alone: the first write creates it.
func TestBoltStoreReadsCreateNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podlite.db")
	s := newBoltStore(t, path)
	if _, err := s.AllContainers(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AllVolumes(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("reads created the database: stat says %v", err)
	}
}

func TestNewBoltStoreBadPath(t *testing.T) {
	tests := []struct {
		name, path string
	}{
		{"empty", ""},
		{"directory", t.TempDir()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := state.NewBoltStore(tc.path); !errors.Is(err, define.ErrInvalidArg) {
				t.Fatalf("NewBoltStore(%q) error %v, want ErrInvalidArg", tc.path, err)
			}
		})
	}
}

// BenchmarkAllContainers1000 is `podlite ps -a` over 1000 containers:
// open, one read transaction, decode, sort.
func BenchmarkAllContainers1000(b *testing.B) {
	s, err := state.NewBoltStore(filepath.Join(b.TempDir(), "podlite.db"))
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		name := fmt.Sprintf("ctr-%d", i)
		cfg := statetest.NewConfig(statetest.ID(name), name, time.Unix(int64(i), 0).UTC())
		if err := s.AddContainer(cfg, statetest.NewState()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		all, err := s.AllContainers()
		if err != nil || len(all) != 1000 {
			b.Fatalf("AllContainers() = %d records, %v", len(all), err)
		}
	}
}
