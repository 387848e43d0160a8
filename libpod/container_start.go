package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/hooks"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/supervisor"
	"github.com/podlite/podlite/pkg/crashpoint"
	"github.com/podlite/podlite/pkg/network"
)

// Start starts a created or exited container under its own supervisor and
// returns once the container's command runs. Starting a running container
// does nothing.
func (c *Container) Start(ctx context.Context) error {
	if err := c.startRequired(ctx); err != nil {
		return err
	}
	return c.withLock(c.startLocked)
}

func (c *Container) startLocked() (retErr error) {
	if c.isActive() {
		return nil
	}
	if c.state.Status == define.StatusRemoving {
		return fmt.Errorf("cannot start container %s: an rm of it did not finish; rm -f finishes it: %w", c.config.Name, define.ErrInvalidState)
	}
	if err := define.CheckTransition(c.state.Status, define.StatusRunning); err != nil {
		return fmt.Errorf("starting container %s: %w", c.config.Name, err)
	}
	wasInitialized := c.state.Status == define.StatusInitialized
	if _, err := c.prepareOnceLocked(); err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			c.releaseLocked()
			if err := c.saveLocked(); err != nil {
				slog.Warn("saving the state of a container whose start failed", "container", c.config.Name, "error", err)
			}
		}
	}()
	journal, err := c.supervisorJournal()
	if err != nil {
		return err
	}
	sup := supervisor.Config{
		Dir:        c.runDir(),
		LogPath:    c.config.LogPath,
		Journal:    journal,
		Stdio:      c.stdioMode(),
		KeepStdin:  c.config.Interactive,
		LogMaxSize: c.config.IO.LogMaxSize,
		Timeout:    c.config.IO.Timeout,
		Start:      []string{startCommandName, c.rt.ociRoot(), c.config.ID, c.runDir()},
		Exit:       c.rt.cleanupCommand(c.config.ID),
		Notify:     c.notifyMode(),
	}
	c.healthSchedule(&sup)
	rep, err := supervisor.Spawn(sup)
	if err != nil {
		return c.startFailedLocked(rep, err)
	}
	crashpoint.Hit(crashpoint.StartBeforeState)
	if err := c.runningLocked(rep.PID, rep.SupervisorPID); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.StartStateSaved)
	c.startedEvents(wasInitialized)
	return nil
}

// Init prepares a created or exited container as a start would (rootfs
// mounted, network set up, spec written) without running its command; the
// container is "initialized" until start runs it or rm releases it.
func (c *Container) Init(ctx context.Context) error {
	return c.withLock(func() error {
		if c.state.Status == define.StatusInitialized || c.isActive() {
			// podman's words, with the ID.
			return fmt.Errorf("container %s has already been created in runtime: %w", c.config.ID, define.ErrStateImproper)
		}
		if err := define.CheckTransition(c.state.Status, define.StatusInitialized); err != nil {
			return fmt.Errorf("initializing container %s: %w", c.config.Name, err)
		}
		if _, err := c.prepareLocked(nil); err != nil {
			return err
		}
		err := c.setStatusLocked(define.StatusInitialized)
		if err == nil {
			err = c.saveLocked()
		}
		if err != nil {
			c.releaseLocked()
			return err
		}
		c.newEvent(events.Init)
		return nil
	})
}

// startFailedLocked notes why the command could not run (startLocked saves
// it) and returns the error, carrying podman's exit code for a command that
// was not found or could not be invoked.
func (c *Container) startFailedLocked(rep *supervisor.Report, err error) error {
	c.state.Error = err.Error()
	if rep != nil && rep.ExitCode != 0 {
		return &define.ExitCodeError{Code: rep.ExitCode, Err: fmt.Errorf("starting container %s: %w", c.config.Name, err)}
	}
	return fmt.Errorf("starting container %s: %w", c.config.Name, err)
}

func (c *Container) runningLocked(pid, supervisorPID int) error {
	if err := c.setStatusLocked(define.StatusRunning); err != nil {
		return err
	}
	// Running, it is no longer checkpointed (a restore whose recording
	// was interrupted, a start of a checkpointed container).
	c.state.PID, c.state.SupervisorPID, c.state.Checkpointed, c.state.AttachedPID = pid, supervisorPID, false, 0
	c.state.StartedAt, c.state.FinishedAt = time.Now(), time.Time{}
	c.state.ExitCode, c.state.Error, c.state.StoppedByUser, c.state.OOMKilled = 0, "", false, false
	if err := c.saveLocked(); err != nil {
		return err
	}
	c.resetHealthLocked()
	c.writePidFiles()
	return nil
}

