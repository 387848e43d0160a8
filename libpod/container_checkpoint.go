package libpod

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/pkg/crashpoint"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// CheckpointOptions are `container checkpoint`'s flags.
type CheckpointOptions struct {
	// Keep keeps CRIU's logs and statistics after a successful dump.
	Keep           bool
	LeaveRunning   bool
	TCPEstablished bool
	FileLocks      bool
	// PreCheckpoint and WithPrevious ask for iterative dumps, which need
	// the kernel's soft-dirty memory tracking.
	PreCheckpoint, WithPrevious bool
	// Export writes the checkpoint to this archive too (--export), with
	// Compression; IgnoreRootfs and IgnoreVolumes leave those out of it.
	Export                      string
	Compression                 criu.Compression
	IgnoreRootfs, IgnoreVolumes bool
	// CreateImage stores the checkpoint as a local image of this name too
	// (--create-image); EngineVersion, podlite's version, goes into its
	// annotations.
	CreateImage, EngineVersion string
	// PageServer (ADDR:PORT) sends the memory pages to a page server
	// instead of the checkpoint; with LazyPages the checkpoint serves
	// them itself on that port, and Ready is called once the restore
	// side may start (see checkpoint_lazy.go).
	PageServer string
	LazyPages  bool
	Ready      func()
	// podArchive: the pod's checkpoint goes into an archive (pod
	// checkpoint --export), which exports each container itself.
	podArchive bool
}

// Files of a checkpoint, in the container's persistent directory (never
// the runroot: a checkpoint must survive a reboot). Member names are those
// of podman's archives (checkpointctl).
const (
	checkpointDir    = criu.MemberCheckpoint // CRIU's images
	checkpointSpec   = criu.MemberSpec
	checkpointConfig = criu.MemberConfig
	networkStatus    = criu.MemberNetworkStatus
	dumpLog          = "dump.log"
	restoreLog       = "restore.log"
)

// Checkpoint dumps the running container with CRIU into its directory, with
// its spec, config and network status beside the images. Unless
// LeaveRunning, the container then shows as exited and checkpointed, and
// its addresses stay leased to it until it is restored or removed.
func (c *Container) Checkpoint(ctx context.Context, opts CheckpointOptions) (*CRReport, error) {
	if err := c.rt.needCRIUHelper("checkpointing a container"); err != nil {
		return nil, err
	}
	remote, err := c.checkCheckpoint(opts)
	if err != nil {
		return nil, err
	}
	report := &CRReport{ID: c.config.ID}
	err = c.withLock(func() error { return c.checkpointLocked(ctx, opts, remote, report) })
	if err != nil {
		return nil, err
	}
	c.newEvent(events.Checkpoint)
	return report, nil
}

// checkpointLocked dumps the running container (a pod's checkpoint calls
// it on each container with its cgroup frozen and LeaveRunning, see
// pod_checkpoint.go) and fills report.
func (c *Container) checkpointLocked(ctx context.Context, opts CheckpointOptions, remote *criu.PageServer, report *CRReport) error {
	if c.state.Status != define.StatusRunning {
		return fmt.Errorf("cannot checkpoint container %s: it is %s, not running: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
	}
	images, err := c.prepareCheckpointLocked(opts)
	if err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.CheckpointMetadataWritten)
	// Set before the dump: the supervisor's cleanup, which runs when
	// CRIU has taken the processes, must not apply a restart policy.
	c.state.Checkpointed = !opts.LeaveRunning
	if err := c.saveLocked(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.CheckpointMarked)
	start := time.Now()
	if err := c.dumpLocked(opts, remote, images); err != nil {
		c.state.Checkpointed = false
		if serr := c.saveLocked(); serr != nil {
			slog.Error("clearing the checkpointed mark after a failed dump", "container", c.config.Name, "error", serr)
		}
		return err
	}
	crashpoint.Hit(crashpoint.CheckpointDumped)
	report.RuntimeDuration = time.Since(start).Microseconds()
	report.DumpStats, _ = criu.ReadDumpStats(c.userDir())
	c.state.CheckpointedAt, c.state.CheckpointPath = time.Now(), images
	c.state.CheckpointLog = filepath.Join(c.userDir(), dumpLog)
	if opts.LeaveRunning {
		if err := c.copyCheckpointLocked(ctx, opts); err != nil {
			return err
		}
		return c.saveLocked()
	}
	return c.finishCheckpointLocked(ctx, opts, remote)
}

// checkCheckpoint refuses, before the lock is taken, what this host or the
// options cannot do, and returns the page server to dump to, if any.
func (c *Container) checkCheckpoint(opts CheckpointOptions) (*criu.PageServer, error) {
	if err := preCheckpointRefusal(opts.PreCheckpoint || opts.WithPrevious, criu.SupportsPreDump); err != nil {
		return nil, err
	}
	if err := criu.CheckVersion(); err != nil {
		return nil, err
	}
	if opts.CreateImage != "" {
		if err := c.rt.checkImageNameFree(opts.CreateImage); err != nil {
			return nil, err
		}
	}
	return checkRemoteCheckpoint(opts)
}

