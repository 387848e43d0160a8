package libpod

import (
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/supervisor"
)

// supervisorPidName is the file in the run directory that holds the
// supervisor's PID while the container runs: the PIDFile= of a unit that
// `generate systemd` makes without --new (podman's conmon.pid).
const supervisorPidName = "conmon.pid"

// SupervisorPidFile is where the PID of the container's supervisor is
// written at each start: --conmon-pidfile, or the run directory's file.
func (c *Container) SupervisorPidFile() string {
	if c.config.ConmonPidFile != "" {
		return c.config.ConmonPidFile
	}
	return filepath.Join(c.runDir(), supervisorPidName)
}

// notifyMode is the --sdnotify mode the supervisor acts on for this
// start: none unless podlite runs under systemd's NOTIFY_SOCKET.
func (c *Container) notifyMode() string {
	if os.Getenv("NOTIFY_SOCKET") == "" {
		return ""
	}
	switch c.config.SdNotifyMode {
	case define.SdNotifyConmon, define.SdNotifyContainer:
		return c.config.SdNotifyMode
	}
	return ""
}

// addNotifySocketLocked gives a --sdnotify=container container its own
// NOTIFY_SOCKET: a directory of the run directory, where the supervisor
// binds the socket it passes on, mounted at /run/notify.
func (c *Container) addNotifySocketLocked(s *specs.Spec) error {
	if c.notifyMode() != define.SdNotifyContainer {
		return nil
	}
	dir := filepath.Join(c.runDir(), supervisor.NotifySocketDir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("making the notify socket directory of %s: %w", c.config.Name, err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return fmt.Errorf("making the notify socket directory of %s: %w", c.config.Name, err)
	}
	s.Mounts = append(s.Mounts, specs.Mount{Destination: supervisor.ContainerNotifyDir, Type: "bind", Source: dir,
		Options: []string{"bind", "rprivate"}})
	s.Process.Env = append(s.Process.Env, "NOTIFY_SOCKET="+filepath.Join(supervisor.ContainerNotifyDir, "notify.sock"))
	return nil
}
