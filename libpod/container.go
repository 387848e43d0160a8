package libpod

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/supervisor"
	"github.com/podlite/podlite/pkg/pidfile"
)

// Container is one container as seen by this podlite process. Its config
// never changes; its state is only valid while the container's lock is
// held, after syncLocked.
type Container struct {
	rt     *Runtime
	config *define.ContainerConfig
	state  *define.ContainerState
	lock   lock.Locker
}

// ID returns the container's full ID.
func (c *Container) ID() string { return c.config.ID }

// Name returns the container's name.
func (c *Container) Name() string { return c.config.Name }

// Config returns the container's immutable configuration.
func (c *Container) Config() *define.ContainerConfig { return c.config }

// State returns the state as last loaded; call Sync for a fresh one.
func (c *Container) State() *define.ContainerState { return c.state }

// runDir holds the container's volatile files (final spec, pid, exit, stdin).
func (c *Container) runDir() string {
	return filepath.Join(c.rt.cfg.RunRoot, "containers", c.config.ID)
}

// userDir holds the container's persistent files (log, hosts, hostname).
func (c *Container) userDir() string {
	return filepath.Join(c.rt.cfg.Root, "containers", c.config.ID)
}

// LookupContainer finds a container by name, full ID or unique ID prefix.
// A leading "/" is dropped from a name, as podman does.
func (r *Runtime) LookupContainer(nameOrID string) (*Container, error) {
	id, err := r.store.LookupContainer(names.Trim(nameOrID))
	if err != nil {
		return nil, err
	}
	return r.containerByID(id)
}

func (r *Runtime) containerByID(id string) (*Container, error) {
	rec, err := r.store.Container(id)
	if err != nil {
		return nil, err
	}
	l, err := r.locks.Locker(id)
	if err != nil {
		return nil, err
	}
	return &Container{rt: r, config: rec.Config, state: rec.State, lock: l}, nil
}

// LatestContainer returns the most recently created container.
func (r *Runtime) LatestContainer() (*Container, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("no containers to choose the latest from: %w", define.ErrNotFound)
	}
	return r.containerByID(recs[len(recs)-1].Config.ID)
}

// Containers returns every container, oldest first, with their states
// re-derived from the system (a container whose supervisor recorded an exit
// shows as exited even before anyone cleaned it up).
func (r *Runtime) Containers() ([]*Container, error) {
	recs, err := r.store.AllContainers()
	if err != nil {
		return nil, err
	}
	out := make([]*Container, 0, len(recs))
	for _, rec := range recs {
		c := &Container{rt: r, config: rec.Config, state: rec.State}
		c.peekExit()
		out = append(out, c)
	}
	return out, nil
}

// withLock runs fn holding the container's lock on a freshly synced state.
func (c *Container) withLock(fn func() error) error {
	if c.lock == nil {
		l, err := c.rt.locks.Locker(c.config.ID)
		if err != nil {
			return err
		}
		c.lock = l
	}
	if err := c.lock.Lock(); err != nil {
		return fmt.Errorf("locking container %s: %w", c.config.ID, err)
	}
	defer c.lock.Unlock()
	if err := c.syncLocked(); err != nil {
		if errors.Is(err, define.ErrNotFound) {
			// Removed while we waited: the rm freed the lock file, and
			// taking the lock made it again. It locks nothing now.
			if ferr := c.rt.locks.Free(c.config.ID); ferr != nil {
				slog.Warn("freeing the lock of a removed container", "container", c.config.ID, "error", ferr)
			}
		}
		return err
	}
	return fn()
}

// Sync reloads the container's state and reconciles it with the system.
func (c *Container) Sync() error {
	return c.withLock(func() error { return nil })
}

