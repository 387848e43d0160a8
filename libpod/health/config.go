package health

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

// Podman's defaults for the --health-* flags.
const (
	DefaultInterval       = 30 * time.Second
	DefaultTimeout        = 30 * time.Second
	DefaultRetries        = 3
	DefaultMaxLogCount    = 5
	DefaultMaxLogSize     = 500
	DefaultLogDestination = "local"
)

// Options are the --health-* flags as given; an empty string or a nil
// pointer is a flag not given (its default applies, or the image's value).
type Options struct {
	Cmd, Interval, StartPeriod, Timeout string
	Retries                             *uint
	OnFailure                           string

	StartupCmd, StartupInterval, StartupTimeout string
	StartupRetries, StartupSuccess              uint

	LogDestination          string
	MaxLogCount, MaxLogSize *uint

	// NoHealthcheck is --no-healthcheck: no check, not even the image's.
	NoHealthcheck bool
}

// Build turns opts, over the image's HEALTHCHECK (nil for none), into the
// container's health check; nil means the container has none.
func Build(opts Options, image *define.HealthConfig) (*define.HealthCheck, error) {
	if opts.NoHealthcheck {
		if opts.Cmd != "" {
			return nil, fmt.Errorf("cannot specify both --no-healthcheck and --health-cmd: %w", define.ErrInvalidArg)
		}
		return nil, nil
	}
	var base *define.HealthConfig
	switch {
	case opts.Cmd != "":
		test, err := ParseCommand(opts.Cmd)
		if err != nil {
			return nil, err
		}
		base = &define.HealthConfig{Test: test, Interval: DefaultInterval, Timeout: DefaultTimeout, Retries: DefaultRetries}
	case image != nil && len(image.Test) > 0:
		c := *image
		base = &c
	}
	if base == nil || base.Test[0] == "NONE" {
		return nil, nil
	}
	if err := applyTiming(base, opts); err != nil {
		return nil, err
	}
	hc := &define.HealthCheck{Config: base, OnFailure: "none", LogDestination: DefaultLogDestination,
		MaxLogCount: DefaultMaxLogCount, MaxLogSize: DefaultMaxLogSize}
	if err := applyLogAndFailure(hc, opts); err != nil {
		return nil, err
	}
	var err error
	if hc.Startup, err = startup(opts); err != nil {
		return nil, err
	}
	return hc, nil
}

// Update applies update's --health-* flags to cur (nil for no check):
// the flags given replace those values, the others stay; --no-healthcheck
// and --health-cmd none remove the check; a container without one needs
// --health-cmd. nil means no check.
func Update(cur *define.HealthCheck, opts Options) (*define.HealthCheck, error) {
	if opts.NoHealthcheck {
		if opts.Cmd != "" {
			return nil, fmt.Errorf("cannot specify both --no-healthcheck and --health-cmd: %w", define.ErrInvalidArg)
		}
		return nil, nil
	}
	var hc define.HealthCheck
	var cfg define.HealthConfig
	switch {
	case cur != nil:
		hc, cfg = *cur, *cur.Config
	case opts.Cmd == "":
		return nil, fmt.Errorf("the container has no health check to change: give --health-cmd: %w", define.ErrInvalidArg)
	default:
		hc = define.HealthCheck{OnFailure: "none", LogDestination: DefaultLogDestination, MaxLogCount: DefaultMaxLogCount, MaxLogSize: DefaultMaxLogSize}
	}
	if opts.Cmd != "" {
		test, err := ParseCommand(opts.Cmd)
		if err != nil {
			return nil, err
		}
		if test[0] == "NONE" {
			return nil, nil
		}
		cfg.Test = test
	}
	if err := applyTiming(&cfg, opts); err != nil {
		return nil, err
	}
	hc.Config = &cfg
	if opts.LogDestination == DefaultLogDestination {
		hc.LogDestination = DefaultLogDestination
	}
	if err := applyLogAndFailure(&hc, opts); err != nil {
		return nil, err
	}
	if opts.StartupCmd != "" || opts.StartupInterval != "" || opts.StartupTimeout != "" || opts.StartupRetries != 0 || opts.StartupSuccess != 0 {
		s, err := startup(opts)
		if err != nil {
			return nil, err
		}
		hc.Startup = s
	}
	return &hc, nil
}

// applyTiming applies the timing flags (podman's checks and messages) and
// the defaults of an image's zero values.
func applyTiming(c *define.HealthConfig, opts Options) error {
	var err error
	if opts.Interval != "" {
		if c.Interval, err = parseInterval("health-interval", opts.Interval); err != nil {
			return err
		}
	} else if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if opts.Timeout != "" {
		if c.Timeout, err = time.ParseDuration(opts.Timeout); err != nil {
			return fmt.Errorf("invalid healthcheck-timeout %q: %w", opts.Timeout, define.ErrInvalidArg)
		}
	} else if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Timeout < time.Second {
		return fmt.Errorf("healthcheck-timeout must be at least 1 second: %w", define.ErrInvalidArg)
	}
	if opts.StartPeriod != "" {
		if c.StartPeriod, err = time.ParseDuration(opts.StartPeriod); err != nil {
			return fmt.Errorf("invalid healthcheck-start-period %q: %w", opts.StartPeriod, define.ErrInvalidArg)
		}
	}
	if c.StartPeriod < 0 {
		return fmt.Errorf("healthcheck-start-period must be 0 seconds or greater: %w", define.ErrInvalidArg)
	}
	if opts.Retries != nil {
		c.Retries = int(*opts.Retries)
		if c.Retries < 1 {
			return fmt.Errorf("healthcheck-retries must be greater than 0: %w", define.ErrInvalidArg)
		}
	} else if c.Retries == 0 {
		c.Retries = DefaultRetries
	}
	return nil
}

