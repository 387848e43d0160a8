package state

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/podlite/podlite/libpod/define"
)

// engine runs transactions over the schema's buckets. The bolt and memory
// stores are engines; txStore holds everything they share, so the two
// cannot drift apart and the conformance suite covers the logic twice.
type engine interface {
	// view runs fn in a read transaction.
	view(fn func(t *tables) error) error
	// update runs fn in a write transaction, committed only if fn returns nil.
	update(fn func(t *tables) error) error
}

// bucket is one key/value table of the schema (doc.go). Values are only
// valid inside the transaction that read them.
type bucket interface {
	get(key string) []byte
	put(key string, value []byte) error
	delete(key string) error
	// forEach visits every pair in byte order of the keys.
	forEach(fn func(key string, value []byte) error) error
	// withPrefix returns at most max keys that start with prefix.
	withPrefix(prefix string, max int) []string
}

// tables are the schema's buckets as one transaction sees them.
type tables struct {
	configs, specs, states, names, volumes bucket
	pods, podStates                        bucket
}

// txStore implements Store on top of an engine.
type txStore struct {
	engine engine
}

// AddContainer implements Store.
func (s txStore) AddContainer(cfg *define.ContainerConfig, st *define.ContainerState) error {
	if err := checkNewContainer(cfg, st); err != nil {
		return err
	}
	cfgJSON, specJSON, err := encodeConfig(cfg)
	if err != nil {
		return err
	}
	stJSON, err := encode("state of container "+cfg.ID, st)
	if err != nil {
		return err
	}
	return s.engine.update(func(t *tables) error {
		if t.configs.get(cfg.ID) != nil {
			return fmt.Errorf("adding container %s: ID in use: %w", cfg.ID, define.ErrExists)
		}
		if other := t.names.get(cfg.Name); other != nil {
			return fmt.Errorf("adding container %s: name %q is in use by %s %s: %w",
				cfg.ID, cfg.Name, t.kindOf(string(other)), other, define.ErrExists)
		}
		if cfg.Pod != "" && t.pods.get(cfg.Pod) == nil {
			return fmt.Errorf("adding container %s to pod %s: %w", cfg.ID, cfg.Pod, podNotFound(cfg.Pod))
		}
		return firstError(
			t.configs.put(cfg.ID, cfgJSON),
			t.specs.put(cfg.ID, specJSON),
			t.states.put(cfg.ID, stJSON),
			t.names.put(cfg.Name, []byte(cfg.ID)),
		)
	})
}

// Container implements Store.
func (s txStore) Container(id string) (Record, error) {
	var rec Record
	err := s.engine.view(func(t *tables) error {
		cfgJSON := t.configs.get(id)
		if cfgJSON == nil {
			return containerNotFound(id)
		}
		var err error
		if rec, err = decodeRecord(id, cfgJSON, t.states.get(id)); err != nil {
			return err
		}
		specJSON := t.specs.get(id)
		if specJSON == nil {
			return fmt.Errorf("container %s has a config but no spec record: %w", id, define.ErrInvalidState)
		}
		return decode("spec of container "+id, specJSON, &rec.Config.Spec)
	})
	return rec, err
}

// LookupContainer implements Store. It tries a full ID, then a name, then an
// ID prefix: full IDs go first so that a container can always be reached by
// its ID, whatever names others were given.
func (s txStore) LookupContainer(nameOrID string) (string, error) {
	if nameOrID == "" {
		return "", fmt.Errorf("looking up container: empty name or ID: %w", define.ErrInvalidArg)
	}
	var id string
	err := s.engine.view(func(t *tables) (err error) {
		id, err = t.lookup(t.configs, "container", nameOrID, func() error {
			return fmt.Errorf("no container with name or ID %q found: %w", nameOrID, define.ErrNoSuchContainer)
		})
		return err
	})
	return id, err
}