func (c *Container) stdioMode() string {
	switch {
	case c.config.Terminal:
		return supervisor.StdioTTY
	case c.config.LogDriver == "passthrough" || c.config.LogDriver == "passthrough-tty":
		return supervisor.StdioPassthrough
	case c.config.LogDriver == "none":
		return supervisor.StdioNull
	}
	return supervisor.StdioPipe
}

// prepareLocked mounts the rootfs, connects the networks and writes the
// spec for this start into the run directory; releaseLocked undoes it.
// restore, when set, holds the addresses a restored container must get
// back. The run directory is made first and removed last (exitedLocked,
// releaseLocked): found on a container not recorded as running, it shows
// that a start was interrupted (recoverStartLocked).
func (c *Container) prepareLocked(restore *network.Status) (_ *specs.Spec, retErr error) {
	// What the last run could not release is retried before taking more.
	if err := c.teardownNetworkLocked(context.Background()); err != nil {
		return nil, fmt.Errorf("starting container %s: %w", c.config.Name, err)
	}
	store, err := c.rt.Storage()
	if err != nil {
		return nil, err
	}
	if err := c.newRunDir(); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			c.releaseLocked()
		}
	}()
	mnt, err := c.mountRootfsLocked(store)
	if err != nil {
		return nil, fmt.Errorf("mounting the rootfs of %s: %w", c.config.Name, err)
	}
	c.state.Mountpoint = mnt
	crashpoint.Hit(crashpoint.StartRootfsMounted)
	s, err := copySpec(c.config.Spec)
	if err == nil && c.state.Resources != nil {
		s.Linux.Resources = c.state.Resources
	}
	if err == nil && c.state.Env != nil {
		s.Process.Env = c.state.Env
	}
	if err == nil && c.state.Rlimits != nil {
		s.Process.Rlimits = c.state.Rlimits
	}
	if err == nil {
		err = c.mountImagesLocked(store, s)
	}
	if err == nil {
		err = c.addUserEntries(s, mnt)
	}
	if err == nil {
		err = spec.Finalize(s, mnt)
	}
	if err == nil {
		err = c.prepareShapeLocked(s)
	}
	if err == nil {
		err = c.setupNetworkLocked(context.Background(), s, restore)
	}
	if err == nil {
		// Hooks are chosen at each start, as podman's are, from the
		// directories this podlite is configured with.
		err = hooks.Apply(c.rt.cfg.HooksDirs, s)
	}
	if err == nil {
		err = c.addNotifySocketLocked(s)
	}
	if err == nil {
		err = c.writeSpec(s)
	}
	if err != nil {
		return nil, err
	}
	crashpoint.Hit(crashpoint.StartSpecWritten)
	return s, nil
}

// prepareOnceLocked is prepareLocked, or for a container that init
// prepared, the spec init wrote.
func (c *Container) prepareOnceLocked() (*specs.Spec, error) {
	if c.state.Status != define.StatusInitialized {
		return c.prepareLocked(nil)
	}
	b, err := os.ReadFile(filepath.Join(c.runDir(), "config.json"))
	if err != nil {
		return nil, fmt.Errorf("reading the spec init wrote for %s: %w", c.config.Name, err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("reading the spec init wrote for %s: %w", c.config.Name, err)
	}
	return &s, nil
}

// newRunDir makes an empty run directory: nothing of an earlier run (pid,
// exit, restore.json) may be taken for this one's.
func (c *Container) newRunDir() error {
	if err := c.removeRunDirLocked(); err != nil {
		return err
	}
	return ensureDir(c.runDir())
}

func (c *Container) writeSpec(s *specs.Spec) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(c.runDir(), "config.json"), b)
}

