package statetest

import (
	"slices"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
)

func testAddContainer(t *testing.T, newStore func(t *testing.T) state.Store) {
	noID := NewConfig("", "no-id", timeAt(0))
	noName := NewConfig(ID("no-name"), "", timeAt(0))
	tests := []struct {
		name string
		cfg  *define.ContainerConfig
		st   *define.ContainerState
		want error
	}{
		{"new", NewConfig(ID("new"), "new", timeAt(1)), NewState(), nil},
		{"nil config", nil, NewState(), define.ErrInvalidArg},
		{"nil state", NewConfig(ID("nil-state"), "nil-state", timeAt(1)), nil, define.ErrInvalidArg},
		{"empty ID", noID, NewState(), define.ErrInvalidArg},
		{"empty name", noName, NewState(), define.ErrInvalidArg},
		{"ID in use", NewConfig(ID(name(0)), "other", timeAt(1)), NewState(), define.ErrExists},
		{"name in use", NewConfig(ID("other"), name(0), timeAt(1)), NewState(), define.ErrExists},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			existing := mustAdd(t, s, 0)
			checkErr(t, s.AddContainer(tc.cfg, tc.st), tc.want)

			all, err := s.AllContainers()
			checkErr(t, err, nil)
			wantN := 1
			if tc.want == nil {
				wantN = 2
				rec, err := s.Container(tc.cfg.ID)
				checkErr(t, err, nil)
				EqualJSON(t, "config", rec.Config, tc.cfg)
				EqualJSON(t, "state", rec.State, tc.st)
			}
			if len(all) != wantN {
				t.Fatalf("store holds %d containers, want %d", len(all), wantN)
			}
			// A refused add leaves the existing record alone.
			rec, err := s.Container(existing.ID)
			checkErr(t, err, nil)
			EqualJSON(t, "existing config", rec.Config, existing)
		})
	}
}

func testContainerCopies(t *testing.T, s state.Store) {
	_, err := s.Container(ID("missing"))
	checkErr(t, err, define.ErrNotFound)

	cfg := mustAdd(t, s, 0)
	rec, err := s.Container(cfg.ID)
	checkErr(t, err, nil)
	rec.Config.Name = "changed"
	rec.Config.Spec.Process.Args[0] = "changed"
	rec.State.Status = define.StatusRunning

	again, err := s.Container(cfg.ID)
	checkErr(t, err, nil)
	EqualJSON(t, "config", again.Config, cfg)
	EqualJSON(t, "state", again.State, NewState())
}