// lookup resolves nameOrID to a key of records (containers' configs or
// pods): a full ID, then a name whose ID is in records (containers and pods
// share the names bucket), then a unique ID prefix.
func (t *tables) lookup(records bucket, kind, nameOrID string, notFound func() error) (string, error) {
	if records.get(nameOrID) != nil {
		return nameOrID, nil
	}
	if named := t.names.get(nameOrID); named != nil && records.get(string(named)) != nil {
		return string(named), nil
	}
	switch ids := records.withPrefix(nameOrID, 2); len(ids) {
	case 0:
		return "", notFound()
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%s ID prefix %q matches more than one %s: %w", kind, nameOrID, kind, define.ErrInvalidArg)
}

// AllContainers implements Store.
func (s txStore) AllContainers() ([]Record, error) {
	var recs []Record
	err := s.engine.view(func(t *tables) error {
		return t.configs.forEach(func(id string, cfgJSON []byte) error {
			rec, err := decodeRecord(id, cfgJSON, t.states.get(id))
			recs = append(recs, rec)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b Record) int {
		if c := a.Config.CreatedAt.Compare(b.Config.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Config.ID, b.Config.ID)
	})
	return recs, nil
}

// SaveContainerState implements Store.
func (s txStore) SaveContainerState(id string, st *define.ContainerState) error {
	if st == nil {
		return fmt.Errorf("saving state of container %s: no state given: %w", id, define.ErrInvalidArg)
	}
	stJSON, err := encode("state of container "+id, st)
	if err != nil {
		return err
	}
	return s.engine.update(func(t *tables) error {
		if t.configs.get(id) == nil {
			return containerNotFound(id)
		}
		return t.states.put(id, stJSON)
	})
}

// RenameContainer implements Store. Renaming a container to its own name is
// a no-op.
func (s txStore) RenameContainer(id, newName string) error {
	if newName == "" {
		return fmt.Errorf("renaming container %s: empty name: %w", id, define.ErrInvalidArg)
	}
	return s.engine.update(func(t *tables) error {
		cfgJSON := t.configs.get(id)
		if cfgJSON == nil {
			return containerNotFound(id)
		}
		var cfg define.ContainerConfig
		if err := decode("config of container "+id, cfgJSON, &cfg); err != nil {
			return err
		}
		if cfg.Name == newName {
			return nil
		}
		if other := t.names.get(newName); other != nil {
			return fmt.Errorf("renaming container %s to %q: name is in use by %s %s: %w",
				id, newName, t.kindOf(string(other)), other, define.ErrExists)
		}
		oldName := cfg.Name
		cfg.Name = newName
		newJSON, err := encode("config of container "+id, &cfg)
		if err != nil {
			return err
		}
		return firstError(
			t.names.delete(oldName),
			t.names.put(newName, []byte(id)),
			t.configs.put(id, newJSON),
		)
	})
}

// RemoveContainer implements Store.
func (s txStore) RemoveContainer(id string) error {
	return s.engine.update(func(t *tables) error {
		cfgJSON := t.configs.get(id)
		if cfgJSON == nil {
			return containerNotFound(id)
		}
		var cfg define.ContainerConfig
		if err := decode("config of container "+id, cfgJSON, &cfg); err != nil {
			return err
		}
		return firstError(
			t.names.delete(cfg.Name),
			t.states.delete(id),
			t.specs.delete(id),
			t.configs.delete(id),
		)
	})
}

// AddVolume implements Store.
func (s txStore) AddVolume(v *define.Volume) error {
	if v == nil || v.Name == "" {
		return fmt.Errorf("adding volume: empty name: %w", define.ErrInvalidArg)
	}
	data, err := encode("volume "+v.Name, v)
	if err != nil {
		return err
	}
	return s.engine.update(func(t *tables) error {
		if t.volumes.get(v.Name) != nil {
			return fmt.Errorf("adding volume %q: name in use: %w", v.Name, define.ErrExists)
		}
		return t.volumes.put(v.Name, data)
	})
}

// Volume implements Store.
func (s txStore) Volume(name string) (*define.Volume, error) {
	var v *define.Volume
	err := s.engine.view(func(t *tables) error {
		data := t.volumes.get(name)
		if data == nil {
			return volumeNotFound(name)
		}
		v = new(define.Volume)
		return decode("volume "+name, data, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// AllVolumes implements Store.
func (s txStore) AllVolumes() ([]*define.Volume, error) {
	var vols []*define.Volume
	err := s.engine.view(func(t *tables) error {
		return t.volumes.forEach(func(name string, data []byte) error {
			v := new(define.Volume)
			vols = append(vols, v)
			return decode("volume "+name, data, v)
		})
	})
	if err != nil {
		return nil, err
	}
	return vols, nil
}

// RemoveVolume implements Store.
func (s txStore) RemoveVolume(name string) error {
	return s.engine.update(func(t *tables) error {
		if t.volumes.get(name) == nil {
			return volumeNotFound(name)
		}
		return t.volumes.delete(name)
	})
}

// firstError returns the first non-nil error. Within a write transaction
// the rest of the writes are discarded with it, so running them all first
// costs nothing.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
