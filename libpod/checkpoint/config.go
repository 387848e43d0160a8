package checkpoint

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// ConfigDump is config.dump: podlite's container config and, beside it,
// the fields of podman's config that checkpointctl shows (image, runtime,
// times), under podman's names. podlite reads its own fields back and
// ignores the others.
type ConfigDump struct {
	*define.ContainerConfig
	RootfsImageID    string    `json:"rootfsImageID,omitempty"`
	RootfsImageName  string    `json:"rootfsImageName,omitempty"`
	RawImageName     string    `json:"RawImageName,omitempty"`
	OCIRuntime       string    `json:"runtime"`
	CreatedTime      time.Time `json:"createdTime"`
	CheckpointedTime time.Time `json:"checkpointedTime"`
}

// ContainerManagerAnnotation is the spec annotation checkpointctl reads to
// tell podman-format archives (value "libpod") from CRI-O's and
// containerd's; podlite writes podman's format.
const ContainerManagerAnnotation = "io.container.manager"

// SpecDump returns spec.dump: the spec the container runs with,
// marked as podman-format for checkpointctl.
func SpecDump(raw []byte) ([]byte, error) {
	var s spec.Spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("reading the running spec: %w", err)
	}
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[ContainerManagerAnnotation] = "libpod"
	return json.Marshal(&s)
}

// DecodeConfig reads an archive's config.dump, podlite's or podman's
// (see FromPodman); path names the archive in errors.
func DecodeConfig(meta *criu.Metadata, path string) (*define.ContainerConfig, error) {
	if meta.Podman {
		return FromPodman(meta, path)
	}
	var cfg define.ContainerConfig
	if err := json.Unmarshal(meta.Config, &cfg); err != nil {
		return nil, fmt.Errorf("reading the container config in %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	return &cfg, nil
}

// DecodeNetworkStatus reads an archive's network.status, under podlite's
// network names.
func DecodeNetworkStatus(meta *criu.Metadata) (network.Status, error) {
	if meta.Podman {
		return RenamePodmanNetworks(meta.NetworkStatus)
	}
	var st network.Status
	if len(meta.NetworkStatus) > 0 {
		if err := json.Unmarshal(meta.NetworkStatus, &st); err != nil {
			return nil, fmt.Errorf("reading the archive's network.status: %v: %w", err, define.ErrInvalidArg)
		}
	}
	return st, nil
}

// Retarget moves the paths a podlite config (and its spec) names from the
// exporting host's container directory (oldUserDir, relative to its root)
// and ID to newDir and cfg.ID here, and named volumes to volumesDir.
func Retarget(cfg *define.ContainerConfig, oldID, oldUserDir, newDir, volumesDir string) {
	fix := func(p string) string {
		if i := strings.Index(p, oldUserDir+"/"); i >= 0 {
			return filepath.Join(newDir, p[i+len(oldUserDir)+1:])
		}
		return p
	}
	cfg.LogPath = fix(cfg.LogPath)
	if s := cfg.Spec; s != nil {
		for i := range s.Mounts {
			s.Mounts[i].Source = fix(s.Mounts[i].Source)
		}
		if s.Linux != nil {
			s.Linux.CgroupsPath = strings.ReplaceAll(s.Linux.CgroupsPath, oldID, cfg.ID)
		}
		for _, name := range cfg.Volumes {
			for i := range s.Mounts {
				if strings.HasSuffix(s.Mounts[i].Source, "/"+name+"/_data") {
					s.Mounts[i].Source = filepath.Join(volumesDir, name, "_data")
				}
			}
		}
	}
}
