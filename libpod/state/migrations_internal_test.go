package state

import (
	"errors"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	bolt "go.etcd.io/bbolt"
)

func openTestDB(t *testing.T) *bolt.DB {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "podlite.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func versionOf(t *testing.T, db *bolt.DB) int {
	t.Helper()
	var v int
	err := db.View(func(tx *bolt.Tx) (err error) {
		v, err = schemaVersion(tx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func setVersion(t *testing.T, db *bolt.DB, v int) {
	t.Helper()
	err := db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(metaBucket)
		if err != nil {
			return err
		}
		return meta.Put(versionKey, []byte(strconv.Itoa(v)))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsList(t *testing.T) {
	for i, m := range migrations {
		if m.version != i+1 {
			t.Errorf("migration %d (%s) has version %d, want %d: steps are consecutive from 1", i, m.name, m.version, i+1)
		}
		if m.name == "" || m.migrate == nil {
			t.Errorf("migration to version %d lacks a name or a function", m.version)
		}
	}
	if last := migrations[len(migrations)-1].version; last != SchemaVersion {
		t.Errorf("last migration reaches version %d, SchemaVersion is %d", last, SchemaVersion)
	}
}

func TestMigrateNewDatabase(t *testing.T) {
	db := openTestDB(t)
	for range 2 { // the second run must change nothing
		if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, migrations) }); err != nil {
			t.Fatal(err)
		}
	}
	if v := versionOf(t, db); v != SchemaVersion {
		t.Fatalf("version %d after migrating, want %d", v, SchemaVersion)
	}
	err := db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{metaBucket, configsBucket, specsBucket, statesBucket, namesBucket, volumesBucket, podsBucket, podStatesBkt} {
			if tx.Bucket(name) == nil {
				t.Errorf("bucket %s missing", name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateRunsMissingStepsInOrder(t *testing.T) {
	db := openTestDB(t)
	setVersion(t, db, SchemaVersion)
	var ran []int
	step := func(v int) migration {
		return migration{version: v, name: "test step", migrate: func(*bolt.Tx) error {
			ran = append(ran, v)
			return nil
		}}
	}
	list := append(slices.Clone(migrations), step(SchemaVersion+1), step(SchemaVersion+2))

	if err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, list) }); err != nil {
		t.Fatal(err)
	}
	if want := []int{SchemaVersion + 1, SchemaVersion + 2}; !slices.Equal(ran, want) {
		t.Fatalf("ran steps %v, want %v", ran, want)
	}
	if v := versionOf(t, db); v != SchemaVersion+2 {
		t.Fatalf("version %d, want %d", v, SchemaVersion+2)
	}
}

func TestMigrateFailedStep(t *testing.T) {
	db := openTestDB(t)
	setVersion(t, db, SchemaVersion)
	boom := errors.New("boom")
	list := append(slices.Clone(migrations),
		migration{version: SchemaVersion + 1, name: "failing step", migrate: func(*bolt.Tx) error { return boom }})

	err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, list) })
	if !errors.Is(err, define.ErrInvalidState) || !errors.Is(err, boom) {
		t.Fatalf("error %v, want ErrInvalidState wrapping the step's error", err)
	}
	if v := versionOf(t, db); v != SchemaVersion {
		t.Fatalf("version %d after a failed step, want %d unchanged", v, SchemaVersion)
	}
}

func TestMigrateNewerDatabase(t *testing.T) {
	db := openTestDB(t)
	setVersion(t, db, SchemaVersion+1)
	err := db.Update(func(tx *bolt.Tx) error { return migrate(tx, migrations) })
	if !errors.Is(err, define.ErrNotSupported) {
		t.Fatalf("error %v, want ErrNotSupported", err)
	}
}
