package libpod

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strings"

	"github.com/podlite/podlite/libpod/supervisor"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/rootless"
)

// StartOutcome says how StartOrRestore brought a container up, in the
// words a checkpoint-aware unit logs.
type StartOutcome string

const (
	// StartedFresh: no valid checkpoint waited, the container started anew.
	StartedFresh StartOutcome = "started fresh: no valid checkpoint"
	// Restored: the container came back from its checkpoint.
	Restored StartOutcome = "restored from its checkpoint"
	// FellBackFresh: the restore failed and the unit asked for a fresh
	// start instead (CheckpointFallback=fresh).
	FellBackFresh StartOutcome = "started fresh: the restore failed"
)

// StartOrRestore is a checkpoint-aware unit's ExecStart: the container is
// restored when a valid checkpoint waits (it is checkpointed and its
// images are whole: CRIU writes inventory.img last) and started fresh
// otherwise. A failed restore (CRIU unusable or refusing the images, the
// address taken…) leaves the checkpoint in place and is returned, unless
// fallbackFresh: then the container starts fresh, which ends its
// checkpointed state (the next checkpoint replaces the images).
func (c *Container) StartOrRestore(ctx context.Context, fallbackFresh bool) (StartOutcome, error) {
	var valid bool
	err := c.withLock(func() error {
		valid = c.state.Checkpointed && !c.isActive() && c.checkpointInventory() != nil
		return nil
	})
	if err != nil {
		return "", err
	}
	if !valid {
		return StartedFresh, c.Start(ctx)
	}
	_, restoreErr := c.Restore(ctx, RestoreOptions{})
	if restoreErr == nil {
		return Restored, nil
	}
	if !fallbackFresh {
		return "", fmt.Errorf("restoring container %s (its checkpoint is kept; CheckpointFallback=fresh starts it fresh instead): %w", c.config.Name, restoreErr)
	}
	slog.Warn("the restore failed: starting fresh", "container", c.config.Name, "error", restoreErr)
	if err := c.Start(ctx); err != nil {
		return "", fmt.Errorf("starting container %s fresh after its restore failed (%v): %w", c.config.Name, restoreErr, err)
	}
	return FellBackFresh, nil
}

// CheckpointUnitsPossible returns nil when this podlite can checkpoint and
// restore the units `generate systemd --checkpoint` makes, or the missing
// piece in one line: as root, a usable CRIU; rootless, the rootless
// checkpoint helper and its group too (docs/rootless.md).
func (r *Runtime) CheckpointUnitsPossible() error {
	return CheckpointUnitsPossible(r.cfg.Rootless)
}

// CheckpointUnitsPossible is Runtime.CheckpointUnitsPossible for the
// Quadlet generator, which has no runtime.
func CheckpointUnitsPossible(isRootless bool) error {
	if !isRootless {
		return criu.CheckVersion()
	}
	p := rootless.CheckCRIUHelper(rootless.CRIUHelper, rootless.UID())
	if !p.Dump || !p.Restore {
		return fmt.Errorf("this user cannot checkpoint rootless containers: %s", p.Missing)
	}
	return nil
}

// RestoreUnitArchive is the start of a checkpointing --new unit, whose
// container is removed at each stop and its checkpoint exported to the
// archive at path. Without an archive it returns StartedFresh: the
// caller runs the unit's fresh command. With one, it imports and
// restores it, writes the container's ID to cidFile, tells systemd the
// restored supervisor is the main process and ready (under a unit), and
// removes the archive: a later start (after a crash) must not go back to
// it. A failed import or restore keeps the archive and is returned,
// unless fallbackFresh: then the archive is moved to PATH.failed and
// FellBackFresh returned, for the caller's fresh command.
func (r *Runtime) RestoreUnitArchive(ctx context.Context, path, cidFile string, fallbackFresh bool) (StartOutcome, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return StartedFresh, nil
	}
	c, err := r.restoreArchive(ctx, path)
	if err != nil {
		if !fallbackFresh {
			return "", fmt.Errorf("restoring from %s (the archive is kept; CheckpointFallback=fresh starts fresh instead): %w", path, err)
		}
		slog.Warn("the restore failed: starting fresh", "archive", path, "moved to", path+".failed", "error", err)
		if err := os.Rename(path, path+".failed"); err != nil {
			return "", fmt.Errorf("moving the checkpoint archive aside: %w", err)
		}
		return FellBackFresh, nil
	}
	if err := os.Remove(path); err != nil {
		slog.Warn("removing the restored checkpoint archive", "archive", path, "error", err)
	}
	if cidFile != "" {
		if err := os.WriteFile(cidFile, []byte(c.ID()), 0o644); err != nil {
			return "", fmt.Errorf("writing the container ID file: %w", err)
		}
	}
	if os.Getenv("NOTIFY_SOCKET") != "" {
		if err := supervisor.NotifyMainReady(c.state.SupervisorPID); err != nil {
			return "", fmt.Errorf("telling systemd the restored container runs: %w", err)
		}
	}
	return Restored, nil
}

// restoreArchive imports and restores a checkpoint archive after its
// preflight; a failed restore removes the imported container.
func (r *Runtime) restoreArchive(ctx context.Context, path string) (*Container, error) {
	problems, _, err := r.CheckImport(path, ImportOptions{})
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s: %w", strings.Join(problems, "; "), ChecksFailed(len(problems)))
	}
	c, err := r.ImportCheckpoint(ctx, path, ImportOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := c.Restore(ctx, RestoreOptions{}); err != nil {
		if rmErr := r.RemoveContainer(ctx, c.ID(), true, true); rmErr != nil {
			slog.Warn("removing the container of a failed restore", "container", c.Name(), "error", rmErr)
		}
		return nil, err
	}
	return c, nil
}
