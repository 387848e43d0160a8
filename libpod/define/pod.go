package define

import "time"

// Namespaces a pod's containers can share with its infra container
// (--share), in podman's names.
const (
	ShareCgroup = "cgroup"
	ShareIPC    = "ipc"
	ShareNet    = "net"
	SharePID    = "pid"
	ShareUTS    = "uts"
)

// Exit policies of a pod (--exit-policy): what the pod does when its last
// container other than the infra exits.
const (
	PodExitContinue = "continue"
	PodExitStop     = "stop"
)

// PodConfig is what a pod was created with. It never changes after
// creation. The pod's network (its networks, published ports, addresses)
// is its infra container's config: the infra owns the pod's sandbox.
type PodConfig struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	Labels        map[string]string `json:"labels,omitempty"`
	CreatedAt     time.Time         `json:"createdAt"`
	CreateCommand []string          `json:"createCommand,omitempty"`
	// Hostname is --hostname: the UTS name of the pod when it shares uts.
	Hostname string `json:"hostname,omitempty"`
	// Infra is false for a pod made with --infra=false: its containers
	// share nothing.
	Infra        bool     `json:"infra"`
	InfraName    string   `json:"infraName,omitempty"`
	InfraCommand []string `json:"infraCommand,omitempty"`
	// InfraImage is --infra-image: the image the infra runs; "" is
	// podlite's built-in pause process.
	InfraImage string `json:"infraImage,omitempty"`
	// CgroupPath is the pod's cgroup, the parent of its containers'
	// (--share-parent, the default); "" when each has its own, as for
	// pods made before --share-parent.
	CgroupPath string `json:"cgroupPath,omitempty"`
	// Share lists the namespaces (Share*) the pod's containers join from
	// the infra, sorted.
	Share      []string `json:"share,omitempty"`
	ExitPolicy string   `json:"exitPolicy"`
}

// PodState is the mutable part of a pod record. A pod's status is not
// stored: it follows from its containers' states, as in podman.
type PodState struct {
	// InfraID is the infra container's ID, set once it exists.
	InfraID string `json:"infraID,omitempty"`
}
