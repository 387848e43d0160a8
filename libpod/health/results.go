package health

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/atomicfile"
)

// Entry is one check in the log, with podman's keys.
type Entry struct {
	Start    time.Time `json:"Start"`
	End      time.Time `json:"End"`
	ExitCode int       `json:"ExitCode"`
	Output   string    `json:"Output"`
}

// Results are a container's health: podman's three keys (inspect's
// .State.Health), and how far its startup check got.
type Results struct {
	Status        string  `json:"Status"`
	FailingStreak int     `json:"FailingStreak"`
	Log           []Entry `json:"Log"`
	// StartupPassed is set once the startup check has passed; until then
	// `healthcheck run` runs the startup check. StartupSuccesses counts
	// its passes in a row.
	StartupPassed    bool `json:"StartupPassed,omitempty"`
	StartupSuccesses int  `json:"StartupSuccesses,omitempty"`
}

// Outcome is what one check did.
type Outcome struct {
	// Healthy reports the check's own result (`healthcheck run` exits 0).
	Healthy bool
	// Action is what the container gets now: "" or OnFailure's kill,
	// restart or stop, or restart when the startup check ran out of
	// retries.
	Action string
	// StartupDone is set by the check with which the startup check
	// passed: the regular check runs from now on.
	StartupDone bool
}

// Path is where container id's results live: containerDir/healthcheck.log,
// or ID-healthcheck.log in the --health-log-destination directory.
func Path(hc *define.HealthCheck, containerDir, id string) string {
	if hc.LogDestination != "" && hc.LogDestination != DefaultLogDestination {
		return filepath.Join(hc.LogDestination, id+"-healthcheck.log")
	}
	return filepath.Join(containerDir, "healthcheck.log")
}

// Load reads the results at path; a missing file is a container that has
// not been checked yet ("starting").
func Load(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Results{Status: define.HealthStarting}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading health results: %w", err)
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("reading health results %s: %w", path, err)
	}
	return &r, nil
}

// Save writes the results to path atomically.
func (r *Results) Save(path string) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o600)
}

// Reset is a new start: starting again, the startup check from the
// beginning; the log stays.
func (r *Results) Reset() {
	r.Status, r.FailingStreak, r.StartupPassed, r.StartupSuccesses = define.HealthStarting, 0, false, 0
}

// InStartup reports whether the next check is the startup check.
func (r *Results) InStartup(hc *define.HealthCheck) bool {
	return hc.Startup != nil && !r.StartupPassed
}

// Record applies one check's entry: the log (bounded by MaxLogCount and
// MaxLogSize), the streak and the status, with podman's rules. startedAt
// is the container's start, for --health-start-period.
func (r *Results) Record(hc *define.HealthCheck, e Entry, startedAt time.Time) Outcome {
	if hc.MaxLogSize > 0 && len(e.Output) > int(hc.MaxLogSize) {
		e.Output = e.Output[:hc.MaxLogSize]
	}
	r.Log = append(r.Log, e)
	if hc.MaxLogCount > 0 && len(r.Log) > int(hc.MaxLogCount) {
		r.Log = r.Log[len(r.Log)-int(hc.MaxLogCount):]
	}
	ok := e.ExitCode == 0
	if r.InStartup(hc) {
		return r.recordStartup(hc.Startup, ok)
	}
	if ok {
		r.Status, r.FailingStreak = define.HealthHealthy, 0
		return Outcome{Healthy: true}
	}
	if r.Status == "" {
		r.Status = define.HealthStarting
	}
	if time.Since(startedAt) >= hc.Config.StartPeriod {
		r.FailingStreak++
	}
	if r.FailingStreak >= hc.Config.Retries && r.FailingStreak > 0 {
		r.Status = define.HealthUnhealthy
	}
	out := Outcome{}
	if r.Status == define.HealthUnhealthy && hc.OnFailure != "none" {
		out.Action = hc.OnFailure
	}
	return out
}

func (r *Results) recordStartup(s *define.StartupHealthConfig, ok bool) Outcome {
	r.Status = define.HealthStarting
	if ok {
		r.FailingStreak = 0
		r.StartupSuccesses++
		if r.StartupSuccesses >= max(1, s.Successes) {
			r.StartupPassed = true
		}
		return Outcome{Healthy: true, StartupDone: r.StartupPassed}
	}
	r.StartupSuccesses = 0
	r.FailingStreak++
	if s.Retries > 0 && r.FailingStreak >= s.Retries {
		return Outcome{Action: "restart"}
	}
	return Outcome{}
}

// TrimOutput is a check's output as the log keeps it: without the final
// newline.
func TrimOutput(b []byte) string {
	return strings.TrimRight(string(b), "\n")
}
