package state

import "github.com/podlite/podlite/libpod/define"

// Record is one container as stored: its immutable config and its state.
type Record struct {
	Config *define.ContainerConfig
	State  *define.ContainerState
}

// Store keeps container and volume records on persistent storage.
//
// Contract: every method is a complete transaction; implementations are safe
// for concurrent use by goroutines and (for the bolt store) by several
// processes, and never hold the database open between calls. Missing objects
// return errors wrapping define.ErrNotFound; name or ID clashes wrap
// define.ErrExists; an ambiguous ID prefix wraps define.ErrInvalidArg.
// Returned records are copies the caller may modify.
type Store interface {
	// AddContainer stores a new container; its name and ID must be unused
	// (by containers; names of volumes are a separate namespace).
	AddContainer(cfg *define.ContainerConfig, st *define.ContainerState) error
	// Container returns one container's record by full ID.
	Container(id string) (Record, error)
	// LookupContainer resolves a name, a full ID or a unique ID prefix to a
	// full ID.
	LookupContainer(nameOrID string) (string, error)
	// AllContainers returns every container record in one transaction,
	// ordered by creation time. It leaves Config.Spec nil: the OCI spec is
	// most of a record, listing never needs it, and decoding it would make
	// `ps -a` over a thousand containers several times slower. Container
	// returns the full record.
	AllContainers() ([]Record, error)
	// SaveContainerState replaces a container's state.
	SaveContainerState(id string, st *define.ContainerState) error
	// RenameContainer changes a container's name; the new name must be unused.
	RenameContainer(id, newName string) error
	// RemoveContainer deletes a container record and frees its name.
	RemoveContainer(id string) error

	// AddVolume stores a new named volume; the name must be unused.
	AddVolume(v *define.Volume) error
	// Volume returns a volume by name.
	Volume(name string) (*define.Volume, error)
	// AllVolumes returns every volume ordered by name.
	AllVolumes() ([]*define.Volume, error)
	// RemoveVolume deletes a volume record.
	RemoveVolume(name string) error
}
