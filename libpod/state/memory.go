package state

import (
	"maps"
	"slices"
	"strings"
	"sync"
)

// MemoryStore is a Store kept in process memory, the fake that libpod unit
// tests run against. It shares all record logic with BoltStore and stores
// the same JSON, so the two behave alike; a write works on copies of the
// maps and swaps them in only if it succeeds, as a rolled-back bolt
// transaction would.
type MemoryStore struct {
	txStore
	mu   sync.RWMutex
	data memoryTables
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty in-memory store.
func NewMemoryStore() *MemoryStore {
	s := &MemoryStore{data: memoryTables{
		configs: memoryBucket{}, specs: memoryBucket{}, states: memoryBucket{},
		names: memoryBucket{}, volumes: memoryBucket{}, pods: memoryBucket{}, podStates: memoryBucket{},
	}}
	s.txStore = txStore{engine: s}
	return s
}

type memoryTables struct {
	configs, specs, states, names, volumes memoryBucket
	pods, podStates                        memoryBucket
}

func (m memoryTables) tables() *tables {
	return &tables{configs: m.configs, specs: m.specs, states: m.states, names: m.names, volumes: m.volumes,
		pods: m.pods, podStates: m.podStates}
}

func (s *MemoryStore) view(fn func(t *tables) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(s.data.tables())
}

func (s *MemoryStore) update(fn func(t *tables) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Values are never modified in place, so copying the maps is enough.
	next := memoryTables{
		configs:   maps.Clone(s.data.configs),
		specs:     maps.Clone(s.data.specs),
		states:    maps.Clone(s.data.states),
		names:     maps.Clone(s.data.names),
		volumes:   maps.Clone(s.data.volumes),
		pods:      maps.Clone(s.data.pods),
		podStates: maps.Clone(s.data.podStates),
	}
	if err := fn(next.tables()); err != nil {
		return err
	}
	s.data = next
	return nil
}

// memoryBucket is a bucket in a map; it iterates in key order like bbolt.
type memoryBucket map[string][]byte

func (b memoryBucket) get(key string) []byte { return b[key] }

func (b memoryBucket) put(key string, value []byte) error {
	b[key] = slices.Clone(value)
	return nil
}

func (b memoryBucket) delete(key string) error {
	delete(b, key)
	return nil
}

func (b memoryBucket) forEach(fn func(key string, value []byte) error) error {
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if err := fn(k, b[k]); err != nil {
			return err
		}
	}
	return nil
}

func (b memoryBucket) withPrefix(prefix string, max int) []string {
	var keys []string
	for _, k := range slices.Sorted(maps.Keys(b)) {
		if strings.HasPrefix(k, prefix) && len(keys) < max {
			keys = append(keys, k)
		}
	}
	return keys
}
