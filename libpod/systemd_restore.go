package libpod

import (
	"context"
	"fmt"
	"log/slog"

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
// restored when a valid checkpoint waits (it is checkpointed, its images
// are whole and CRIU is usable) and started fresh otherwise. A failed
// restore leaves the checkpoint in place and is returned, unless
// fallbackFresh: then the container starts fresh and the checkpoint is
// dropped (a fresh start ends it).
func (c *Container) StartOrRestore(ctx context.Context, fallbackFresh bool) (StartOutcome, error) {
	var valid bool
	err := c.withLock(func() error {
		valid = c.state.Checkpointed && !c.isActive() && c.checkpointInventory() != nil
		return nil
	})
	if err != nil {
		return "", err
	}
	if valid {
		if err := criu.CheckVersion(); err != nil {
			slog.Warn("the checkpoint cannot be restored on this host", "container", c.config.Name, "error", err)
			valid = false
		}
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
	if !r.cfg.Rootless {
		return criu.CheckVersion()
	}
	p := rootless.CheckCRIUHelper(rootless.CRIUHelper, rootless.UID())
	if !p.Dump || !p.Restore {
		return fmt.Errorf("this user cannot checkpoint rootless containers: %s", p.Missing)
	}
	return nil
}
