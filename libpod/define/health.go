package define

import "time"

// HealthConfig is a health check as images carry it (Docker's HEALTHCHECK)
// and as podman shows it under inspect's .Config.Healthcheck: durations in
// nanoseconds, zero fields left out.
type HealthConfig struct {
	// Test is ["CMD", ARG...] or ["CMD-SHELL", COMMAND]; ["NONE"] disables
	// a check inherited from the image.
	Test        []string      `json:"Test,omitempty"`
	StartPeriod time.Duration `json:"StartPeriod,omitempty"`
	Interval    time.Duration `json:"Interval,omitempty"`
	Timeout     time.Duration `json:"Timeout,omitempty"`
	Retries     int           `json:"Retries,omitempty"`
}

// StartupHealthConfig is the startup check (--health-startup-*): it runs
// before the regular one until it has passed Successes times in a row.
type StartupHealthConfig struct {
	HealthConfig
	Successes int `json:"Successes,omitempty"`
}

// HealthCheck is a container's health check configuration.
type HealthCheck struct {
	Config  *HealthConfig        `json:"config"`
	Startup *StartupHealthConfig `json:"startup,omitempty"`
	// OnFailure is none, kill, restart or stop: what an unhealthy
	// container gets.
	OnFailure string `json:"onFailure,omitempty"`
	// LogDestination is "local" (the container's directory), a directory
	// or "events_logger"; MaxLogCount and MaxLogSize bound the log (0: no
	// bound).
	LogDestination string `json:"logDestination,omitempty"`
	MaxLogCount    uint   `json:"maxLogCount"`
	MaxLogSize     uint   `json:"maxLogSize"`
	// Disabled is --health-interval=disable: the check runs only when
	// asked (`healthcheck run`), never on a timer.
	Disabled bool `json:"disabled,omitempty"`
}

// Health statuses, podman's words.
const (
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)
