package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"sync/atomic"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/health"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/libpod/supervisor"
)

// HealthResult is what `healthcheck run` reports of one check.
type HealthResult struct {
	health.Outcome
	// Status is the container's health after the check.
	Status string
}

// maxHealthOutput bounds what a check's output may fill in memory; the
// log keeps at most --health-max-log-size of it.
const maxHealthOutput = 1 << 20

// healthConfig builds the container's health check from opts over the
// image's HEALTHCHECK.
func (r *Runtime) healthConfig(ctx context.Context, store *storage.Store, imageID string, opts health.Options) (*define.HealthCheck, error) {
	var imageHC *define.HealthConfig
	if !opts.NoHealthcheck && opts.Cmd == "" && imageID != "" { // a --rootfs container has no image
		blob, err := store.ConfigBlob(ctx, imageID)
		if err != nil {
			return nil, err
		}
		if imageHC, err = health.FromImageConfig(blob); err != nil {
			return nil, err
		}
	}
	return health.Build(opts, imageHC)
}

func (c *Container) healthPath() string {
	return health.Path(c.health(), c.userDir(), c.config.ID)
}

// HealthResults are the container's health; nil without a health check.
func (c *Container) HealthResults() (*health.Results, error) {
	if c.health() == nil {
		return nil, nil
	}
	return health.Load(c.healthPath())
}

// resetHealthLocked marks a (re)started container's health "starting".
func (c *Container) resetHealthLocked() {
	if c.health() == nil {
		return
	}
	res, err := health.Load(c.healthPath())
	if err == nil {
		res.Reset()
		err = res.Save(c.healthPath())
	}
	if err != nil {
		slog.Warn("resetting the health of a started container", "container", c.config.Name, "error", err)
	}
}

// healthSchedule fills in the supervisor's health timer: `podlite
// healthcheck run ID` every interval, none for a check without one.
func (c *Container) healthSchedule(cfg *supervisor.Config) {
	hc := c.health()
	if hc == nil || hc.Config.Interval == 0 {
		return
	}
	cfg.Health = c.rt.selfCommand("healthcheck", "run", c.config.ID)
	cfg.HealthInterval = hc.Config.Interval
	if hc.Startup != nil {
		cfg.StartupInterval = hc.Startup.Interval
	}
}

// healthTimer runs the health checks of an attached container, whose
// foreground podlite is its supervisor, until stop is called.
func (c *Container) healthTimer() (stop func()) {
	var cfg supervisor.Config
	c.healthSchedule(&cfg)
	if cfg.Health == nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		interval := cfg.HealthInterval
		if cfg.StartupInterval > 0 {
			interval = cfg.StartupInterval
		}
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			cmd := exec.Command("/proc/self/exe", cfg.Health[1:]...)
			cmd.Env = append(os.Environ(), supervisor.HealthTimerEnv+"=1")
			err := cmd.Run()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && ee.ExitCode() == supervisor.HealthStartupDone:
				t.Reset(cfg.HealthInterval)
			case err != nil && !errors.As(err, &ee):
				slog.Warn("running a health check", "container", c.config.Name, "error", err)
			}
		}
	}()
	return func() { close(done) }
}

// HealthCheck runs the container's health check once (the startup check
// until it has passed), records the result and applies
// --health-on-failure (a failed startup check out of retries restarts the
// container).
func (c *Container) HealthCheck(ctx context.Context) (*HealthResult, error) {
	var ps *specs.Process
	var timeout time.Duration
	var startedAt time.Time
	err := c.withLock(func() error {
		hc := c.health()
		if hc == nil {
			return define.Worded(define.ErrInvalidArg, "container "+c.config.ID+" has no defined healthcheck")
		}
		if c.state.Status != define.StatusRunning {
			return define.Worded(define.ErrInvalidState, "container "+c.config.ID+" is not running")
		}
		res, err := health.Load(c.healthPath())
		if err != nil {
			return err
		}
		test, timeout0 := hc.Config.Test, hc.Config.Timeout
		if res.InStartup(hc) {
			test, timeout0 = hc.Startup.Test, hc.Startup.Timeout
		}
		timeout, startedAt = timeout0, c.state.StartedAt
		argv, err := health.Argv(test)
		if err != nil {
			return err
		}
		ps, err = c.execProcess(ExecOptions{Cmd: argv})
		return err
	})
	if err != nil {
		return nil, err
	}
	entry, err := c.runHealthProcess(ps, timeout)
	if err != nil {
		return nil, err
	}
	var result HealthResult
	var streak int
	err = c.withLock(func() error {
		res, err := health.Load(c.healthPath())
		if err != nil {
			return err
		}
		before := res.Status
		result.Outcome = res.Record(c.health(), entry, startedAt)
		result.Status = res.Status
		if before != define.HealthHealthy && res.Status == define.HealthHealthy {
			c.notifyHealthy()
		}
		streak = res.FailingStreak
		return res.Save(c.healthPath())
	})
	if err != nil {
		return nil, err
	}
	// podman reports every check, not only a change of status.
	ev := c.event(events.HealthStatus)
	ev.HealthStatus, ev.HealthFailingStreak = result.Status, streak
	c.rt.emit(ev)
	return &result, c.healthAction(ctx, result.Action)
}