// preCheckpointRefusal says why an iterative dump (--pre-checkpoint,
// --with-previous), when asked, cannot be made: what the host lacks if it
// has no soft-dirty memory tracking (hasSoftDirty probes, only when
// asked), else that podlite does not implement pre-dump yet.
func preCheckpointRefusal(asked bool, hasSoftDirty func() (bool, error)) error {
	if !asked {
		return nil
	}
	ok, err := hasSoftDirty()
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("pre-checkpoints need soft-dirty memory tracking, which this kernel lacks (CONFIG_MEM_SOFT_DIRTY): %w", define.ErrNotSupported)
	}
	return fmt.Errorf("pre-checkpoints: podlite does not implement pre-dump yet: %w", define.ErrNotSupported)
}

// prepareCheckpointLocked clears the last checkpoint's images (and what
// an export killed midway left beside them) and writes what goes beside
// the new ones; it returns their directory.
func (c *Container) prepareCheckpointLocked(opts CheckpointOptions) (images string, _ error) {
	dir := c.userDir()
	images = filepath.Join(dir, checkpointDir)
	for _, p := range []string{images, filepath.Join(dir, rootfsDiffMember), filepath.Join(dir, volumesMember)} {
		if err := os.RemoveAll(p); err != nil {
			return "", err
		}
	}
	if opts.Export != "" || opts.podArchive {
		// For the importing host's preflight; taken before the dump
		// so that a failure leaves the container running untouched.
		if err := criu.DumpCPUInfo(images); err != nil {
			return "", err
		}
	}
	if err := c.writeCheckpointMetadata(dir); err != nil {
		return "", err
	}
	return images, nil
}

// settleCheckpointLocked runs as the exit of a checkpointed container is
// recorded, by whichever podlite records it: the checkpoint itself or,
// when that was killed after the dump, the supervisor's cleanup or the
// next command. Complete images (CRIU writes inventory.img last) keep the
// checkpoint, with the addresses in the saved network.status held for the
// restore; without them the checkpoint never finished (killed before or
// during the dump) and the container merely exited.
func (c *Container) settleCheckpointLocked() error {
	if !c.state.Checkpointed {
		return nil
	}
	inv := c.checkpointInventory()
	if inv == nil {
		c.state.Checkpointed = false
		return nil
	}
	if c.state.CheckpointPath == "" {
		c.state.CheckpointedAt = inv.ModTime()
		c.state.CheckpointPath = filepath.Join(c.userDir(), checkpointDir)
		c.state.CheckpointLog = filepath.Join(c.userDir(), dumpLog)
	}
	if err := c.sandbox().holdSaved(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.CheckpointAddressesHeld)
	return nil
}

// finishCheckpointLocked follows a dump that stopped the container: it
// records the exit, which holds its addresses before the teardown
// (settleCheckpointLocked) unless its memory went to a page server, then
// writes the archive and image asked for.
func (c *Container) finishCheckpointLocked(ctx context.Context, opts CheckpointOptions, remote *criu.PageServer) error {
	exit := c.waitExitLocked(10 * time.Second)
	if exit == nil {
		return fmt.Errorf("container %s still runs after its checkpoint: %w", c.config.Name, define.ErrUnavailable)
	}
	if remote != nil {
		// The container lives on where its memory went: nothing to
		// hold here.
		c.state.Checkpointed = false
	}
	if err := c.exitedLocked(exit.Code, exit.At); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.CheckpointStateWritten)
	if remote != nil {
		return c.movedLocked(opts)
	}
	if err := c.copyCheckpointLocked(ctx, opts); err != nil {
		return err
	}
	if !opts.Keep {
		_ = os.Remove(filepath.Join(c.userDir(), criu.MemberStats))
	}
	return nil
}

// copyCheckpointLocked writes the checkpoint just taken to the archive
// (--export) and the image (--create-image) asked for.
func (c *Container) copyCheckpointLocked(ctx context.Context, opts CheckpointOptions) error {
	if opts.Export != "" {
		if err := c.exportCheckpointLocked(opts.Export, opts.Compression, opts.IgnoreRootfs, opts.IgnoreVolumes); err != nil {
			return err
		}
	}
	if opts.CreateImage != "" {
		return c.createCheckpointImageLocked(ctx, opts)
	}
	return nil
}

