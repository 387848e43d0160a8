package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/atomicfile"
)

// MaxSize is the largest secret, podman's bound.
const MaxSize = 512000

// Secret is one secret's record.
type Secret struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Driver        string            `json:"driver"`
	DriverOptions map[string]string `json:"driverOptions"`
	Labels        map[string]string `json:"labels,omitempty"`
	CreatedAt     time.Time         `json:"createdAt"`
	UpdatedAt     time.Time         `json:"updatedAt"`
}

// CreateOptions tune Create.
type CreateOptions struct {
	// Driver is "file" (the default, and the only one).
	Driver string
	Labels map[string]string
	// Replace replaces a secret of the same name, keeping its ID.
	Replace bool
}

// Store is the secrets under one root. Every method takes the store's
// lock, so that concurrent podlite processes see whole records.
type Store struct{ dir string }

// New returns the store in dir (ROOT/secrets), created on first write.
func New(dir string) *Store { return &Store{dir: dir} }

type records map[string]*Secret

var nameRule = regexp.MustCompile(`^[^=/,\x00]{1,253}$`)

// errNoSuch is podman's wording for a secret that does not exist.
func errNoSuch(nameOrID string) error {
	return define.Worded(fmt.Sprintf("no secret with name or id %q: no such secret", nameOrID), define.ErrNotFound)
}

// Create stores a new secret and returns it.
func (s *Store) Create(name string, data []byte, opts CreateOptions) (*Secret, error) {
	if !nameRule.MatchString(name) {
		return nil, fmt.Errorf("secret name %q can not include '=', '/', ',', or the '\\0' (NULL) and be between 1 and 253 characters: %w", name, define.ErrInvalidArg)
	}
	if len(data) == 0 || len(data) >= MaxSize {
		return nil, fmt.Errorf("secret data must be larger than 0 and less than %d bytes: %w", MaxSize, define.ErrInvalidArg)
	}
	switch opts.Driver {
	case "", "file":
	default:
		return nil, fmt.Errorf("secret driver %q is not supported: podlite has the file driver: %w", opts.Driver, define.ErrNotSupported)
	}
	var out *Secret
	err := s.update(func(recs records) error {
		now := time.Now()
		sec := &Secret{Name: name, Driver: "file", DriverOptions: map[string]string{"path": s.dataDir()},
			Labels: opts.Labels, CreatedAt: now, UpdatedAt: now}
		if old := recs.byName(name); old != nil {
			if !opts.Replace {
				return define.Worded(name+": secret name in use", define.ErrExists)
			}
			sec.ID, sec.CreatedAt = old.ID, old.CreatedAt
		} else {
			sec.ID = newID()
		}
		if err := atomicfile.WriteFile(filepath.Join(s.dataDir(), sec.ID), data, 0o600); err != nil {
			return err
		}
		recs[sec.ID], out = sec, sec
		return nil
	})
	return out, err
}

// Lookup finds a secret by name, full ID or unique ID prefix.
func (s *Store) Lookup(nameOrID string) (*Secret, error) {
	var out *Secret
	err := s.read(func(recs records) error {
		var err error
		out, err = recs.lookup(nameOrID)
		return err
	})
	return out, err
}

// Data is a secret's record and its data.
func (s *Store) Data(nameOrID string) (*Secret, []byte, error) {
	sec, err := s.Lookup(nameOrID)
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(filepath.Join(s.dataDir(), sec.ID))
	if err != nil {
		return nil, nil, fmt.Errorf("reading secret %s: %w", sec.Name, err)
	}
	return sec, b, nil
}

// List is every secret, newest first (as podman lists them).
func (s *Store) List() ([]*Secret, error) {
	var out []*Secret
	err := s.read(func(recs records) error {
		for _, sec := range recs {
			out = append(out, sec)
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, err
}

// Remove deletes a secret and its data and returns its ID. Containers
// keep the copies they were created with.
func (s *Store) Remove(nameOrID string) (string, error) {
	var id string
	err := s.update(func(recs records) error {
		sec, err := recs.lookup(nameOrID)
		if err != nil {
			return err
		}
		if err := os.Remove(filepath.Join(s.dataDir(), sec.ID)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("removing secret %s: %w", sec.Name, err)
		}
		delete(recs, sec.ID)
		id = sec.ID
		return nil
	})
	return id, err
}

func (r records) byName(name string) *Secret {
	for _, sec := range r {
		if sec.Name == name {
			return sec
		}
	}
	return nil
}

func (r records) lookup(nameOrID string) (*Secret, error) {
	if sec := r.byName(nameOrID); sec != nil {
		return sec, nil
	}
	if sec, ok := r[nameOrID]; ok {
		return sec, nil
	}
	var found *Secret
	for id, sec := range r {
		if nameOrID != "" && strings.HasPrefix(id, nameOrID) {
			if found != nil {
				return nil, fmt.Errorf("more than one secret matches ID prefix %q: %w", nameOrID, define.ErrInvalidArg)
			}
			found = sec
		}
	}
	if found == nil {
		return nil, errNoSuch(nameOrID)
	}
	return found, nil
}

func (s *Store) dataDir() string { return filepath.Join(s.dir, "filedriver") }

func (s *Store) recordsPath() string { return filepath.Join(s.dir, "secrets.json") }

// read runs fn over the records under a shared lock.
func (s *Store) read(fn func(records) error) error {
	return s.locked(syscall.LOCK_SH, func() error {
		recs, err := s.load()
		if err != nil {
			return err
		}
		return fn(recs)
	})
}

// update runs fn over the records under the exclusive lock and saves them
// when it succeeds.
func (s *Store) update(fn func(records) error) error {
	return s.locked(syscall.LOCK_EX, func() error {
		recs, err := s.load()
		if err != nil {
			return err
		}
		if err := fn(recs); err != nil {
			return err
		}
		b, err := json.Marshal(recs)
		if err != nil {
			return err
		}
		return atomicfile.WriteFile(s.recordsPath(), b, 0o600)
	})
}

func (s *Store) locked(how int, fn func() error) error {
	if err := os.MkdirAll(s.dataDir(), 0o700); err != nil {
		return fmt.Errorf("creating the secrets directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(s.dir, "secrets.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("opening the secrets lock: %w", err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), how); err != nil {
		return fmt.Errorf("locking the secrets: %w", err)
	}
	return fn()
}

func (s *Store) load() (records, error) {
	recs := records{}
	b, err := os.ReadFile(s.recordsPath())
	if errors.Is(err, os.ErrNotExist) {
		return recs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the secrets: %w", err)
	}
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, fmt.Errorf("reading %s: %w", s.recordsPath(), err)
	}
	return recs, nil
}

// newID is a secret ID as podman's: 25 hex digits.
func newID() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:25]
}
