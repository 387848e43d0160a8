package define

import (
	"fmt"
	"strings"
)

// ContainerStatus is where a container is in its lifecycle.
type ContainerStatus int

// Container statuses, in podman's vocabulary.
const (
	StatusUnknown ContainerStatus = iota
	// StatusCreated: storage and config exist; no process was ever started,
	// or the container was reset by a reboot before it ran.
	StatusCreated
	// StatusRunning: the container's init process is alive.
	StatusRunning
	// StatusPaused: the container's processes are frozen.
	StatusPaused
	// StatusStopping: a stop was requested and is in progress.
	StatusStopping
	// StatusExited: the container ran and its init process is gone.
	StatusExited
	// StatusRemoving: removal started; only removal may continue.
	StatusRemoving
	// StatusInitialized: `init` mounted the rootfs, set up the network and
	// wrote the spec; the process is not started yet.
	StatusInitialized
)

var statusNames = map[ContainerStatus]string{
	StatusUnknown:     "unknown",
	StatusCreated:     "created",
	StatusRunning:     "running",
	StatusPaused:      "paused",
	StatusStopping:    "stopping",
	StatusExited:      "exited",
	StatusRemoving:    "removing",
	StatusInitialized: "initialized",
}

func (s ContainerStatus) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// MarshalText stores statuses by name, so the state files stay readable.
func (s ContainerStatus) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a status name.
func (s *ContainerStatus) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	*s = v
	return err
}

// ParseStatus turns a status name ("running", "exited", ...) into a status.
// "stopped" and "configured" are accepted as podman's aliases.
func ParseStatus(name string) (ContainerStatus, error) {
	switch strings.ToLower(name) {
	case "stopped":
		return StatusExited, nil
	case "configured":
		return StatusCreated, nil
	}
	for s, n := range statusNames {
		if n == strings.ToLower(name) {
			return s, nil
		}
	}
	return StatusUnknown, fmt.Errorf("unknown container status %q: %w", name, ErrInvalidArg)
}

// transitions lists every allowed status change. Keep it the only place that
// says which change is legal.
var transitions = map[ContainerStatus][]ContainerStatus{
	StatusCreated:  {StatusRunning, StatusExited, StatusRemoving, StatusInitialized},
	StatusRunning:  {StatusPaused, StatusStopping, StatusExited, StatusRunning},
	StatusPaused:   {StatusRunning, StatusStopping, StatusExited},
	StatusStopping: {StatusExited, StatusRunning},
	StatusExited:   {StatusRunning, StatusCreated, StatusRemoving, StatusExited, StatusInitialized},
	// An initialized container's start fails back to created.
	StatusInitialized: {StatusRunning, StatusCreated, StatusRemoving},
	StatusRemoving:    {StatusRemoving},
}

// TransitionError reports an illegal status change.
type TransitionError struct {
	From, To ContainerStatus
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("container status cannot change from %s to %s", e.From, e.To)
}

// Unwrap makes a TransitionError an ErrInvalidState.
func (e *TransitionError) Unwrap() error { return ErrInvalidState }

// CheckTransition returns nil when a container may go from one status to
// another, and a *TransitionError otherwise.
func CheckTransition(from, to ContainerStatus) error {
	for _, s := range transitions[from] {
		if s == to {
			return nil
		}
	}
	return &TransitionError{From: from, To: to}
}
