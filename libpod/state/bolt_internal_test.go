package state

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	bolt "go.etcd.io/bbolt"
)

func TestBoltStoreLockedDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "podlite.db")
	// An open read-write bbolt holds the exclusive flock, as a stuck podlite
	// process would.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	s, err := NewBoltStore(path)
	if err != nil {
		t.Fatal(err)
	}
	s.timeout = 100 * time.Millisecond
	if _, err := s.AllContainers(); !errors.Is(err, define.ErrUnavailable) {
		t.Fatalf("read error %v, want ErrUnavailable", err)
	}
	if err := s.AddVolume(&define.Volume{Name: "v"}); !errors.Is(err, define.ErrUnavailable) {
		t.Fatalf("write error %v, want ErrUnavailable", err)
	}
}

// TestBoltStoreSchemaVersions opens files as other podlite versions left
// them: an empty bbolt (version 0) is migrated by the first read, a newer
// schema is refused by reads and writes.
func TestBoltStoreSchemaVersions(t *testing.T) {
	tests := []struct {
		name    string
		version int
		want    error
	}{
		{"no version yet", 0, nil},
		{"current", SchemaVersion, nil},
		{"newer", SchemaVersion + 1, define.ErrNotSupported},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "podlite.db")
			db, err := bolt.Open(path, 0o600, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.version {
			case 0:
			case SchemaVersion:
				if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, migrations) }); err != nil {
					t.Fatal(err)
				}
			default:
				setVersion(t, db, tc.version)
			}
			if err := db.Close(); err != nil {
				t.Fatal(err)
			}

			s, err := NewBoltStore(path)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.AllVolumes(); !errors.Is(err, tc.want) {
				t.Fatalf("read error %v, want %v", err, tc.want)
			}
			if err := s.AddVolume(&define.Volume{Name: "v"}); !errors.Is(err, tc.want) {
				t.Fatalf("write error %v, want %v", err, tc.want)
			}
			if tc.want != nil {
				return
			}
			db, err = bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v := versionOf(t, db); v != SchemaVersion {
				t.Fatalf("version %d after use, want %d", v, SchemaVersion)
			}
		})
	}
}