// syncLocked reloads the state from the store and reconciles it with the
// system, finishing what a killed podlite left half done:
//   - a running container whose exit the supervisor recorded, or whose
//     supervisor and init are both gone, is recorded as exited and
//     released;
//   - a "stopping" container that still runs was left so by a stop that
//     died (a stop holds the lock throughout): it is running again;
//   - a container not recorded as running that has a run directory was
//     being started, or its exit recorded (recoverStartLocked);
//   - a running container's checkpointed mark without complete images was
//     left by a checkpoint killed before its dump completed: it goes.
func (c *Container) syncLocked() error {
	rec, err := c.rt.store.Container(c.config.ID)
	if err != nil {
		return err
	}
	// Listings load configs without their specs (for speed); a container
	// that is acted on gets its full record here, renames included.
	c.config, c.state = rec.Config, rec.State
	if !c.isActive() {
		return c.recoverStartLocked()
	}
	exit, err := supervisor.ReadExit(c.runDir())
	switch {
	case err == nil:
		return c.syncExitLocked(exit.Code, exit.At)
	case !errors.Is(err, define.ErrNotFound):
		return err
	}
	if !processAlive(c.state.SupervisorPID) && !processAlive(c.state.PID) {
		// Nobody is left to record the exit: the supervisor was killed.
		c.state.Error = "the container's supervisor died before recording its exit"
		return c.syncExitLocked(-1, time.Now())
	}
	if c.state.Status == define.StatusStopping {
		if err := c.setStatusLocked(define.StatusRunning); err != nil {
			return err
		}
		return c.saveLocked()
	}
	if c.state.Checkpointed && c.checkpointInventory() == nil {
		// Left by a checkpoint killed before its dump completed (none
		// runs now: this process holds the lock).
		c.state.Checkpointed = false
		return c.saveLocked()
	}
	return nil
}

// syncExitLocked records an exit that sync found. A release that fails is
// logged, not returned: the exit is recorded and the command that synced
// has its own work to do; what is left stays in the state for the next
// release (start, rm) to retry and report.
func (c *Container) syncExitLocked(code int, at time.Time) error {
	err := c.exitedLocked(code, at)
	var rel *releaseError
	if errors.As(err, &rel) {
		slog.Warn("releasing an exited container", "container", c.config.Name, "error", err)
		return nil
	}
	return err
}

// recoverStartLocked finishes a start (or restore, or exit recording) that
// podlite was killed in, found by the run directory it leaves on a
// container not recorded as running (prepareLocked makes the directory
// first; exitedLocked and releaseLocked remove it last):
//   - an exit file: the container ran and exited; the exit is recorded;
//   - a live init (pid file): the start succeeded but was not recorded; the
//     container is recorded as running, its parent as its supervisor;
//   - neither: the container never ran; what the start took is released.
//
// The namespace and mount a start took are saved with the running state,
// so they are looked up here (recordLeftoversLocked) before a release.
func (c *Container) recoverStartLocked() error {
	switch c.state.Status {
	case define.StatusRemoving:
		return nil // rm releases everything anyway
	case define.StatusInitialized:
		return nil // init's run directory and resources wait for start or rm
	}
	if _, err := os.Stat(c.runDir()); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return err
	}
	c.recordLeftoversLocked()
	if exit, err := supervisor.ReadExit(c.runDir()); err == nil {
		return c.syncExitLocked(exit.Code, exit.At)
	}
	if pid := readPIDFile(filepath.Join(c.runDir(), "pid")); processAlive(pid) {
		supervisorPID := parentPID(pid)
		if supervisorPID <= 1 {
			supervisorPID = 0 // orphaned: its exit is noticed when it is gone
		}
		slog.Debug("recording an interrupted start that succeeded", "container", c.config.Name, "pid", pid)
		return c.runningLocked(pid, supervisorPID)
	}
	slog.Debug("releasing what an interrupted start took", "container", c.config.Name)
	// A restore's: the checkpoint's addresses, which its CNI ADD took
	// back, are held again before the teardown frees them.
	holdErr := c.settleCheckpointLocked()
	err := errors.Join(holdErr, c.freeResourcesLocked())
	if serr := c.saveLocked(); serr != nil {
		return serr
	}
	if err != nil {
		slog.Warn("releasing what an interrupted start took", "container", c.config.Name, "error", err)
		return nil
	}
	return c.removeRunDirLocked()
}

