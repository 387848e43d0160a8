package define

import (
	"time"

	spec "github.com/opencontainers/runtime-spec/specs-go"
)

// ContainerConfig is what a container was created with. It never changes
// after creation (rename is the one exception and goes through the store).
type ContainerConfig struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ImageName is the image reference as the user gave it; ImageID is the
	// resolved image. Both are empty for a rootfs-less container.
	ImageName string `json:"imageName,omitempty"`
	ImageID   string `json:"imageID,omitempty"`
	// StorageID is the containers/storage container holding the rootfs.
	StorageID string `json:"storageID,omitempty"`
	// Command is the full argv (entrypoint + cmd) the container runs.
	Command    []string          `json:"command,omitempty"`
	Entrypoint []string          `json:"entrypoint,omitempty"`
	Cmd        []string          `json:"cmd,omitempty"`
	Labels     map[string]string `json:"labels,omitempty"`
	CreatedAt  time.Time         `json:"createdAt"`
	// Spec is the OCI spec generated at creation; the rootfs path and
	// namespace paths are filled in at every start.
	Spec *spec.Spec `json:"spec"`

	StopSignal    int           `json:"stopSignal,omitempty"`
	StopTimeout   uint          `json:"stopTimeout"`
	RestartPolicy RestartPolicy `json:"restartPolicy"`
	AutoRemove    bool          `json:"autoRemove,omitempty"`
	Interactive   bool          `json:"interactive,omitempty"`
	Terminal      bool          `json:"terminal,omitempty"`
	Init          bool          `json:"init,omitempty"`
	LogDriver     string        `json:"logDriver"`
	LogPath       string        `json:"logPath,omitempty"`
	// NetworkMode is "none", "host", "ns:PATH", "container:ID", or
	// "bridge" for the CNI networks in Network.Networks.
	NetworkMode string        `json:"networkMode"`
	Network     NetworkConfig `json:"network"`
	// Volumes lists named volumes used by the container, for `rm -v` and
	// `volume rm` in-use checks.
	Volumes []string `json:"volumes,omitempty"`
	// AnonymousVolumes are the volumes created for the image's VOLUME
	// paths; `rm -v` and --rm remove them with the container.
	AnonymousVolumes []string `json:"anonymousVolumes,omitempty"`
	// CreateCommand is the podlite command line that created the container.
	CreateCommand []string `json:"createCommand,omitempty"`
	// Privileged is --privileged; Engine the engine that created the
	// container ("podlite-VERSION"). /run/.containerenv shows both.
	Privileged bool   `json:"privileged,omitempty"`
	Engine     string `json:"engine,omitempty"`
	// RemoveImage (--rmi) removes the image with the --rm container.
	RemoveImage bool `json:"removeImage,omitempty"`
	// Timezone is --tz ("local" or an IANA zone).
	Timezone string `json:"timezone,omitempty"`
	// PidFile and ConmonPidFile are --pidfile and --conmon-pidfile;
	// CIDFile is --cidfile.
	PidFile       string `json:"pidFile,omitempty"`
	ConmonPidFile string `json:"conmonPidFile,omitempty"`
	CIDFile       string `json:"cidFile,omitempty"`
	// IO holds the log options, --timeout, --init-path, --requires.
	IO IOConfig `json:"io,omitzero"`
	// Health is the container's health check (--health-*, or the
	// image's HEALTHCHECK); nil for none.
	Health *HealthCheck `json:"health,omitempty"`
	// Secrets are the --secret values, copied in at creation.
	Secrets []SecretRef `json:"secrets,omitempty"`
	// GroupAdd are --group-add groups, resolved at each start.
	GroupAdd []string `json:"groupAdd,omitempty"`
	// UserFiles say what a start adds to /etc/passwd and /etc/group.
	UserFiles UserFiles `json:"userFiles,omitzero"`
	// HostsFile is --hosts-file: the base of /etc/hosts, a host path or
	// "none" ("" for podlite's default).
	HostsFile string `json:"hostsFile,omitempty"`
	// Mounts are the user's volume destinations and image mounts.
	Mounts MountsConfig `json:"mounts,omitzero"`
	// Pod is the ID of the pod the container belongs to ("" for none);
	// the store refuses a container of a pod it does not hold, and the
	// removal of a pod that still has containers.
	Pod string `json:"pod,omitempty"`
	// SdNotifyMode is --sdnotify: how readiness reaches a systemd unit's
	// $NOTIFY_SOCKET ("" or "ignore": not at all; SdNotify* constants).
	SdNotifyMode string `json:"sdNotifyMode,omitempty"`
}