// releaseLocked undoes a start or restore that failed: it gives back what
// prepareLocked took and removes the run directory. The caller returns the
// start's own error, so failures here are logged; what could not be
// released stays recorded in the state for the next release to retry.
func (c *Container) releaseLocked() {
	if c.state.Status == define.StatusInitialized {
		c.state.Status = define.StatusCreated // no longer prepared
	}
	if err := c.freeResourcesLocked(); err != nil {
		slog.Warn("releasing a container whose start failed", "container", c.config.Name, "error", err)
	}
	if err := c.removeRunDirLocked(); err != nil {
		slog.Warn("releasing a container whose start failed", "container", c.config.Name, "error", err)
	}
}

// freeResourcesLocked gives back what a start took: the runtime's
// container, its networks and namespace, its image mounts and the rootfs
// mount. It goes on
// past a failure, so that one stuck piece does not keep the rest; what
// failed stays recorded in the state (Network, Mountpoint) for a retry, and
// the failures are returned as a *releaseError.
func (c *Container) freeResourcesLocked() error {
	var errs []error
	if err := c.rt.oci().Delete(c.config.ID); err != nil {
		errs = append(errs, err)
	}
	if err := c.teardownNetworkLocked(context.Background()); err != nil {
		errs = append(errs, err)
	}
	if err := c.unmountShmLocked(); err != nil {
		errs = append(errs, err)
	}
	if len(c.config.Mounts.Images) > 0 {
		store, err := c.rt.Storage()
		if err == nil {
			err = c.unmountImagesLocked(store)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("releasing the image mounts of %s: %w", c.config.Name, err))
		}
	}
	if c.state.Mountpoint != "" {
		store, err := c.rt.Storage()
		if err == nil {
			err = c.unmountRootfsLocked(store)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("unmounting the rootfs of %s: %w", c.config.Name, err))
		} else {
			c.state.Mountpoint = ""
		}
	}
	if len(errs) > 0 {
		return &releaseError{errs: errs}
	}
	return nil
}

func (c *Container) removeRunDirLocked() error {
	if err := os.RemoveAll(c.runDir()); err != nil {
		return fmt.Errorf("removing the run directory of %s: %w", c.config.Name, err)
	}
	return nil
}

// releaseError is a release that did not finish. What it could not release
// is still recorded in the container's state, so a later release (rm,
// start) retries it.
type releaseError struct{ errs []error }

