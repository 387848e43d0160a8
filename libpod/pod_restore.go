package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/events"
	"github.com/podlite/podlite/pkg/network"
)

// Files of a pod's checkpoint in the pod's directory, beside which each
// container keeps its own checkpoint in its directory. Their names are
// those checkpointctl gives a pod's archive.
const (
	podDumpFile    = "pod.dump"
	podOptionsFile = "pod.options"
)

// podDump is pod.dump: the pod as it was checkpointed, what its restore
// (and an import on another root) needs besides its containers'
// checkpoints.
type podDump struct {
	Version int               `json:"version"`
	Config  *define.PodConfig `json:"config"`
	InfraID string            `json:"infraID"`
	// SharedNamespaces are the namespaces the members join from the infra.
	SharedNamespaces []string `json:"sharedNamespaces"`
	// Containers are the checkpointed containers in restore order: the
	// infra first.
	Containers     []podDumpContainer `json:"containers"`
	NetworkStatus  json.RawMessage    `json:"networkStatus,omitempty"`
	CheckpointedAt time.Time          `json:"checkpointedAt"`
}

type podDumpContainer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// podOptions is pod.options in checkpointctl's shape
// (CheckpointedPodOptions): each container's name and the name of its
// archive in the pod's archive.
type podOptions struct {
	Version    int               `json:"version"`
	Containers map[string]string `json:"containers"`
}

// memberArchive is the name of a container's archive inside a pod's.
func memberArchive(name string) string { return name + ".tar" }

// writeDump records the pod beside its containers' checkpoints, listed
// in restore order: the infra first.
func (p *Pod) writeDump(dumped []*Container) error {
	d := podDump{Version: 1, Config: p.config, InfraID: p.InfraID(), SharedNamespaces: p.config.Share,
		CheckpointedAt: time.Now()}
	opts := podOptions{Version: 1, Containers: map[string]string{}}
	for _, c := range dumped {
		d.Containers = append(d.Containers, podDumpContainer{ID: c.ID(), Name: c.Name()})
		opts.Containers[c.Name()] = memberArchive(c.Name())
	}
	if st, err := os.ReadFile(filepath.Join(dumped[0].userDir(), networkStatus)); err == nil {
		d.NetworkStatus = st
	}
	// A pod whose infra runs an image has no directory yet.
	if err := ensureDir(p.dir()); err != nil {
		return err
	}
	for name, v := range map[string]any{podDumpFile: d, podOptionsFile: opts} {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(filepath.Join(p.dir(), name), b); err != nil {
			return fmt.Errorf("recording the checkpoint of pod %s: %w", p.Name(), err)
		}
	}
	return nil
}

// readDump reads pod.dump; a pod without one has no checkpoint.
func (p *Pod) readDump() (*podDump, error) {
	b, err := os.ReadFile(filepath.Join(p.dir(), podDumpFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pod %s has no checkpoint to restore: %w", p.Name(), define.ErrInvalidState)
	}
	if err != nil {
		return nil, err
	}
	var d podDump
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("reading %s of pod %s: %w", podDumpFile, p.Name(), err)
	}
	return &d, nil
}

// isCheckpointed says whether the pod waits for a restore: its
// checkpoint is recorded and its infra (of ctrs) is checkpointed.
func (p *Pod) isCheckpointed(ctrs []*Container) bool {
	if _, err := os.Stat(filepath.Join(p.dir(), podDumpFile)); err != nil {
		return false
	}
	for _, c := range ctrs {
		if c.ID() == p.InfraID() {
			return c.state.Checkpointed && !c.isActive()
		}
	}
	return false
}

// PodRestoreOptions are `pod restore`'s flags.
type PodRestoreOptions struct {
	// Keep keeps the checkpoint so that the pod can be restored again.
	Keep           bool
	TCPEstablished bool
	// Import creates the pod from this archive (pod checkpoint --export)
	// first; it is removed again if its restore fails.
	Import string
}

// RestorePod restores a checkpointed pod: the infra first, with the
// pod's saved addresses and MAC, then every other container into its
// namespaces. If one fails, those restored before are killed and
// checkpointed again from the images they kept: the pod stays
// checkpointed and restorable, nothing half-restored.
func (r *Runtime) RestorePod(ctx context.Context, nameOrID string, opts PodRestoreOptions) (_ *PodCRReport, retErr error) {
	if err := r.podCRAsRoot("restoring a pod"); err != nil {
		return nil, err
	}
	var p *Pod
	var err error
	if opts.Import != "" {
		if p, err = r.importPod(ctx, opts.Import); err != nil {
			return nil, err
		}
		defer func() {
			if retErr == nil {
				return
			}
			if err := r.RemovePod(ctx, p.ID(), true, nil); err != nil {
				slog.Error("removing the imported pod whose restore failed", "pod", p.Name(), "error", err)
			}
		}()
	} else if p, err = r.LookupPod(nameOrID); err != nil {
		return nil, err
	}
	if err := checkPodCR(p); err != nil {
		return nil, err
	}
	report := &PodCRReport{ID: p.ID()}
	err = p.underLock(events.Restore, func() ([]*Container, error) { return p.restoreLocked(ctx, opts, report) })
	if err != nil {
		return nil, err
	}
	return report, nil
}