// parseInterval reads an interval flag: a duration of at least one
// second, or "disable" (0: no timer, only `healthcheck run`).
func parseInterval(flag, v string) (time.Duration, error) {
	if v == "disable" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("invalid --%s %q: %w", flag, v, define.ErrInvalidArg)
	}
	if d < time.Second {
		return 0, fmt.Errorf("--%s must be at least 1 second: %w", flag, define.ErrInvalidArg)
	}
	return d, nil
}

func applyLogAndFailure(hc *define.HealthCheck, opts Options) error {
	switch opts.OnFailure {
	case "":
	case "none", "kill", "restart", "stop":
		hc.OnFailure = opts.OnFailure
	default:
		return fmt.Errorf("invalid on-failure action %q for health check: supported actions are none,kill,restart,stop: %w", opts.OnFailure, define.ErrInvalidArg)
	}
	if opts.MaxLogCount != nil {
		hc.MaxLogCount = *opts.MaxLogCount
	}
	if opts.MaxLogSize != nil {
		hc.MaxLogSize = *opts.MaxLogSize
	}
	switch d := opts.LogDestination; {
	case d == "" || d == "local":
	case d == "events_logger":
		return fmt.Errorf("--health-log-destination events_logger is not supported: podlite keeps health logs in files (local or a directory): %w", define.ErrNotSupported)
	case !filepath.IsAbs(d):
		return fmt.Errorf("--health-log-destination %q: want local or an absolute directory: %w", d, define.ErrInvalidArg)
	default:
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return fmt.Errorf("--health-log-destination %s: no such directory: %w", d, define.ErrNotFound)
		}
		hc.LogDestination = filepath.Clean(d)
	}
	return nil
}

// startup builds the startup check of --health-startup-cmd.
func startup(opts Options) (*define.StartupHealthConfig, error) {
	if opts.StartupCmd == "" {
		if opts.StartupInterval != "" || opts.StartupTimeout != "" || opts.StartupRetries != 0 || opts.StartupSuccess != 0 {
			return nil, fmt.Errorf("startup healthcheck options need --health-startup-cmd: %w", define.ErrInvalidArg)
		}
		return nil, nil
	}
	test, err := ParseCommand(opts.StartupCmd)
	if err != nil {
		return nil, err
	}
	s := &define.StartupHealthConfig{HealthConfig: define.HealthConfig{Test: test, Interval: DefaultInterval,
		Timeout: DefaultTimeout, Retries: int(opts.StartupRetries)}, Successes: int(opts.StartupSuccess)}
	if opts.StartupInterval != "" {
		if s.Interval, err = parseInterval("health-startup-interval", opts.StartupInterval); err != nil {
			return nil, err
		}
	}
	if opts.StartupTimeout != "" {
		if s.Timeout, err = time.ParseDuration(opts.StartupTimeout); err != nil || s.Timeout < time.Second {
			return nil, fmt.Errorf("invalid --health-startup-timeout %q: at least 1 second: %w", opts.StartupTimeout, define.ErrInvalidArg)
		}
	}
	return s, nil
}

// ParseCommand reads --health-cmd as podman does: a JSON array (["CMD",
// ARG...], ["CMD-SHELL", COMMAND], or a bare argv, which gets "CMD"), or a
// string, run by the container's shell (CMD-SHELL); "none" disables the
// check (["NONE"]).
func ParseCommand(s string) ([]string, error) {
	var arr []string
	isArray := json.Unmarshal([]byte(s), &arr) == nil
	if !isArray {
		arr = strings.Fields(s)
	}
	if len(arr) == 0 {
		return nil, fmt.Errorf("must define a healthcheck command for all healthchecks: %w", define.ErrInvalidArg)
	}
	switch strings.ToUpper(arr[0]) {
	case "NONE":
		return []string{"NONE"}, nil
	case "CMD", "CMD-SHELL":
		arr[0] = strings.ToUpper(arr[0])
		if len(arr) < 2 {
			return nil, fmt.Errorf("healthcheck %s needs a command: %w", arr[0], define.ErrInvalidArg)
		}
		if arr[0] == "CMD-SHELL" && !isArray {
			return []string{"CMD-SHELL", strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), arr[0]))}, nil
		}
		return arr, nil
	}
	if isArray && len(arr) > 1 {
		return append([]string{"CMD"}, arr...), nil
	}
	if isArray {
		return []string{"CMD-SHELL", arr[0]}, nil
	}
	return []string{"CMD-SHELL", s}, nil
}

// Argv is the process a check runs in the container.
func Argv(test []string) ([]string, error) {
	if len(test) < 2 {
		return nil, fmt.Errorf("healthcheck %v has no command: %w", test, define.ErrInvalidArg)
	}
	switch test[0] {
	case "CMD":
		return test[1:], nil
	case "CMD-SHELL":
		return []string{"/bin/sh", "-c", strings.Join(test[1:], " ")}, nil
	}
	return nil, fmt.Errorf("healthcheck %s is not CMD or CMD-SHELL: %w", test[0], define.ErrInvalidArg)
}

// FromImageConfig reads the HEALTHCHECK of an image config blob (Docker's
// config.Healthcheck; OCI configs that carry it too); nil when absent.
func FromImageConfig(blob []byte) (*define.HealthConfig, error) {
	var cfg struct {
		Config struct {
			Healthcheck *define.HealthConfig `json:"Healthcheck"`
		} `json:"config"`
	}
	if err := json.Unmarshal(blob, &cfg); err != nil {
		return nil, fmt.Errorf("reading the image's healthcheck: %w", err)
	}
	hc := cfg.Config.Healthcheck
	if hc == nil || len(hc.Test) == 0 {
		return nil, nil
	}
	return hc, nil
}
