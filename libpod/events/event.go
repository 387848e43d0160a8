// Package events is podlite's event log, podman's `file` events backend:
// one JSON object per line, appended to RUNROOT/events/events.log by every
// podlite process (see doc.go), read back and followed by `podlite events`.
package events

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Type is what an event is about.
type Type string

// The event types podlite writes.
const (
	Container Type = "container"
	Image     Type = "image"
	Volume    Type = "volume"
	Network   Type = "network"
	System    Type = "system"
	Pod       Type = "pod"
)

// Status is what happened, with podman's words.
type Status string

// The statuses podlite writes.
const (
	Attach          Status = "attach"
	Checkpoint      Status = "checkpoint"
	Cleanup         Status = "cleanup"
	Connect         Status = "connect"
	Create          Status = "create"
	Died            Status = "died"
	Disconnect      Status = "disconnect"
	Exec            Status = "exec"
	ExecDied        Status = "exec_died"
	Export          Status = "export"
	HealthStatus    Status = "health_status"
	Import          Status = "import"
	Init            Status = "init"
	Kill            Status = "kill"
	LoadFromArchive Status = "loadfromarchive"
	Mount           Status = "mount"
	Pause           Status = "pause"
	Prune           Status = "prune"
	Pull            Status = "pull"
	Push            Status = "push"
	Refresh         Status = "refresh"
	Remove          Status = "remove"
	Rename          Status = "rename"
	Restart         Status = "restart"
	Restore         Status = "restore"
	Save            Status = "save"
	Start           Status = "start"
	Stop            Status = "stop"
	Tag             Status = "tag"
	Unmount         Status = "unmount"
	Unpause         Status = "unpause"
	Untag           Status = "untag"
	Update          Status = "update"
)

// Event is one line of the log, with podman's JSON keys.
type Event struct {
	// ContainerExitCode is set on a container's "died" event.
	ContainerExitCode *int   `json:",omitempty"`
	ID                string `json:",omitempty"`
	Image             string `json:",omitempty"`
	Name              string `json:",omitempty"`
	// Network names the network of a network event.
	Network string    `json:"network,omitempty"`
	Status  Status    `json:"Status"`
	Time    time.Time `json:"Time"`
	Type    Type      `json:"Type"`
	// HealthStatus and HealthFailingStreak are set on a health_status event.
	HealthStatus        string `json:"health_status,omitempty"`
	HealthFailingStreak int    `json:"health_failing_streak,omitempty"`
	Error               string `json:",omitempty"`
	Details
}

// Details are podman's event details: a container's labels, or a
// network's driver, go in Attributes.
type Details struct {
	PodID      string            `json:",omitempty"`
	Attributes map[string]string `json:"Attributes"`
}

// Formatted is an event as `events --format` sees it: podman 5's fields,
// Time in Unix seconds and TimeNano in nanoseconds.
type Formatted struct {
	ContainerExitCode   *int   `json:",omitempty"`
	ID                  string `json:",omitempty"`
	Image               string `json:",omitempty"`
	Name                string `json:",omitempty"`
	Network             string `json:"network,omitempty"`
	Status              Status
	Time                int64 `json:"time,omitempty"`
	TimeNano            int64 `json:"timeNano,omitempty"`
	Type                Type
	HealthStatus        string `json:"health_status,omitempty"`
	HealthFailingStreak int    `json:"health_failing_streak,omitempty"`
	Error               string `json:",omitempty"`
	Details
}

// Formatted returns e as `events --format` prints it.
func (e *Event) Formatted() Formatted {
	return Formatted{
		ContainerExitCode: e.ContainerExitCode, ID: e.ID, Image: e.Image, Name: e.Name, Network: e.Network,
		Status: e.Status, Time: e.Time.Unix(), TimeNano: e.Time.UnixNano(), Type: e.Type,
		HealthStatus: e.HealthStatus, HealthFailingStreak: e.HealthFailingStreak, Error: e.Error, Details: e.Details,
	}
}

// JSON is e's line in `events --format json`.
func (e *Event) JSON() (string, error) {
	b, err := json.Marshal(e.Formatted())
	return string(b), err
}

// HumanReadable is e in podman's default layout; truncate shortens IDs
// to 12 characters.
func (e *Event) HumanReadable(truncate bool) string {
	id := e.ID
	if truncate && len(id) > 12 {
		id = id[:12]
	}
	switch e.Type {
	case Container, Pod:
		s := fmt.Sprintf("%s %s %s %s (image=%s, name=%s", e.Time, e.Type, e.Status, id, e.Image, e.Name)
		if e.PodID != "" {
			s += ", pod_id=" + e.PodID
		}
		if e.Status == HealthStatus {
			s += fmt.Sprintf(", health_status=%s, health_failing_streak=%d", e.HealthStatus, e.HealthFailingStreak)
		}
		for _, k := range slices.Sorted(maps.Keys(e.Attributes)) {
			s += fmt.Sprintf(", %s=%s", k, e.Attributes[k])
		}
		return s + ")"
	case Network:
		if e.Status == Create || e.Status == Remove {
			return fmt.Sprintf("%s %s %s %s (name=%s, type=%s)", e.Time, e.Type, e.Status, e.ID, e.Network, e.Attributes["driver"])
		}
		return fmt.Sprintf("%s %s %s %s (container=%s, name=%s)", e.Time, e.Type, e.Status, id, id, e.Network)
	case Image:
		s := fmt.Sprintf("%s %s %s %s %s", e.Time, e.Type, e.Status, id, e.Name)
		if e.Error != "" {
			s += " " + e.Error
		}
		return s
	case System:
		if e.Name != "" {
			return fmt.Sprintf("%s %s %s %s", e.Time, e.Type, e.Status, e.Name)
		}
		return fmt.Sprintf("%s %s %s", e.Time, e.Type, e.Status)
	default:
		return fmt.Sprintf("%s %s %s %s", e.Time, e.Type, e.Status, e.Name)
	}
}
