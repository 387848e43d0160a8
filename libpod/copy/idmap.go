package copy

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// IDMap is a container's user namespace mappings (--uidmap, --gidmap):
// files in its root are owned by host IDs.
type IDMap struct {
	UIDs, GIDs []specs.LinuxIDMapping
}

// toHost maps a container ID to its host ID.
func toHost(id int, maps []specs.LinuxIDMapping) (int, error) {
	for _, m := range maps {
		if id >= int(m.ContainerID) && id < int(m.ContainerID)+int(m.Size) {
			return int(m.HostID) + id - int(m.ContainerID), nil
		}
	}
	return 0, fmt.Errorf("container ID %d cannot be mapped to a host ID", id)
}

// toContainer maps a host ID to the container's, false when the
// container has no mapping for it.
func toContainer(id int, maps []specs.LinuxIDMapping) (int, bool) {
	for _, m := range maps {
		if id >= int(m.HostID) && id < int(m.HostID)+int(m.Size) {
			return int(m.ContainerID) + id - int(m.HostID), true
		}
	}
	return 0, false
}
