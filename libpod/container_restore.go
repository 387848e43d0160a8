package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/supervisor"
	"github.com/podlite/podlite/pkg/crashpoint"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// RestoreOptions are `container restore`'s flags.
type RestoreOptions struct {
	// Keep keeps the checkpoint so the container can be restored again.
	Keep            bool
	TCPEstablished  bool
	FileLocks       bool
	IgnoreStaticIP  bool
	IgnoreStaticMAC bool
	// LazyPages restores with the memory pages fetched on demand from the
	// lazy checkpoint serving them at PageServer (ADDR:PORT); PagesDir
	// holds the pages a page server received instead (see
	// checkpoint_lazy.go).
	LazyPages  bool
	PageServer string
	PagesDir   string
}

// Restore brings a checkpointed container back: same rootfs, a new network
// namespace with the addresses it had, and its processes restored by CRIU
// under a new supervisor that appends to the same log. A failed restore
// leaves the container checkpointed and restorable, with nothing else left
// behind.
func (c *Container) Restore(ctx context.Context, opts RestoreOptions) (*CRReport, error) {
	if err := criu.CheckVersion(); err != nil {
		return nil, err
	}
	remote, err := checkRemoteRestore(opts)
	if err != nil {
		return nil, err
	}
	report := &CRReport{ID: c.config.ID}
	err = c.withLock(func() error { return c.restoreLocked(opts, remote, report) })
	if err != nil {
		return nil, err
	}
	c.newEvent(events.Restore)
	return report, nil
}

// restoreLocked restores the checkpointed container (a pod's restore calls
// it on each of its containers, the infra first) and fills report.
func (c *Container) restoreLocked(opts RestoreOptions, remote *criu.PageServer, report *CRReport) (retErr error) {
	if !c.state.Checkpointed || c.isActive() {
		return fmt.Errorf("container %s is %s, not checkpointed: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
	}
	images := filepath.Join(c.userDir(), checkpointDir)
	if _, err := os.Stat(filepath.Join(images, "inventory.img")); err != nil {
		return fmt.Errorf("the checkpoint of %s is missing or incomplete (%s): %w", c.config.Name, images, define.ErrNotFound)
	}
	wanted, holdAgain, err := c.releaseHeldAddressesLocked(opts)
	if err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.RestoreChecked)
	defer func() {
		if retErr != nil {
			holdAgain()
		}
	}()
	if _, err := c.prepareLocked(&wanted); err != nil {
		return err
	}
	defer func() {
		if retErr != nil {
			c.releaseLocked()
		}
	}()
	crashpoint.Hit(crashpoint.RestoreNetworkAdded)
	unlock, err := c.lockTrafficLocked(opts.TCPEstablished)
	if err != nil {
		return err
	}
	defer unlock() // before the release above: the namespace is still there
	restore := oci.CheckpointOptions{ImagesDir: images, WorkDir: c.userDir(),
		TCPEstablished: opts.TCPEstablished, FileLocks: opts.FileLocks}
	pagesDone, err := c.remotePagesLocked(opts, remote, &restore)
	if err != nil {
		return err
	}
	defer func() { pagesDone(retErr != nil) }()
	return c.spawnRestoreLocked(opts, restore, report)
}

// releaseHeldAddressesLocked returns what the restore asks its networks
// for (the saved addresses and MACs unless --ignore-static-ip/mac) with a
// function that holds the saved addresses again should the restore fail.
// The network manager's Setup frees the held addresses itself, in one step
// with asking for them, so that no other container takes them between.
func (c *Container) releaseHeldAddressesLocked(opts RestoreOptions) (wanted network.Status, holdAgain func(), _ error) {
	saved, err := c.savedNetworkStatus()
	if err != nil {
		return nil, nil, err
	}
	holdAgain = func() {}
	if len(saved) > 0 && c.usesCNI() {
		mgr, err := c.rt.Network()
		if err != nil {
			return nil, nil, err
		}
		holdAgain = func() {
			err := mgr.Hold(c.config.ID, saved)
			switch {
			case errors.Is(err, define.ErrExists):
				// Taken by another container: the restore's error says so.
				slog.Debug("holding the addresses of the checkpointed container again", "container", c.config.Name, "error", err)
			case err != nil:
				slog.Warn("holding the addresses of the checkpointed container again", "container", c.config.Name, "error", err)
			}
		}
	}
	return restoreWants(saved, opts), holdAgain, nil
}

// restoreWants is the saved network status less what the options tell the
// restore to leave to CNI: addresses (IgnoreStaticIP) and MACs
// (IgnoreStaticMAC).
func restoreWants(saved network.Status, opts RestoreOptions) network.Status {
	wanted := maps.Clone(saved)
	for name, st := range wanted {
		if opts.IgnoreStaticIP {
			st.Addresses = nil
		}
		if opts.IgnoreStaticMAC {
			st.MAC = ""
		}
		wanted[name] = st
	}
	return wanted
}

// spawnRestoreLocked has a new supervisor run the start command in restore
// mode, then records the restored container as running; unless Keep, the
// checkpoint goes.
func (c *Container) spawnRestoreLocked(opts RestoreOptions, restore oci.CheckpointOptions, report *CRReport) error {
	if err := writeRestoreFile(c.runDir(), restore); err != nil {
		return err
	}
	journal, err := c.supervisorJournal()
	if err != nil {
		return err
	}
	start := time.Now()
	sup := supervisor.Config{
		Dir: c.runDir(), LogPath: c.config.LogPath, Journal: journal, Stdio: c.stdioMode(), KeepStdin: c.config.Interactive,
		LogMaxSize: c.config.IO.LogMaxSize,
		Start:      []string{startCommandName, c.rt.ociRoot(), c.config.ID, c.runDir()},
		Exit:       c.rt.cleanupCommand(c.config.ID),
	}
	c.healthSchedule(&sup)
	rep, err := supervisor.Spawn(sup)
	if err != nil {
		return fmt.Errorf("restoring container %s: %w", c.config.Name, criuError(err, filepath.Join(c.userDir(), restoreLog)))
	}
	crashpoint.Hit(crashpoint.RestoreSpawned)
	report.RestoreDuration = time.Since(start).Microseconds()
	report.RestoreStats, _ = criu.ReadRestoreStats(c.userDir())
	c.state.Checkpointed = false
	c.state.RestoredAt, c.state.RestoreLog = time.Now(), filepath.Join(c.userDir(), restoreLog)
	if err := c.runningLocked(rep.PID, rep.SupervisorPID); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.RestoreStateWritten)
	if opts.Keep {
		return nil
	}
	// Only once the running state is saved: until then a crash must find
	// the checkpoint whole.
	if err := os.RemoveAll(restore.ImagesDir); err != nil {
		return err
	}
	c.state.CheckpointPath = ""
	return c.saveLocked()
}

const restoreFile = "restore.json"

// writeRestoreFile tells the start command to restore rather than start.
func writeRestoreFile(dir string, o oci.CheckpointOptions) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, restoreFile), b)
}

func readRestoreFile(dir string) (oci.CheckpointOptions, bool, error) {
	var o oci.CheckpointOptions
	b, err := os.ReadFile(filepath.Join(dir, restoreFile))
	if errors.Is(err, fs.ErrNotExist) {
		return o, false, nil
	}
	if err != nil {
		return o, false, err
	}
	return o, true, json.Unmarshal(b, &o)
}
