package libpod

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/supervisor"
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
func (r *Runtime) LookupContainer(nameOrID string) (*Container, error) {
	id, err := r.store.LookupContainer(nameOrID)
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
		return err
	}
	return fn()
}

// Sync reloads the container's state and reconciles it with the system.
func (c *Container) Sync() error {
	return c.withLock(func() error { return nil })
}

// syncLocked reloads the state from the store and, if the container was
// running, checks whether it still is: an exit the supervisor recorded, or
// a supervisor that died, turns it into exited and releases its resources.
func (c *Container) syncLocked() error {
	rec, err := c.rt.store.Container(c.config.ID)
	if err != nil {
		return err
	}
	// Listings load configs without their specs (for speed); a container
	// that is acted on gets its full record here, renames included.
	c.config, c.state = rec.Config, rec.State
	if !c.isActive() {
		if c.state.Checkpointed {
			return c.adoptRestoredLocked()
		}
		return nil
	}
	exit, err := supervisor.ReadExit(c.runDir())
	switch {
	case err == nil:
		return c.exitedLocked(exit.Code, exit.At)
	case !errors.Is(err, define.ErrNotFound):
		return err
	}
	if !processAlive(c.state.SupervisorPID) && !processAlive(c.state.PID) {
		// Nobody is left to record the exit: the supervisor was killed.
		c.state.Error = "the container's supervisor died before recording its exit"
		return c.exitedLocked(-1, time.Now())
	}
	if c.state.Checkpointed && c.checkpointInventory() == nil {
		// Left by a checkpoint killed before its dump completed (none
		// runs now: this process holds the lock).
		c.state.Checkpointed = false
		return c.saveLocked()
	}
	return nil
}

// peekExit updates an in-memory copy (no lock, no save) with an exit the
// supervisor already recorded, for listings.
func (c *Container) peekExit() {
	if !c.isActive() {
		return
	}
	if exit, err := supervisor.ReadExit(c.runDir()); err == nil {
		c.state.Status = define.StatusExited
		c.state.ExitCode = exit.Code
		c.state.FinishedAt = exit.At
		c.state.PID = 0
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
	if err := names.Check(newName); err != nil {
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
		return nil
	})
}
