package rootless

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sddbus "github.com/coreos/go-systemd/v22/dbus"
	godbus "github.com/godbus/dbus/v5"
)

// moveToScope puts the pause process into a transient scope of the
// user's systemd manager when this command runs in one of its units.
// Started by a unit's command (the
// user's first after a boot), it would otherwise stay in that unit's
// cgroup, and the unit's stop kills what its cgroup holds: the namespace
// of every other container of the user would go with it (their exec and
// rm then fail). podman moves its pause process the same way. Without a
// manager there is nothing to escape; a failed move is logged, not fatal.
func moveToScope(pid int) {
	if !inUserUnit() {
		return
	}
	sock := managerSocket()
	if sock == "" {
		return
	}
	conn, err := dialManager(sock)
	if err != nil {
		// A socket left by a manager that has exited: no manager runs.
		slog.Debug("no systemd user manager to move the pause process to", "socket", sock, "err", err)
		return
	}
	defer conn.Close()
	if err := startScope(conn, pid); err != nil {
		slog.Warn("the rootless pause process stays in this command's cgroup: stopping its unit ends the user namespace of every container", "pid", pid, "err", err)
	}
}

// inUserUnit tells whether this process runs in a service of the user's
// systemd manager (cgroup …/user@UID.service/…/NAME.service), whose stop
// would kill the pause process. A command run from a login session or
// elsewhere leaves its pause process where it is.
func inUserUnit() bool {
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		slog.Debug("reading this process's cgroup", "err", err)
		return false
	}
	return inUnitCgroup(string(data), os.Geteuid())
}

// inUnitCgroup tells whether /proc/PID/cgroup's text puts the process in
// a service of uid's user manager.
func inUnitCgroup(procCgroup string, uid int) bool {
	manager := "/user@" + strconv.Itoa(uid) + ".service/"
	for _, line := range strings.Split(procCgroup, "\n") {
		// name=systemd on cgroup v1, the unified hierarchy's "0::" on v2.
		fields := strings.SplitN(line, ":", 3)
		if len(fields) == 3 && (fields[1] == "name=systemd" || fields[0] == "0") &&
			strings.Contains(fields[2], manager) && strings.HasSuffix(fields[2], ".service") {
			return true
		}
	}
	return false
}

// managerSocket is the private socket of the user's systemd manager, or
// "" when none runs: under $XDG_RUNTIME_DIR, or under /run/user/UID where
// the manager puts it (a unit may give podlite another XDG_RUNTIME_DIR).
func managerSocket() string {
	dirs := []string{os.Getenv("XDG_RUNTIME_DIR"), filepath.Join("/run/user", strconv.Itoa(os.Geteuid()))}
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		sock := filepath.Join(dir, "systemd", "private")
		if _, err := os.Stat(sock); err == nil {
			return sock
		}
	}
	return ""
}

// dialManager connects to the manager behind sock, its private socket
// (as systemctl --user does: no session bus needed).
func dialManager(sock string) (*sddbus.Conn, error) {
	return sddbus.NewConnection(func() (*godbus.Conn, error) {
		c, err := godbus.Dial("unix:path=" + sock)
		if err != nil {
			return nil, err
		}
		if err := c.Auth([]godbus.Auth{godbus.AuthExternal(strconv.Itoa(os.Geteuid()))}); err != nil {
			c.Close()
			return nil, err
		}
		return c, nil
	})
}

// startScope asks the manager for a transient scope holding pid.
func startScope(conn *sddbus.Conn, pid int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	name := fmt.Sprintf("podlite-pause-%d.scope", pid)
	done := make(chan string, 1)
	props := []sddbus.Property{sddbus.PropPids(uint32(pid)), sddbus.PropDescription("podlite rootless pause process")}
	if _, err := conn.StartTransientUnitContext(ctx, name, "fail", props, done); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	select {
	case result := <-done:
		if result != "done" {
			return fmt.Errorf("starting %s: %s", name, result)
		}
	case <-ctx.Done():
		return fmt.Errorf("starting %s: %w", name, ctx.Err())
	}
	return nil
}
