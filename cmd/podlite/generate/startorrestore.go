package generate

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/systemd"
)

// newStartOrRestoreCommand is the ExecStart= of the units `generate
// systemd --checkpoint` writes: restore or start fresh, and say which on
// stderr (the unit's journal).
func newStartOrRestoreCommand(g *common.Globals) *cobra.Command {
	var fallback string
	cmd := &cobra.Command{
		Use:               "start-or-restore [options] CONTAINER",
		Short:             "Restore a container from its checkpoint, or start it fresh without a valid one",
		Hidden:            true,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: common.CompleteFirst(g, common.ContainerNames),
		Example:           "  podlite systemd start-or-restore --checkpoint-fallback=fresh web",
		RunE: func(cmd *cobra.Command, args []string) error {
			if fallback != "" && fallback != systemd.FallbackFresh {
				return fmt.Errorf("--checkpoint-fallback %q: the only fallback is %s: %w", fallback, systemd.FallbackFresh, define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			c, err := rt.LookupContainer(args[0])
			if err != nil {
				return err
			}
			how, err := c.StartOrRestore(context.Background(), fallback == systemd.FallbackFresh)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "container %s %s\n", args[0], how)
			return nil
		},
	}
	cmd.Flags().StringVar(&fallback, "checkpoint-fallback", "", "start fresh when the restore fails: fresh")
	return cmd
}
