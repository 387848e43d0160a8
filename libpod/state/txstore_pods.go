package state

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/podlite/podlite/libpod/define"
)

// AddPod implements Store.
func (s txStore) AddPod(cfg *define.PodConfig, st *define.PodState) error {
	switch {
	case cfg == nil || st == nil:
		return fmt.Errorf("adding pod: config and state are required: %w", define.ErrInvalidArg)
	case cfg.ID == "":
		return fmt.Errorf("adding pod %q: empty ID: %w", cfg.Name, define.ErrInvalidArg)
	case cfg.Name == "":
		return fmt.Errorf("adding pod %s: empty name: %w", cfg.ID, define.ErrInvalidArg)
	}
	cfgJSON, err := encode("config of pod "+cfg.ID, cfg)
	if err != nil {
		return err
	}
	stJSON, err := encode("state of pod "+cfg.ID, st)
	if err != nil {
		return err
	}
	return s.engine.update(func(t *tables) error {
		if t.pods.get(cfg.ID) != nil || t.configs.get(cfg.ID) != nil {
			return fmt.Errorf("adding pod %s: ID in use: %w", cfg.ID, define.ErrExists)
		}
		if other := t.names.get(cfg.Name); other != nil {
			return fmt.Errorf("adding pod %s: name %q is in use by %s %s: %w",
				cfg.ID, cfg.Name, t.kindOf(string(other)), other, define.ErrExists)
		}
		return firstError(
			t.pods.put(cfg.ID, cfgJSON),
			t.podStates.put(cfg.ID, stJSON),
			t.names.put(cfg.Name, []byte(cfg.ID)),
		)
	})
}

// Pod implements Store.
func (s txStore) Pod(id string) (PodRecord, error) {
	var rec PodRecord
	err := s.engine.view(func(t *tables) (err error) {
		cfgJSON := t.pods.get(id)
		if cfgJSON == nil {
			return podNotFound(id)
		}
		rec, err = decodePodRecord(id, cfgJSON, t.podStates.get(id))
		return err
	})
	return rec, err
}

// LookupPod implements Store, in LookupContainer's order: full ID, name,
// ID prefix.
func (s txStore) LookupPod(nameOrID string) (string, error) {
	if nameOrID == "" {
		return "", fmt.Errorf("looking up pod: empty name or ID: %w", define.ErrInvalidArg)
	}
	var id string
	err := s.engine.view(func(t *tables) (err error) {
		id, err = t.lookup(t.pods, "pod", nameOrID, func() error { return podNotFound(nameOrID) })
		return err
	})
	return id, err
}

// AllPods implements Store.
func (s txStore) AllPods() ([]PodRecord, error) {
	var recs []PodRecord
	err := s.engine.view(func(t *tables) error {
		return t.pods.forEach(func(id string, cfgJSON []byte) error {
			rec, err := decodePodRecord(id, cfgJSON, t.podStates.get(id))
			recs = append(recs, rec)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(recs, func(a, b PodRecord) int {
		if c := a.Config.CreatedAt.Compare(b.Config.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.Config.ID, b.Config.ID)
	})
	return recs, nil
}

// SavePodState implements Store.
func (s txStore) SavePodState(id string, st *define.PodState) error {
	if st == nil {
		return fmt.Errorf("saving state of pod %s: no state given: %w", id, define.ErrInvalidArg)
	}
	stJSON, err := encode("state of pod "+id, st)
	if err != nil {
		return err
	}
	return s.engine.update(func(t *tables) error {
		if t.pods.get(id) == nil {
			return podNotFound(id)
		}
		return t.podStates.put(id, stJSON)
	})
}

// RemovePod implements Store. Membership is read from the containers'
// configs in the same transaction, so no container can join the pod
// between the check and the removal.
func (s txStore) RemovePod(id string) error {
	return s.engine.update(func(t *tables) error {
		cfgJSON := t.pods.get(id)
		if cfgJSON == nil {
			return podNotFound(id)
		}
		var cfg define.PodConfig
		if err := decode("config of pod "+id, cfgJSON, &cfg); err != nil {
			return err
		}
		err := t.configs.forEach(func(ctrID string, ctrJSON []byte) error {
			var ctr struct {
				Name string `json:"name"`
				Pod  string `json:"pod"`
			}
			if err := decode("config of container "+ctrID, ctrJSON, &ctr); err != nil {
				return err
			}
			if ctr.Pod == id {
				return fmt.Errorf("removing pod %s: container %s still belongs to it: %w", cfg.Name, ctr.Name, define.ErrInvalidState)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return firstError(
			t.names.delete(cfg.Name),
			t.podStates.delete(id),
			t.pods.delete(id),
		)
	})
}

// kindOf names what an ID in the names bucket is, for error messages.
func (t *tables) kindOf(id string) string {
	if t.pods.get(id) != nil {
		return "pod"
	}
	return "container"
}

func decodePodRecord(id string, cfgJSON, stJSON []byte) (PodRecord, error) {
	if stJSON == nil {
		return PodRecord{}, fmt.Errorf("pod %s has a config but no state record: %w", id, define.ErrInvalidState)
	}
	rec := PodRecord{Config: new(define.PodConfig), State: new(define.PodState)}
	if err := decode("config of pod "+id, cfgJSON, rec.Config); err != nil {
		return PodRecord{}, err
	}
	if err := decode("state of pod "+id, stJSON, rec.State); err != nil {
		return PodRecord{}, err
	}
	return rec, nil
}

func podNotFound(nameOrID string) error {
	return fmt.Errorf("no pod with name or ID %s found: %w", nameOrID, define.ErrNoSuchPod)
}
