package containers

import (
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/libpod/health"
)

// healthFlags are run's and create's --health-* flags.
type healthFlags struct {
	o                          health.Options
	retries, maxCount, maxSize uint
}

func (f *healthFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.o.Cmd, "health-cmd", "", `health check command: a shell command, a JSON array (["CMD", ...] or ["CMD-SHELL", "..."]), or "none"`)
	fs.StringVar(&f.o.Interval, "health-interval", "30s", `interval between health checks, or "disable" (checks only on "healthcheck run")`)
	fs.UintVar(&f.retries, "health-retries", health.DefaultRetries, "failures in a row before the container is unhealthy")
	fs.StringVar(&f.o.StartPeriod, "health-start-period", "0s", "time to start up during which failures do not count")
	fs.StringVar(&f.o.Timeout, "health-timeout", "30s", "time a health check may take before it fails")
	fs.StringVar(&f.o.OnFailure, "health-on-failure", "none", "action once unhealthy: none, kill, restart or stop")
	fs.StringVar(&f.o.StartupCmd, "health-startup-cmd", "", "startup health check command, run until it passes before the regular check")
	fs.StringVar(&f.o.StartupInterval, "health-startup-interval", "30s", "interval between startup health checks")
	fs.UintVar(&f.o.StartupRetries, "health-startup-retries", 0, "failed startup checks before the container restarts (0: never)")
	fs.UintVar(&f.o.StartupSuccess, "health-startup-success", 0, "startup checks that must pass in a row (0: one)")
	fs.StringVar(&f.o.StartupTimeout, "health-startup-timeout", "30s", "time a startup check may take before it fails")
	fs.StringVar(&f.o.LogDestination, "health-log-destination", health.DefaultLogDestination, "where health results go: local (the container's directory) or a directory")
	fs.UintVar(&f.maxCount, "health-max-log-count", health.DefaultMaxLogCount, "health results kept (0: all)")
	fs.UintVar(&f.maxSize, "health-max-log-size", health.DefaultMaxLogSize, "characters of a check's output kept (0: all)")
	fs.BoolVar(&f.o.NoHealthcheck, "no-healthcheck", false, "no health check, not even the image's")
}

// options are the flags for libpod: a flag not given is left unset, so
// that the image's HEALTHCHECK values apply.
func (f *healthFlags) options(fs *pflag.FlagSet) health.Options {
	o := f.o
	unset := func(name string, v *string) {
		if !fs.Changed(name) {
			*v = ""
		}
	}
	unset("health-interval", &o.Interval)
	unset("health-start-period", &o.StartPeriod)
	unset("health-timeout", &o.Timeout)
	unset("health-on-failure", &o.OnFailure)
	unset("health-startup-interval", &o.StartupInterval)
	unset("health-startup-timeout", &o.StartupTimeout)
	unset("health-log-destination", &o.LogDestination)
	if fs.Changed("health-retries") {
		o.Retries = &f.retries
	}
	if fs.Changed("health-max-log-count") {
		o.MaxLogCount = &f.maxCount
	}
	if fs.Changed("health-max-log-size") {
		o.MaxLogSize = &f.maxSize
	}
	return o
}