// recordLeftoversLocked puts into the state what an interrupted start took
// before it could save it: the network namespace (its path is fixed by the
// ID), the network status written beside it, the image mounts and the
// rootfs mount. A
// rootfs mounted both by `podlite mount` and by the interrupted start keeps
// one mount reference, which rm's forced unmount drops.
func (c *Container) recordLeftoversLocked() {
	c.sandbox().recordLeftovers()
	c.recordImageMountsLocked()
	if c.state.Mountpoint != "" || c.config.StorageID == "" {
		return
	}
	store, err := c.rt.Storage()
	if err != nil {
		return
	}
	if mounted, err := store.Mounted(c.config.StorageID); err != nil || !mounted {
		return
	}
	// Mount and Unmount again only to learn the path.
	if mnt, err := store.Mount(c.config.StorageID); err == nil {
		c.state.Mountpoint = mnt
		if err := store.Unmount(c.config.StorageID, false); err != nil {
			slog.Warn("unmounting a rootfs", "container", c.config.Name, "error", err)
		}
	}
}

// readPIDFile returns the PID in path, 0 when there is none.
func readPIDFile(path string) int {
	pid, _ := pidfile.Read(path)
	return pid
}

// parentPID returns pid's parent from /proc, 0 when unknown.
func parentPID(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields after its ")".
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(b[i+1:]))
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// peekExit updates an in-memory copy (no lock, no save) with an exit the
// supervisor already recorded or that nobody is left to record, or with a
// start that podlite was killed in after the container ran (see
// syncLocked and recoverStartLocked), for listings.
func (c *Container) peekExit() {
	if c.state.Status == define.StatusRemoving {
		return
	}
	if exit, err := supervisor.ReadExit(c.runDir()); err == nil {
		c.state.Status = define.StatusExited
		c.state.ExitCode = exit.Code
		c.state.FinishedAt = exit.At
		c.state.PID = 0
		return
	}
	if c.isActive() {
		if !processAlive(c.state.SupervisorPID) && !processAlive(c.state.PID) {
			// As syncLocked will record it: nobody is left to run it.
			c.state.Status, c.state.ExitCode, c.state.PID = define.StatusExited, -1, 0
		}
		return
	}
	if pid := readPIDFile(filepath.Join(c.runDir(), "pid")); processAlive(pid) {
		c.state.Status, c.state.PID = define.StatusRunning, pid
	}
}

func (c *Container) isActive() bool {
	switch c.state.Status {
	case define.StatusRunning, define.StatusPaused, define.StatusStopping:
		return true
	}
	return false
}

// setStatusLocked changes the status through the transition table.
func (c *Container) setStatusLocked(to define.ContainerStatus) error {
	if err := define.CheckTransition(c.state.Status, to); err != nil {
		return fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	c.state.Status = to
	return nil
}

func (c *Container) saveLocked() error {
	return c.rt.store.SaveContainerState(c.config.ID, c.state)
}

func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func ensureDir(path string) error {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
	return nil
}

// IsRunning reports whether the last loaded state is running or paused.
func (c *Container) IsRunning() bool { return c.isActive() }

// RenameContainer gives a container a new name; running containers may be
// renamed too. The new name must be valid and unused.
func (r *Runtime) RenameContainer(nameOrID, newName string) error {
	newName, err := names.Clean(newName)
	if err != nil {
		return err
	}
	c, err := r.LookupContainer(nameOrID)
	if err != nil {
		return err
	}
	return c.withLock(func() error {
		if err := r.store.RenameContainer(c.config.ID, newName); err != nil {
			return fmt.Errorf("renaming container %s to %s: %w", c.config.Name, newName, err)
		}
		c.config.Name = newName
		c.newEvent(events.Rename)
		return nil
	})
}