func testLookupContainer(t *testing.T, s state.Store) {
	a := mustAdd(t, s, 0)
	b := mustAdd(t, s, 1)
	// Two IDs sharing a prefix, to make it ambiguous.
	x := NewConfig("abcd1111", "x", timeAt(2))
	y := NewConfig("abcd2222", "y", timeAt(3))
	// A name that is another container's full ID, and one that is a prefix.
	byID := NewConfig(ID("by-id"), a.ID, timeAt(4))
	byPrefix := NewConfig(ID("by-prefix"), b.ID[:6], timeAt(5))
	for _, cfg := range []*define.ContainerConfig{x, y, byID, byPrefix} {
		checkErr(t, s.AddContainer(cfg, NewState()), nil)
	}

	tests := []struct {
		name, in, want string
		err            error
	}{
		{"full ID", b.ID, b.ID, nil},
		{"name", a.Name, a.ID, nil},
		{"unique prefix", b.ID[:12], b.ID, nil},
		{"full ID beats name", a.ID, a.ID, nil},
		{"name beats prefix", b.ID[:6], byPrefix.ID, nil},
		{"ambiguous prefix", "abcd", "", define.ErrInvalidArg},
		{"unknown", "nosuchcontainer", "", define.ErrNotFound},
		{"empty", "", "", define.ErrInvalidArg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.LookupContainer(tc.in)
			checkErr(t, err, tc.err)
			if got != tc.want {
				t.Fatalf("LookupContainer(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func testAllContainers(t *testing.T, s state.Store) {
	all, err := s.AllContainers()
	checkErr(t, err, nil)
	if len(all) != 0 {
		t.Fatalf("empty store lists %d containers", len(all))
	}

	// Added out of creation order; the hash IDs are in neither order. Equal
	// creation times are ordered by ID: "00…" sorts before any hex ID and
	// "zz…" after.
	for _, i := range []int{3, 1, 4, 0, 2} {
		mustAdd(t, s, i)
	}
	for _, id := range []string{"zztie", "00tie"} {
		checkErr(t, s.AddContainer(NewConfig(id, id, timeAt(2)), NewState()), nil)
	}
	want := []string{ID(name(0)), ID(name(1)), "00tie", ID(name(2)), "zztie", ID(name(3)), ID(name(4))}

	all, err = s.AllContainers()
	checkErr(t, err, nil)
	var got []string
	for _, rec := range all {
		if rec.Config == nil || rec.State == nil {
			t.Fatalf("record %+v lacks config or state", rec)
		}
		got = append(got, rec.Config.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("AllContainers order %v, want %v", got, want)
	}

	// Records come complete but for the spec.
	wantCfg := NewConfig(ID(name(0)), name(0), timeAt(0))
	wantCfg.Spec = nil
	EqualJSON(t, "listed config", all[0].Config, wantCfg)
	EqualJSON(t, "listed state", all[0].State, NewState())
}

func testSaveContainerState(t *testing.T, s state.Store) {
	cfg := mustAdd(t, s, 0)
	running := &define.ContainerState{
		Status:    define.StatusRunning,
		PID:       4242,
		StartedAt: time.Date(2025, 2, 3, 4, 5, 6, 7, time.UTC),
	}
	tests := []struct {
		name string
		id   string
		st   *define.ContainerState
		want error
	}{
		{"running", cfg.ID, running, nil},
		{"unknown ID", ID("missing"), running, define.ErrNotFound},
		{"nil state", cfg.ID, nil, define.ErrInvalidArg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, s.SaveContainerState(tc.id, tc.st), tc.want)
			rec, err := s.Container(cfg.ID)
			checkErr(t, err, nil)
			EqualJSON(t, "state", rec.State, running)
			EqualJSON(t, "config", rec.Config, cfg)
		})
	}
}

func testRenameContainer(t *testing.T, s state.Store) {
	a := mustAdd(t, s, 0)
	b := mustAdd(t, s, 1)
	tests := []struct {
		name, id, newName string
		want              error
	}{
		{"to its own name", a.ID, a.Name, nil},
		{"name in use", a.ID, b.Name, define.ErrExists},
		{"unknown ID", ID("missing"), "whatever", define.ErrNotFound},
		{"empty name", a.ID, "", define.ErrInvalidArg},
		{"free name", a.ID, "renamed", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, s.RenameContainer(tc.id, tc.newName), tc.want)
		})
	}

	rec, err := s.Container(a.ID)
	checkErr(t, err, nil)
	if rec.Config.Name != "renamed" {
		t.Fatalf("config name %q after rename, want %q", rec.Config.Name, "renamed")
	}
	id, err := s.LookupContainer("renamed")
	checkErr(t, err, nil)
	if id != a.ID {
		t.Fatalf("new name resolves to %s, want %s", id, a.ID)
	}
	_, err = s.LookupContainer(a.Name)
	checkErr(t, err, define.ErrNotFound)
	// The old name is free again.
	checkErr(t, s.AddContainer(NewConfig(ID("reuse"), a.Name, timeAt(9)), NewState()), nil)
}

func testRemoveContainer(t *testing.T, s state.Store) {
	a := mustAdd(t, s, 0)
	b := mustAdd(t, s, 1)
	checkErr(t, s.RemoveContainer(a.ID), nil)
	checkErr(t, s.RemoveContainer(a.ID), define.ErrNotFound)

	_, err := s.Container(a.ID)
	checkErr(t, err, define.ErrNotFound)
	_, err = s.LookupContainer(a.Name)
	checkErr(t, err, define.ErrNotFound)
	all, err := s.AllContainers()
	checkErr(t, err, nil)
	if len(all) != 1 || all[0].Config.ID != b.ID {
		t.Fatalf("after removal the store holds %d records, want only %s", len(all), b.ID)
	}
	// Name and ID are free again.
	checkErr(t, s.AddContainer(NewConfig(a.ID, a.Name, timeAt(5)), NewState()), nil)
}
