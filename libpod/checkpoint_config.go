package libpod

import (
	"encoding/json"
	"fmt"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// configDump is config.dump: podlite's container config and, beside it,
// the fields of podman's config that checkpointctl shows (image, runtime,
// times), under podman's names. podlite reads its own fields back and
// ignores the others.
type configDump struct {
	*define.ContainerConfig
	RootfsImageID    string    `json:"rootfsImageID,omitempty"`
	RootfsImageName  string    `json:"rootfsImageName,omitempty"`
	RawImageName     string    `json:"RawImageName,omitempty"`
	OCIRuntime       string    `json:"runtime"`
	CreatedTime      time.Time `json:"createdTime"`
	CheckpointedTime time.Time `json:"checkpointedTime"`
}

// containerManagerAnnotation is the spec annotation checkpointctl reads to
// tell podman-format archives (value "libpod") from CRI-O's and
// containerd's; podlite writes podman's format.
const containerManagerAnnotation = "io.container.manager"

// encodeConfigDump returns config.dump for c, checkpointed at at.
func (c *Container) encodeConfigDump(at time.Time) ([]byte, error) {
	d := configDump{ContainerConfig: c.config, RawImageName: c.config.ImageName,
		RootfsImageID: c.config.ImageID, RootfsImageName: c.imageFullName(),
		// The runtime is runc's libcontainer, linked in.
		OCIRuntime: "runc", CreatedTime: c.config.CreatedAt, CheckpointedTime: at}
	return json.Marshal(d)
}

// imageFullName is the full name of the container's image
// ("localhost/busybox:latest"), or the name it was created with when the
// image has no name left.
func (c *Container) imageFullName() string {
	if c.config.ImageID != "" {
		if store, err := c.rt.Storage(); err == nil {
			if names, err := store.ImageNames(c.config.ImageID); err == nil && len(names) > 0 {
				return names[0]
			}
		}
	}
	return c.config.ImageName
}

// encodeSpecDump returns spec.dump: the spec the container runs with,
// marked as podman-format for checkpointctl.
func encodeSpecDump(raw []byte) ([]byte, error) {
	var s spec.Spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("reading the running spec: %w", err)
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[containerManagerAnnotation] = "libpod"
	return json.Marshal(&s)
}
