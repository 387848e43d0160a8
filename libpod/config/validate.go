package config

import (
	"fmt"

	"github.com/podlite/podlite/libpod/define"
)

// Values of the settings podman users pass that podlite checks.
const (
	// RuntimeName is podlite's only OCI runtime: runc's libcontainer, built
	// in. podman's default runtime names are "crun" and "runc"; only the
	// one podlite really runs is accepted.
	RuntimeName           = "runc"
	CgroupManagerCgroupfs = "cgroupfs"
	CgroupManagerSystemd  = "systemd"
	EventsFile            = "file"
	EventsNone            = "none"
	EventsJournald        = "journald"
)

// Validate refuses settings podlite cannot honour, each with its reason.
func (c *Config) Validate() error {
	if c.Runtime != RuntimeName {
		return fmt.Errorf("OCI runtime %q is not available: podlite runs containers with its embedded runtime (%s's libcontainer): %w", c.Runtime, RuntimeName, define.ErrNotSupported)
	}
	switch c.CgroupManager {
	case CgroupManagerCgroupfs:
	case CgroupManagerSystemd:
		return fmt.Errorf("cgroup manager %q is not supported: podlite manages container cgroups through cgroupfs: %w", c.CgroupManager, define.ErrNotSupported)
	default:
		return fmt.Errorf("invalid cgroup manager %q: must be cgroupfs: %w", c.CgroupManager, define.ErrInvalidArg)
	}
	switch c.EventsLogger {
	case EventsFile, EventsNone:
	case EventsJournald:
		return fmt.Errorf("events backend %q is not supported: podlite writes events to a file (or none): %w", c.EventsLogger, define.ErrNotSupported)
	default:
		return fmt.Errorf("%q is not a valid events backend: %w", c.EventsLogger, define.ErrInvalidArg)
	}
	return nil
}
