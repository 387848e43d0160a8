// Package statetest is the conformance suite every state.Store runs, so the
// bolt store and the in-memory fake that libpod's unit tests use cannot
// drift apart. It also provides realistic container fixtures.
package statetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
)

// Run runs the whole suite; newStore must return an empty store for each
// subtest.
func Run(t *testing.T, newStore func(t *testing.T) state.Store) {
	t.Run("AddContainer", func(t *testing.T) { testAddContainer(t, newStore) })
	t.Run("ContainerCopies", func(t *testing.T) { testContainerCopies(t, newStore(t)) })
	t.Run("LookupContainer", func(t *testing.T) { testLookupContainer(t, newStore(t)) })
	t.Run("AllContainers", func(t *testing.T) { testAllContainers(t, newStore(t)) })
	t.Run("SaveContainerState", func(t *testing.T) { testSaveContainerState(t, newStore(t)) })
	t.Run("RenameContainer", func(t *testing.T) { testRenameContainer(t, newStore(t)) })
	t.Run("RemoveContainer", func(t *testing.T) { testRemoveContainer(t, newStore(t)) })
	t.Run("Volumes", func(t *testing.T) { testVolumes(t, newStore(t)) })
	t.Run("AddPod", func(t *testing.T) { testAddPod(t, newStore(t)) })
	t.Run("LookupPod", func(t *testing.T) { testLookupPod(t, newStore(t)) })
	t.Run("PodMembers", func(t *testing.T) { testPodMembers(t, newStore(t)) })
	t.Run("AllPods", func(t *testing.T) { testAllPods(t, newStore(t)) })
	t.Run("Concurrent", func(t *testing.T) {
		s := newStore(t)
		Concurrent(t, 8, 20, func() (state.Store, error) { return s, nil })
	})
}

// mustAdd adds container i (ID(name(i)), name(i), created at timeAt(i)) and
// returns its config.
func mustAdd(t *testing.T, s state.Store, i int) *define.ContainerConfig {
	t.Helper()
	cfg := NewConfig(ID(name(i)), name(i), timeAt(i))
	if err := s.AddContainer(cfg, NewState()); err != nil {
		t.Fatalf("adding container %d: %v", i, err)
	}
	return cfg
}

// checkErr fails unless err is in class want (nil: no error).
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error %v, want one wrapping %v", err, want)
	}
}

// EqualJSON fails the test unless got and want encode to the same JSON, which
// is what a store promises to keep: times lose their monotonic reading and
// empty slices may come back nil.
func EqualJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Fatalf("%s differs:\n got %s\nwant %s", what, g, w)
	}
}