// dumpLocked has CRIU dump the container into images, through the page
// server remote if there is one.
func (c *Container) dumpLocked(opts CheckpointOptions, remote *criu.PageServer, images string) error {
	dump := oci.CheckpointOptions{
		ImagesDir: images, WorkDir: c.userDir(), LeaveRunning: opts.LeaveRunning,
		TCPEstablished: opts.TCPEstablished, FileLocks: opts.FileLocks,
	}
	var lazy *lazyDump
	if remote != nil {
		dump.PageServerAddress, dump.PageServerPort, dump.LazyPages = remote.Address, remote.Port, opts.LazyPages
		if opts.LazyPages {
			lazy = &lazyDump{c: c, opts: opts, ps: *remote}
			dump.Ready = lazy.ready
		}
	}
	unlock, err := c.lockTrafficLocked(opts.TCPEstablished)
	if err != nil {
		return err
	}
	err = c.rt.oci().Checkpoint(c.config.ID, dump)
	if err != nil || opts.LeaveRunning {
		unlock() // else the namespace goes, rules and all
	}
	if lazy != nil && (err != nil || lazy.err != nil) {
		lazy.failed()
		if lazy.err != nil {
			return lazy.err
		}
	}
	if err != nil {
		return criuError(err, filepath.Join(c.userDir(), dumpLog))
	}
	return nil
}

// lockTrafficLocked takes, for a dump or restore of a user's container's
// TCP connections, the network lock its CRIU cannot (network.LockTraffic),
// and returns its release.
func (c *Container) lockTrafficLocked(tcp bool) (func(), error) {
	ns := c.state.Network.NetNS
	if !tcp || !c.rt.cfg.Rootless || ns == "" {
		return func() {}, nil
	}
	unlock, err := network.LockTraffic(ns)
	if err != nil {
		return nil, fmt.Errorf("container %s: %w", c.config.Name, err)
	}
	return func() {
		if err := unlock(); err != nil {
			slog.Error("releasing the network lock", "container", c.config.Name, "error", err)
		}
	}, nil
}

// checkpointInventory returns the inventory.img of the container's
// checkpoint, nil when there is none. CRIU writes it last: its presence
// says the dump completed.
func (c *Container) checkpointInventory() fs.FileInfo {
	fi, err := os.Stat(filepath.Join(c.userDir(), checkpointDir, "inventory.img"))
	if err != nil {
		return nil
	}
	return fi
}

// CRReport is what a checkpoint or restore took, for --print-stats:
// libcontainer's whole call and CRIU's own statistics, with podman's JSON
// names.
type CRReport struct {
	ID              string             `json:"Id"`
	RuntimeDuration int64              `json:"runtime_checkpoint_duration,omitempty"`
	RestoreDuration int64              `json:"runtime_restore_duration,omitempty"`
	DumpStats       *criu.DumpStats    `json:"criu_statistics,omitempty"`
	RestoreStats    *criu.RestoreStats `json:"criu_restore_statistics,omitempty"`
}

// writeCheckpointMetadata puts what a restore needs besides CRIU's images
// next to them: the spec of the running container, its config and its
// network status.
func (c *Container) writeCheckpointMetadata(dir string) error {
	raw, err := os.ReadFile(filepath.Join(c.runDir(), "config.json"))
	if err != nil {
		return fmt.Errorf("reading the spec of %s: %w", c.config.Name, err)
	}
	spec, err := checkpoint.SpecDump(raw)
	if err != nil {
		return err
	}
	cfg, err := c.encodeConfigDump(time.Now())
	if err != nil {
		return err
	}
	files := map[string][]byte{checkpointSpec: spec, checkpointConfig: cfg}
	if len(c.state.Network.Status) > 0 {
		// The status now, networks connected since the start included:
		// what the restore asks for and what stays held until then.
		files[networkStatus] = c.state.Network.Status
	}
	for name, data := range files {
		if err := writeFileAtomic(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}

// encodeConfigDump returns config.dump for c, checkpointed at at.
func (c *Container) encodeConfigDump(at time.Time) ([]byte, error) {
	d := checkpoint.ConfigDump{ContainerConfig: c.config, RawImageName: c.config.ImageName,
		RootfsImageID: c.config.ImageID, RootfsImageName: c.imageFullName(),
		// The runtime is runc's libcontainer, linked in.
		OCIRuntime: "runc", CreatedTime: c.config.CreatedAt, CheckpointedTime: at}
	return json.Marshal(d)
}

// imageFullName is the full name of the container's image
// ("localhost/busybox:latest"), or the name it was created with when the
// image has no name left.
func (c *Container) imageFullName() string {
	if c.config.ImageID != "" {
		if store, err := c.rt.Storage(); err == nil {
			if names, err := store.ImageNames(c.config.ImageID); err == nil && len(names) > 0 {
				return names[0]
			}
		}
	}
	return c.config.ImageName
}

// savedNetworkStatus reads the network.status saved beside a checkpoint.
func (c *Container) savedNetworkStatus() (network.Status, error) { return c.sandbox().savedStatus() }

// criuError says why CRIU failed, from its log, in one line that names the
// log for the rest.
func criuError(err error, log string) error {
	if reason := criu.LogReason(log); reason != "" {
		return fmt.Errorf("%s (CRIU's log: %s): %w", reason, log, define.ErrUnavailable)
	}
	return fmt.Errorf("%w (CRIU's log: %s)", err, log)
}
