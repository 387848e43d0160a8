package state

import (
	"encoding/json"
	"fmt"

	"github.com/podlite/podlite/libpod/define"
)

// Both stores keep records as JSON bytes, bolt on disk and memory in maps:
// decoding on every read is what makes returned records copies, and it
// gives the fake exactly the bolt store's round-trip behaviour.

func checkNewContainer(cfg *define.ContainerConfig, st *define.ContainerState) error {
	switch {
	case cfg == nil || st == nil:
		return fmt.Errorf("adding container: config and state are required: %w", define.ErrInvalidArg)
	case cfg.ID == "":
		return fmt.Errorf("adding container %q: empty ID: %w", cfg.Name, define.ErrInvalidArg)
	case cfg.Name == "":
		return fmt.Errorf("adding container %s: empty name: %w", cfg.ID, define.ErrInvalidArg)
	}
	return nil
}

func encode(what string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w: %w", what, define.ErrInvalidArg, err)
	}
	return b, nil
}

func decode(what string, data []byte, v any) error {
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decoding %s: %w: %w", what, define.ErrInvalidState, err)
	}
	return nil
}

// encodeConfig splits a config into its JSON without the spec and the spec's
// JSON: they are stored apart so that listing containers can skip the spec.
func encodeConfig(cfg *define.ContainerConfig) (cfgJSON, specJSON []byte, err error) {
	noSpec := *cfg
	noSpec.Spec = nil
	if cfgJSON, err = encode("config of container "+cfg.ID, &noSpec); err != nil {
		return nil, nil, err
	}
	if specJSON, err = encode("spec of container "+cfg.ID, cfg.Spec); err != nil {
		return nil, nil, err
	}
	return cfgJSON, specJSON, nil
}

// decodeRecord builds a Record, spec left out, from a container's stored
// config and state. A config without a state cannot be written by this
// package, so it means a damaged database.
func decodeRecord(id string, cfgJSON, stJSON []byte) (Record, error) {
	if stJSON == nil {
		return Record{}, fmt.Errorf("container %s has a config but no state record: %w", id, define.ErrInvalidState)
	}
	rec := Record{Config: new(define.ContainerConfig), State: new(define.ContainerState)}
	if err := decode("config of container "+id, cfgJSON, rec.Config); err != nil {
		return Record{}, err
	}
	if err := decode("state of container "+id, stJSON, rec.State); err != nil {
		return Record{}, err
	}
	return rec, nil
}

func containerNotFound(id string) error {
	return fmt.Errorf("no container with ID %q found: %w", id, define.ErrNotFound)
}

func volumeNotFound(name string) error {
	return fmt.Errorf("no volume with name %q found: %w", name, define.ErrNoSuchVolume)
}
