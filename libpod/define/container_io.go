package define

// IOConfig is what a container was created with for its logs and its
// run-time limits beyond the OCI spec: --log-opt, --timeout, --init-path,
// --requires and --image-volume.
type IOConfig struct {
	// LogTag and LogMaxSize are --log-opt tag= and max-size= (bytes; 0
	// is no limit: past it the log starts again empty, as conmon's does).
	LogTag     string `json:"logTag,omitempty"`
	LogMaxSize int64  `json:"logMaxSize,omitempty"`
	// Timeout is --timeout: seconds after each start when the container
	// is killed (SIGKILL) and its exit recorded as -1, as podman's.
	Timeout uint `json:"timeout,omitempty"`
	// InitPath is --init-path: the init binary --init mounts.
	InitPath string `json:"initPath,omitempty"`
	// Requires are the IDs of the containers --requires starts first.
	Requires []string `json:"requires,omitempty"`
	// Rootfs is --rootfs: the directory the container runs from instead
	// of an image; RootfsOverlay (":O") puts an overlay on it whose
	// changes last one run.
	Rootfs        string `json:"rootfs,omitempty"`
	RootfsOverlay bool   `json:"rootfsOverlay,omitempty"`
	// ImageVolume is --image-volume: bind (anonymous volumes, the
	// default), tmpfs or ignore.
	ImageVolume string `json:"imageVolume,omitempty"`
}
