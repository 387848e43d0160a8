package state

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/podlite/podlite/libpod/define"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// openTimeout bounds the wait for another process's flock on the database;
// transactions are short, so a long wait means a stuck process.
const openTimeout = 10 * time.Second

// BoltStore is the Store kept in one bbolt file.
//
// The file is opened for each operation and closed after it: an open
// read-write bbolt holds an exclusive flock, which would serialize every
// other podlite process for as long as this one lives. Reads open it
// read-only under a shared flock, so concurrent `ps` and `inspect` do not
// wait for each other. The file is created, and its schema migrated, by the
// first write; until then reads see an empty store.
type BoltStore struct {
	txStore
	path    string
	timeout time.Duration
}

var _ Store = (*BoltStore)(nil)

// NewBoltStore returns a store kept at path. It runs at the start of every
// podlite command, so it only checks that path is not a directory: the
// database is opened, created or migrated by the operations themselves.
func NewBoltStore(path string) (*BoltStore, error) {
	if path == "" {
		return nil, fmt.Errorf("opening state database: empty path: %w", define.ErrInvalidArg)
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("state database %s %w: %w", path, define.ErrUnavailable, err)
	case fi.IsDir():
		return nil, fmt.Errorf("state database %s is a directory: %w", path, define.ErrInvalidArg)
	}
	s := &BoltStore{path: path, timeout: openTimeout}
	s.txStore = txStore{engine: s}
	return s, nil
}

// errNoDatabase says the file does not exist yet (or is being created).
var errNoDatabase = errors.New("no state database yet")

// errOldSchema makes view migrate the database and read again.
var errOldSchema = fmt.Errorf("state database schema is older than version %d: %w", SchemaVersion, define.ErrInvalidState)

func (s *BoltStore) view(fn func(t *tables) error) error {
	err := s.viewOnce(fn)
	if errors.Is(err, errOldSchema) {
		// Migrating takes the exclusive flock, which a reader holding the
		// shared one could never get: close, migrate, read again.
		if err := s.update(func(*tables) error { return nil }); err != nil {
			return err
		}
		err = s.viewOnce(fn)
	}
	return err
}

func (s *BoltStore) viewOnce(fn func(t *tables) error) error {
	db, err := s.openReadOnly()
	if errors.Is(err, errNoDatabase) {
		return fn(boltTables(nil))
	}
	if err != nil {
		return err
	}
	err = db.View(func(tx *bolt.Tx) error {
		switch v, err := schemaVersion(tx); {
		case err != nil:
			return err
		case v > SchemaVersion:
			return newerSchemaError(v, SchemaVersion)
		case v < SchemaVersion:
			return errOldSchema
		}
		return fn(boltTables(tx))
	})
	if closeErr := db.Close(); closeErr != nil && err == nil {
		err = fmt.Errorf("closing state database %s: %w: %w", s.path, define.ErrUnavailable, closeErr)
	}
	return err
}

func (s *BoltStore) openReadOnly() (*bolt.DB, error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{ReadOnly: true, Timeout: s.timeout})
	if err == nil {
		return db, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoDatabase
	}
	// A writer creating the file holds it empty until it gets its flock,
	// and a read-only bbolt cannot initialise it: nothing to read yet.
	if fi, statErr := os.Stat(s.path); statErr == nil && fi.Size() == 0 {
		return nil, errNoDatabase
	}
	return nil, s.openError(err)
}

func (s *BoltStore) update(fn func(t *tables) error) (retErr error) {
	db, err := bolt.Open(s.path, 0o600, &bolt.Options{Timeout: s.timeout})
	if err != nil {
		return s.openError(err)
	}
	defer func() {
		if err := db.Close(); err != nil && retErr == nil {
			retErr = fmt.Errorf("closing state database %s: %w: %w", s.path, define.ErrUnavailable, err)
		}
	}()
	tx, err := db.Begin(true)
	if err != nil {
		return fmt.Errorf("state database %s %w: %w", s.path, define.ErrUnavailable, err)
	}
	// After a commit this is a no-op; on any error or panic it frees the
	// write lock, which Close would otherwise wait for forever.
	defer func() { _ = tx.Rollback() }()
	// Every write migrates first, in its own transaction, so no record is
	// ever written in an old layout.
	if err := migrate(tx, migrations); err != nil {
		return err
	}
	if err := fn(boltTables(tx)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing to state database %s: %w: %w", s.path, define.ErrUnavailable, err)
	}
	return nil
}

func (s *BoltStore) openError(err error) error {
	if errors.Is(err, berrors.ErrTimeout) {
		return fmt.Errorf("state database %s %w: locked by another process for %s", s.path, define.ErrUnavailable, s.timeout)
	}
	return fmt.Errorf("state database %s %w: %w", s.path, define.ErrUnavailable, err)
}

// boltTables maps the schema's buckets in tx; a nil tx (no database yet)
// gives empty tables.
func boltTables(tx *bolt.Tx) *tables {
	b := func(name []byte) bucket {
		if tx == nil {
			return boltBucket{name: name}
		}
		return boltBucket{b: tx.Bucket(name), name: name}
	}
	return &tables{
		configs: b(configsBucket), specs: b(specsBucket), states: b(statesBucket),
		names: b(namesBucket), volumes: b(volumesBucket),
		pods: b(podsBucket), podStates: b(podStatesBkt),
	}
}

// boltBucket adapts a bbolt bucket; a nil one reads as empty, which is how a
// database without podlite's buckets yet looks.
type boltBucket struct {
	b    *bolt.Bucket
	name []byte
}

func (b boltBucket) get(key string) []byte {
	if b.b == nil {
		return nil
	}
	return b.b.Get([]byte(key))
}

// missing reports a write to a bucket that a database at the current schema
// version should have.
func (b boltBucket) missing() error {
	return fmt.Errorf("state database has no bucket %s: %w", b.name, define.ErrInvalidState)
}

func (b boltBucket) put(key string, value []byte) error {
	if b.b == nil {
		return b.missing()
	}
	if err := b.b.Put([]byte(key), value); err != nil {
		return fmt.Errorf("storing %q in bucket %s: %w: %w", key, b.name, define.ErrInvalidArg, err)
	}
	return nil
}

func (b boltBucket) delete(key string) error {
	if b.b == nil {
		return b.missing()
	}
	if err := b.b.Delete([]byte(key)); err != nil {
		return fmt.Errorf("deleting %q from bucket %s: %w: %w", key, b.name, define.ErrInvalidArg, err)
	}
	return nil
}

func (b boltBucket) forEach(fn func(key string, value []byte) error) error {
	if b.b == nil {
		return nil
	}
	return b.b.ForEach(func(k, v []byte) error { return fn(string(k), v) })
}

func (b boltBucket) withPrefix(prefix string, max int) []string {
	if b.b == nil {
		return nil
	}
	var keys []string
	p := []byte(prefix)
	c := b.b.Cursor()
	for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p) && len(keys) < max; k, _ = c.Next() {
		keys = append(keys, string(k))
	}
	return keys
}
