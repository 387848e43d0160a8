package state

import (
	"fmt"
	"strconv"

	"github.com/podlite/podlite/libpod/define"
	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the bucket layout this podlite reads and writes; doc.go
// draws it. Raising it means appending a migration below.
const SchemaVersion = 2

// Bucket and key names of the schema; see doc.go.
var (
	metaBucket    = []byte("meta")
	versionKey    = []byte("version")
	configsBucket = []byte("configs")
	specsBucket   = []byte("specs")
	statesBucket  = []byte("states")
	namesBucket   = []byte("names")
	volumesBucket = []byte("volumes")
	podsBucket    = []byte("pods")
	podStatesBkt  = []byte("podstates")
)

// migration moves a database from schema version-1 to version.
type migration struct {
	version int
	name    string
	migrate func(tx *bolt.Tx) error
}

// migrations is ordered by version, one step each. A database may be at any
// released version, so released entries are never edited or removed; a new
// database simply runs them all.
var migrations = []migration{
	{version: 1, name: "create container, spec, state, name and volume buckets", migrate: createV1Buckets},
	{version: 2, name: "create pod and pod state buckets", migrate: createV2Buckets},
}

func createV1Buckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{metaBucket, configsBucket, specsBucket, statesBucket, namesBucket, volumesBucket} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	return nil
}

// createV2Buckets adds pods. Their names share the names bucket with
// containers (as in podman, a pod and a container cannot have one name), so
// no existing record changes.
func createV2Buckets(tx *bolt.Tx) error {
	for _, name := range [][]byte{podsBucket, podStatesBkt} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("creating bucket %s: %w", name, err)
		}
	}
	return nil
}

// schemaVersion reads the version key; a database without one (just created
// by bbolt, no podlite write committed yet) is at version 0.
func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(metaBucket)
	if meta == nil {
		return 0, nil
	}
	raw := meta.Get(versionKey)
	if raw == nil {
		return 0, nil
	}
	v, err := strconv.Atoi(string(raw))
	if err != nil {
		return 0, fmt.Errorf("state database schema version %q is not a number: %w", raw, define.ErrInvalidState)
	}
	return v, nil
}

// migrate brings the database in tx up to the last version of list, running
// each missing step in order inside the caller's write transaction, so a
// failed step leaves the database untouched.
func migrate(tx *bolt.Tx, list []migration) error {
	target := list[len(list)-1].version
	v, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	if v > target {
		return newerSchemaError(v, target)
	}
	if v == target {
		return nil
	}
	for _, m := range list {
		if m.version <= v {
			continue
		}
		if err := m.migrate(tx); err != nil {
			return fmt.Errorf("migrating state database to schema version %d (%s): %w: %w",
				m.version, m.name, define.ErrInvalidState, err)
		}
	}
	meta, err := tx.CreateBucketIfNotExists(metaBucket)
	if err != nil {
		return fmt.Errorf("creating bucket %s: %w", metaBucket, err)
	}
	return meta.Put(versionKey, []byte(strconv.Itoa(target)))
}

// newerSchemaError refuses a database written by a newer podlite: guessing at
// a layout we do not know could destroy records.
func newerSchemaError(have, want int) error {
	return fmt.Errorf("state database schema version %d is newer than this podlite supports (%d): %w",
		have, want, define.ErrNotSupported)
}
