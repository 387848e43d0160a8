package state_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/state/statetest"
)

var updateFixtures = flag.Bool("update-fixtures", false,
	"write testdata/schema-v<SchemaVersion>.db from the current code (do this once per schema version)")

// The records in every fixture. They are spelled out here, not taken from
// statetest, so that changing test helpers cannot silently change what an
// old database is expected to hold.
var (
	fixtureCreated = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fixtureConfig  = define.ContainerConfig{
		ID:            "3f4e5d6c7b8a99887766554433221100ffeeddccbbaa00112233445566778899",
		Name:          "web",
		ImageName:     "docker.io/library/nginx:latest",
		Command:       []string{"nginx", "-g", "daemon off;"},
		Labels:        map[string]string{"app": "web"},
		CreatedAt:     fixtureCreated,
		Spec:          &spec.Spec{Version: "1.2.0", Process: &spec.Process{Args: []string{"nginx"}, Cwd: "/"}, Hostname: "web"},
		StopTimeout:   10,
		RestartPolicy: define.RestartPolicy{Name: "on-failure", MaxRetries: 3},
		LogDriver:     "k8s-file",
		NetworkMode:   "none",
		Volumes:       []string{"data"},
	}
	fixtureState = define.ContainerState{
		Status: define.StatusExited, ExitCode: 137, StartedAt: fixtureCreated, FinishedAt: fixtureCreated.Add(time.Hour),
	}
	// fixturePod is in databases of schema version 2 and later.
	fixturePod = define.PodConfig{
		ID: "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233", Name: "shop",
		Labels: map[string]string{"app": "shop"}, CreatedAt: fixtureCreated, Infra: true,
		InfraName: "aa11bb22cc33-infra", Share: []string{"ipc", "net", "uts"}, ExitPolicy: "continue",
	}
	fixturePodState = define.PodState{InfraID: "bb11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233"}
	fixtureVolume   = define.Volume{Name: "data", Driver: "local", Mountpoint: "/var/lib/podlite/volumes/data/_data", CreatedAt: fixtureCreated}
)

func writeFixture(t *testing.T, path string) {
	t.Helper()
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}
	s, err := state.NewBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	cfg, st, vol := fixtureConfig, fixtureState, fixtureVolume
	if err := s.AddContainer(&cfg, &st); err != nil {
		t.Fatal(err)
	}
	if err := s.AddVolume(&vol); err != nil {
		t.Fatal(err)
	}
	pod, podState := fixturePod, fixturePodState
	if err := s.AddPod(&pod, &podState); err != nil {
		t.Fatal(err)
	}
}

// TestSchemaFixtures opens a database of every released schema version, as
// an older podlite left it, and reads the records back.
func TestSchemaFixtures(t *testing.T) {
	if *updateFixtures {
		writeFixture(t, filepath.Join("testdata", fmt.Sprintf("schema-v%d.db", state.SchemaVersion)))
	}
	for v := 1; v <= state.SchemaVersion; v++ {
		t.Run(fmt.Sprintf("v%d", v), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", fmt.Sprintf("schema-v%d.db", v)))
			if err != nil {
				t.Fatal(err)
			}
			// A copy, since opening may migrate it.
			path := filepath.Join(t.TempDir(), "podlite.db")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := state.NewBoltStore(path)
			if err != nil {
				t.Fatal(err)
			}
			id, err := s.LookupContainer(fixtureConfig.Name)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := s.Container(id)
			if err != nil {
				t.Fatal(err)
			}
			statetest.EqualJSON(t, "config", rec.Config, &fixtureConfig)
			statetest.EqualJSON(t, "state", rec.State, &fixtureState)
			vols, err := s.AllVolumes()
			if err != nil {
				t.Fatal(err)
			}
			statetest.EqualJSON(t, "volumes", vols, []*define.Volume{&fixtureVolume})
			pods, err := s.AllPods()
			if err != nil {
				t.Fatal(err)
			}
			var want []state.PodRecord
			if v >= 2 {
				want = append(want, state.PodRecord{Config: &fixturePod, State: &fixturePodState})
			}
			statetest.EqualJSON(t, "pods", pods, want)
		})
	}
}