func (e *releaseError) Error() string {
	msgs := make([]string, len(e.errs))
	for i, err := range e.errs {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e *releaseError) Unwrap() []error { return e.errs }

// exitedLocked records an exit: it releases the container's resources,
// saves the exit and only then removes the run directory with the exit
// file, so that a crash before the save leaves the exit for the next
// podlite to record. A failed release is returned (a *releaseError) after
// the exit is saved, as is a checkpoint's failed hold of its addresses.
func (c *Container) exitedLocked(code int, at time.Time) error {
	if err := c.setStatusLocked(define.StatusExited); err != nil {
		return err
	}
	c.state.ExitCode, c.state.FinishedAt, c.state.PID = code, at, 0
	// Before the teardown: a held address survives its CNI DEL.
	holdErr := c.settleCheckpointLocked()
	relErr := c.freeResourcesLocked()
	crashpoint.Hit(crashpoint.StopBeforeExitState)
	if err := c.saveLocked(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.StopExitStateSaved)
	// A checkpoint's end of the processes is no death: it logs
	// "checkpoint" instead.
	if !c.state.Checkpointed {
		died := c.event(events.Died)
		died.ContainerExitCode = &code
		c.rt.emit(died)
	}
	if err := c.removeRunDirLocked(); err != nil {
		return err
	}
	c.newEvent(events.Cleanup)
	return errors.Join(relErr, holdErr)
}

func copySpec(s *specs.Spec) (*specs.Spec, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var out specs.Spec
	return &out, json.Unmarshal(b, &out)
}

// writeFileAtomic writes a file next to path, syncs it and renames it into
// place, so readers never see half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (r *Runtime) ociRoot() string { return filepath.Join(r.cfg.RunRoot, "runtime") }

func (r *Runtime) oci() *oci.Runtime { return oci.New(r.ociRoot()) }

// cleanupCommand is what the supervisor execs after the container exits:
// podlite with this process's settings. The config layers are named again
// (--config, --module; the supervisor inherits PODLITE_CONFIG_OVERRIDE with
// this process's environment) and what flags may have set is passed.
func (r *Runtime) cleanupCommand(id string) []string {
	return r.selfCommand("container", "cleanup", id)
}

// selfCommand is the argv of a podlite command run on this runtime's
// root, runroot, configuration and storage.
func (r *Runtime) selfCommand(verb ...string) []string {
	args := []string{"podlite", "--root", r.cfg.Root, "--runroot", r.cfg.RunRoot}
	// The same networks (network_config_dir, plugins) as the start's.
	if r.cfg.File != "" {
		args = append(args, "--config", r.cfg.File)
	}
	for _, m := range r.cfg.Modules {
		args = append(args, "--module", m)
	}
	if r.cfg.StorageDriver != "" {
		args = append(args, "--storage-driver", r.cfg.StorageDriver)
	}
	if len(r.cfg.StorageOptions) == 0 {
		args = append(args, "--storage-opt", "")
	}
	for _, o := range r.cfg.StorageOptions {
		args = append(args, "--storage-opt", o)
	}
	// Restarts under the supervisor choose hooks from the same directories.
	if len(r.cfg.HooksDirs) == 0 {
		args = append(args, "--hooks-dir", "")
	}
	for _, d := range r.cfg.HooksDirs {
		args = append(args, "--hooks-dir", d)
	}
	args = append(args, "--events-backend", r.cfg.EventsLogger)
	return append(args, verb...)
}

// startCommandName is argv[0] of the start command the supervisor runs.
const startCommandName = "podlite-start"

// MaybeStartCommand runs the start command when this process is one (see
// package supervisor) and reports whether it was; it then never returns.
func MaybeStartCommand() bool {
	if filepath.Base(os.Args[0]) != startCommandName || len(os.Args) != 4 {
		return false
	}
	rep := runStartCommand(os.Args[1], os.Args[2], os.Args[3])
	_ = supervisor.WriteReport(os.NewFile(3, "report"), rep)
	if rep.Error != "" {
		os.Exit(1)
	}
	os.Exit(0)
	return true
}

// runStartCommand creates the container with libcontainer, as a child of
// the supervisor, with the standard streams the supervisor set up.
func runStartCommand(ociRoot, id, dir string) *supervisor.Report {
	fail := func(err error) *supervisor.Report {
		rep := &supervisor.Report{Error: err.Error()}
		var se *oci.StartError
		if errors.As(err, &se) {
			rep.ExitCode = define.ExitCannotInvoke
			if se.NotFound {
				rep.ExitCode = define.ExitNotFound
			}
		}
		return rep
	}
	stdio := oci.Stdio{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if os.Getenv("_PODLITE_CONSOLE_FD") != "" {
		stdio = oci.Stdio{ConsoleSocket: os.NewFile(4, "console")}
	}
	var p *oci.Process
	// An exec session's supervisor (ExecAttach) runs process.json.
	if b, err := os.ReadFile(filepath.Join(dir, "process.json")); err == nil {
		var ps specs.Process
		if err := json.Unmarshal(b, &ps); err != nil {
			return fail(err)
		}
		if p, err = oci.New(ociRoot).Exec(id, &ps, stdio); err != nil {
			return fail(err)
		}
		return startReport(dir, p, fail)
	}
	// The run directory holds config.json: as runc's, it is the bundle
	// libcontainer reports to OCI hooks (the working directory's).
	if err := os.Chdir(dir); err != nil {
		return fail(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return fail(err)
	}
	var s specs.Spec
	if err := json.Unmarshal(b, &s); err != nil {
		return fail(err)
	}
	if restore, ok, err := readRestoreFile(dir); err != nil {
		return fail(err)
	} else if ok {
		p, err = oci.New(ociRoot).Restore(id, &s, stdio, restore)
		if err != nil {
			return fail(err)
		}
	} else if p, err = oci.New(ociRoot).Start(id, &s, stdio); err != nil {
		return fail(err)
	}
	return startReport(dir, p, fail)
}

// startReport records the started process's PID for the supervisor.
func startReport(dir string, p *oci.Process, fail func(error) *supervisor.Report) *supervisor.Report {
	if err := writeFileAtomic(filepath.Join(dir, "pid"), []byte(strconv.Itoa(p.Pid()))); err != nil {
		_ = p.Signal(os.Kill)
		return fail(err)
	}
	return &supervisor.Report{PID: p.Pid(), SupervisorPID: os.Getppid()}
}