// healthAction applies --health-on-failure to an unhealthy container.
func (c *Container) healthAction(ctx context.Context, action string) error {
	var err error
	switch action {
	case "":
		return nil
	case "kill":
		err = c.Kill(ctx, syscall.SIGKILL)
	case "stop":
		err = c.Stop(ctx, nil)
	case "restart":
		err = c.Restart(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("health check on-failure action %s: %w", action, err)
	}
	return nil
}

// runHealthProcess execs ps in the container with its output captured,
// killing it after timeout.
func (c *Container) runHealthProcess(ps *specs.Process, timeout time.Duration) (health.Entry, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return health.Entry{}, err
	}
	defer r.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		w.Close()
		return health.Entry{}, err
	}
	defer null.Close()
	entry := health.Entry{Start: time.Now()}
	p, err := c.rt.oci().Exec(c.config.ID, ps, oci.Stdio{Stdin: null, Stdout: w, Stderr: w})
	w.Close()
	if err != nil {
		// A command that cannot run is a failed check, as in podman.
		entry.End, entry.ExitCode, entry.Output = time.Now(), 1, err.Error()
		return entry, nil
	}
	var out bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&out, io.LimitReader(r, maxHealthOutput))
		_, _ = io.Copy(io.Discard, r)
		close(copied)
	}()
	var timedOut atomic.Bool
	timer := time.AfterFunc(timeout, func() {
		timedOut.Store(true)
		_ = p.Signal(syscall.SIGKILL)
	})
	code, _ := p.Wait()
	timer.Stop()
	<-copied
	entry.End, entry.ExitCode, entry.Output = time.Now(), code, health.TrimOutput(out.Bytes())
	if timedOut.Load() {
		entry.ExitCode, entry.Output = -1, fmt.Sprintf("healthcheck command exceeded timeout of %s", timeout)
	}
	return entry, nil
}

// ContainerHealth is a container's health for `ps --filter health=`:
// starting, healthy, unhealthy, or none without a health check.
func (l lookups) ContainerHealth(cfg *define.ContainerConfig, st *define.ContainerState) string {
	c := &Container{rt: l.r, config: cfg, state: st}
	return c.healthStatus()
}

// healthStatus is the health ps shows, "" without a check or when the
// container does not run.
func (c *Container) healthStatus() string {
	if c.health() == nil || c.state.Status != define.StatusRunning {
		return ""
	}
	res, err := health.Load(c.healthPath())
	if err != nil {
		slog.Warn("reading a container's health", "container", c.config.Name, "error", err)
		return ""
	}
	return res.Status
}

// InspectHealth is inspect's .State.Health, podman's keys.
type InspectHealth struct {
	Status        string         `json:"Status"`
	FailingStreak int            `json:"FailingStreak"`
	Log           []health.Entry `json:"Log"`
}

// InspectHealthConfig are inspect's health check keys under .Config, as
// podman names them; all left out without a health check.
type InspectHealthConfig struct {
	Healthcheck                *define.HealthConfig        `json:"Healthcheck,omitempty"`
	HealthcheckOnFailureAction string                      `json:"HealthcheckOnFailureAction,omitempty"`
	StartupHealthCheck         *define.StartupHealthConfig `json:"StartupHealthCheck,omitempty"`
	HealthLogDestination       string                      `json:"HealthLogDestination,omitempty"`
	HealthMaxLogCount          uint                        `json:"HealthcheckMaxLogCount,omitempty"`
	HealthMaxLogSize           uint                        `json:"HealthcheckMaxLogSize,omitempty"`
}

// inspectHealth fills in the health check's keys of d.
func (c *Container) inspectHealth(d *InspectData) error {
	hc := c.health()
	if hc == nil {
		return nil
	}
	d.Config.InspectHealthConfig = InspectHealthConfig{
		Healthcheck: hc.Config, HealthcheckOnFailureAction: hc.OnFailure, StartupHealthCheck: hc.Startup,
		HealthLogDestination: hc.LogDestination, HealthMaxLogCount: hc.MaxLogCount, HealthMaxLogSize: hc.MaxLogSize,
	}
	res, err := health.Load(c.healthPath())
	if err != nil {
		return err
	}
	d.State.Health = &InspectHealth{Status: res.Status, FailingStreak: res.FailingStreak, Log: res.Log}
	return nil
}
