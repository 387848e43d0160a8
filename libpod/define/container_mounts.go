package define

// MountsConfig is what a container was created with for the mounts that
// are not in its OCI spec: podman's UserVolumes (for commit), the
// --mount type=image mounts, made at each start, and whether its
// /dev/shm may be shared.
type MountsConfig struct {
	// UserVolumes are the destinations of the user's own mounts (-v,
	// --mount, --tmpfs, and the volumes --volumes-from passes on), as
	// podman records them: commit --include-volumes makes them image
	// volumes, and commit without it the anonymous ones among them.
	UserVolumes []string `json:"userVolumes,omitempty"`
	// Images are the --mount type=image mounts.
	Images []ImageMount `json:"images,omitempty"`
	// IPCPrivate is --ipc private: an IPC namespace and /dev/shm no
	// other container may join (podman's; shareable, the default, may be).
	IPCPrivate bool `json:"ipcPrivate,omitempty"`
}

// ImageMount is one --mount type=image: image ImageID (Source as the user
// named it) at Destination, read-only, or with RW an overlay whose writes
// go with the run; Subpath mounts only that directory of the image.
type ImageMount struct {
	Source      string `json:"source"`
	ImageID     string `json:"imageID"`
	Destination string `json:"destination"`
	RW          bool   `json:"rw,omitempty"`
	Subpath     string `json:"subpath,omitempty"`
}