// The --sdnotify modes. conmon: the supervisor sends MAINPID (itself) and
// READY=1 once the container runs; container: the supervisor sends MAINPID
// and passes on what the container sends to its own NOTIFY_SOCKET;
// healthy: the supervisor sends MAINPID, the health check READY=1 when it
// first passes; ignore: nothing is sent and the container gets no socket.
const (
	SdNotifyConmon    = "conmon"
	SdNotifyContainer = "container"
	SdNotifyHealthy   = "healthy"
	SdNotifyIgnore    = "ignore"
)

// UserFiles are the --passwd, --passwd-entry, --group-entry and
// --hostuser choices.
type UserFiles struct {
	// NoPasswd is --passwd=false: no entry for a numeric --user.
	NoPasswd    bool     `json:"noPasswd,omitempty"`
	PasswdEntry string   `json:"passwdEntry,omitempty"`
	GroupEntry  string   `json:"groupEntry,omitempty"`
	HostUsers   []string `json:"hostUsers,omitempty"`
}

// RestartPolicy says what the supervisor does when the container exits.
type RestartPolicy struct {
	// Name is "no", "on-failure", "always" or "unless-stopped".
	Name string `json:"name"`
	// MaxRetries bounds on-failure restarts; 0 means no bound.
	MaxRetries uint `json:"maxRetries,omitempty"`
}

// ContainerState is the mutable part of a container record.
type ContainerState struct {
	Status ContainerStatus `json:"status"`
	// PID is the container init's PID on the host while it runs.
	PID int `json:"pid,omitempty"`
	// SupervisorPID is the process that owns the running container.
	SupervisorPID int `json:"supervisorPid,omitempty"`
	// AttachedPID is the foreground run or start --attach attached to the
	// running container through its supervisor: while that process lives,
	// it applies --rm at the exit, not the supervisor's cleanup (it needs
	// the exit code first).
	AttachedPID int       `json:"attachedPid,omitempty"`
	ExitCode    int       `json:"exitCode"`
	StartedAt   time.Time `json:"startedAt,omitzero"`
	FinishedAt  time.Time `json:"finishedAt,omitzero"`
	// Mountpoint is where the rootfs is mounted while it is mounted.
	Mountpoint   string `json:"mountpoint,omitempty"`
	RestartCount uint   `json:"restartCount,omitempty"`
	// ImageMounts are the IDs of the images this run mounted for its
	// --mount type=image mounts (one mount reference each), released
	// with the rootfs.
	ImageMounts []string `json:"imageMounts,omitempty"`
	// StoppedByUser is set by stop/kill so that restart policies other
	// than "always" leave the container down.
	StoppedByUser bool         `json:"stoppedByUser,omitempty"`
	OOMKilled     bool         `json:"oomKilled,omitempty"`
	Error         string       `json:"error,omitempty"`
	Network       NetworkState `json:"network"`
	// Checkpointed is set while a checkpoint of the container waits to be
	// restored; the container shows as exited meanwhile.
	Checkpointed   bool      `json:"checkpointed,omitempty"`
	CheckpointedAt time.Time `json:"checkpointedAt,omitzero"`
	RestoredAt     time.Time `json:"restoredAt,omitzero"`
	// CheckpointPath holds CRIU's images; CheckpointLog and RestoreLog
	// CRIU's logs of the last dump and restore.
	CheckpointPath string `json:"checkpointPath,omitempty"`
	CheckpointLog  string `json:"checkpointLog,omitempty"`
	RestoreLog     string `json:"restoreLog,omitempty"`
	// Networks is the container's network list after `network connect` or
	// `disconnect`; nil means the list it was created with. Not omitted
	// when empty: an empty list (the last network disconnected) must not
	// read back as nil.
	Networks map[string]NetworkAttachment `json:"networks"`
	// Resources and RestartPolicy are the container's after `update`;
	// nil means those it was created with.
	Resources     *spec.LinuxResources `json:"resources,omitempty"`
	RestartPolicy *RestartPolicy       `json:"restartPolicy,omitempty"`
	// Env is the container's environment after `update --env/--unsetenv`;
	// nil means the one it was created with (not omitted: an empty list
	// must not read back as nil).
	Env []string `json:"env"`
	// Rlimits are the container's rlimits after `update --ulimit`; nil
	// means those it was created with.
	Rlimits []spec.POSIXRlimit `json:"rlimits,omitempty"`
	// Health is the container's health check after `update --health-*`;
	// nil means the one it was created with, unless HealthRemoved
	// (`update --no-healthcheck`).
	Health        *HealthCheck `json:"health,omitempty"`
	HealthRemoved bool         `json:"healthRemoved,omitempty"`
}

// Volume is a named volume.
type Volume struct {
	Name       string            `json:"name"`
	Driver     string            `json:"driver"`
	Mountpoint string            `json:"mountpoint"`
	Labels     map[string]string `json:"labels,omitempty"`
	Options    map[string]string `json:"options,omitempty"`
	CreatedAt  time.Time         `json:"createdAt"`
}