// restoreLocked restores the containers pod.dump lists, the infra first,
// then the others, keeping their checkpoints until all run (see
// RestorePod). Each is frozen as soon as restored, and all are thawed
// together once every one is: until then none runs on while another may
// still fail.
func (p *Pod) restoreLocked(ctx context.Context, opts PodRestoreOptions, report *PodCRReport) (_ []*Container, retErr error) {
	ctrs, err := p.checkpointedContainers()
	if err != nil {
		return nil, err
	}
	var restored []restoredContainer
	defer func() {
		if retErr != nil {
			p.undoRestore(ctx, restored)
		}
	}()
	reports := make([]*CRReport, len(ctrs))
	restore := func(i int, c *Container) error {
		reports[i] = &CRReport{ID: c.ID()}
		size := logSize(c)
		return c.withLock(func() error {
			err := c.restoreLocked(RestoreOptions{Keep: true, TCPEstablished: opts.TCPEstablished}, nil, reports[i])
			if err != nil {
				return err
			}
			restored = append(restored, restoredContainer{c, size})
			if err := c.rt.oci().Pause(c.ID()); err != nil {
				return fmt.Errorf("freezing container %s after its restore: %w", c.Name(), err)
			}
			return nil
		})
	}
	if err := restore(0, ctrs[0]); err != nil {
		return nil, fmt.Errorf("restoring pod %s: %w", p.Name(), err)
	}
	unlock := func() error { return nil }
	if opts.TCPEstablished {
		// The infra's namespace, where the members' connections come
		// back: closed to packets until all are back.
		if unlock, err = network.LockTraffic(ctrs[0].state.Network.NetNS); err != nil {
			return nil, fmt.Errorf("restoring pod %s: %w", p.Name(), err)
		}
	}
	// One after another, as the dumps (pod_checkpoint.go).
	for i, c := range ctrs[1:] {
		if err := restore(i+1, c); err != nil {
			return nil, fmt.Errorf("restoring pod %s: %w", p.Name(), err)
		}
	}
	report.Containers = reports
	for _, c := range ctrs {
		if err := c.rt.oci().Resume(c.ID()); err != nil {
			return nil, fmt.Errorf("restoring pod %s: thawing container %s: %w", p.Name(), c.Name(), err)
		}
	}
	if err := unlock(); err != nil {
		return nil, fmt.Errorf("restoring pod %s: %w", p.Name(), err)
	}
	if opts.Keep {
		return ctrs, nil
	}
	for _, c := range ctrs {
		if err := c.withLock(c.dropCheckpointLocked); err != nil {
			// Restored and running: what is left is a checkpoint
			// kept for nothing.
			slog.Warn("removing the checkpoint of a restored container", "container", c.Name(), "error", err)
		}
	}
	return ctrs, p.removeDump()
}

// restoredContainer is a container a pod restore brought back, with the
// size its log had before (-1 without a log file).
type restoredContainer struct {
	c       *Container
	logSize int64
}

// logSize is the size of the container's log file (-1 without one), for
// undoRestore to cut back what it wrote while restored.
func logSize(c *Container) int64 {
	fi, err := os.Stat(c.config.LogPath)
	if c.config.LogPath == "" || err != nil {
		return -1
	}
	return fi.Size()
}

// checkpointedContainers returns the containers pod.dump lists, the infra
// first, each checked to be checkpointed with complete images.
func (p *Pod) checkpointedContainers() ([]*Container, error) {
	d, err := p.readDump()
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, dc := range d.Containers {
		c, err := p.rt.containerByID(dc.ID)
		if err != nil {
			return nil, fmt.Errorf("container %s of the checkpoint of pod %s: %w", dc.Name, p.Name(), err)
		}
		if err := c.Sync(); err != nil {
			return nil, err
		}
		if !c.state.Checkpointed || c.isActive() || c.checkpointInventory() == nil {
			return nil, fmt.Errorf("cannot restore pod %s: container %s is %s, not checkpointed: %w", p.Name(), c.Name(), c.state.Status, define.ErrInvalidState)
		}
		out = append(out, c)
	}
	if len(out) == 0 || out[0].ID() != p.InfraID() {
		return nil, fmt.Errorf("the checkpoint of pod %s lacks its infra container: %w", p.Name(), define.ErrInvalidState)
	}
	return out, nil
}

// undoRestore ends the containers a failed pod restore brought back
// (frozen, or thawed by a failure to thaw them all), the infra last, into
// the checkpoint they kept, and cuts their logs back to what they were
// before: the pod is as checkpointed as before the restore.
func (p *Pod) undoRestore(ctx context.Context, restored []restoredContainer) {
	for _, r := range slices.Backward(restored) {
		c := r.c
		err := c.withLock(func() error {
			return c.killIntoCheckpointLocked(ctx, false, c.rt.oci().Paused(c.ID()))
		})
		if err != nil {
			slog.Error("checkpointing a container of a pod again after a failed restore", "pod", p.Name(), "container", c.Name(), "error", err)
			continue
		}
		if r.logSize >= 0 {
			if err := os.Truncate(c.config.LogPath, r.logSize); err != nil {
				slog.Warn("cutting back the log of a container after a failed restore", "container", c.Name(), "error", err)
			}
		}
	}
}

// dropCheckpointLocked removes the checkpoint a restored container kept.
func (c *Container) dropCheckpointLocked() error {
	if c.state.CheckpointPath == "" {
		return nil
	}
	if err := os.RemoveAll(c.state.CheckpointPath); err != nil {
		return err
	}
	c.state.CheckpointPath = ""
	return c.saveLocked()
}

// removeDump removes the pod's record of a checkpoint once restored.
func (p *Pod) removeDump() error {
	for _, name := range []string{podDumpFile, podOptionsFile} {
		if err := os.Remove(filepath.Join(p.dir(), name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
