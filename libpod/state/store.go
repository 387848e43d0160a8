package state

import "github.com/podlite/podlite/libpod/define"

// Record is one container as stored: its immutable config and its state.
type Record struct {
	Config *define.ContainerConfig
	State  *define.ContainerState
}

// PodRecord is one pod as stored: its immutable config and its state.
type PodRecord struct {
	Config *define.PodConfig
	State  *define.PodState
}

// Store keeps container, pod and volume records on persistent storage.
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

	// AddPod stores a new pod; its ID must be unused and its name unused by
	// pods and containers alike (they share one namespace, as in podman).
	AddPod(cfg *define.PodConfig, st *define.PodState) error
	// Pod returns one pod's record by full ID.
	Pod(id string) (PodRecord, error)
	// LookupPod resolves a name, a full ID or a unique ID prefix to a pod's
	// full ID.
	LookupPod(nameOrID string) (string, error)
	// AllPods returns every pod record ordered by creation time.
	AllPods() ([]PodRecord, error)
	// SavePodState replaces a pod's state.
	SavePodState(id string, st *define.PodState) error
	// RemovePod deletes a pod record and frees its name; it refuses, with
	// define.ErrInvalidState, while a container still belongs to the pod.
	RemovePod(id string) error

	// AddVolume stores a new named volume; the name must be unused.
	AddVolume(v *define.Volume) error
	// Volume returns a volume by name.
	Volume(name string) (*define.Volume, error)
	// AllVolumes returns every volume ordered by name.
	AllVolumes() ([]*define.Volume, error)
	// RemoveVolume deletes a volume record.
	RemoveVolume(name string) error
}
