package generate

import (
	"context"
	"fmt"
	"os"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/systemd"
)

// newStartOrRestoreCommand is the ExecStart= of the units `generate
// systemd --checkpoint` writes: restore or start fresh, and say which on
// stderr (the unit's journal). A --new unit's form restores from the
// archive --import names, or runs the fresh command given after --.
func newStartOrRestoreCommand(g *common.Globals) *cobra.Command {
	var fallback, archive, cidFile string
	cmd := &cobra.Command{
		Use:               "start-or-restore [options] {CONTAINER | --import ARCHIVE -- PODLITE-ARGS...}",
		Short:             "Restore a container from its checkpoint, or start it fresh without a valid one",
		Hidden:            true,
		Args:              cobra.MinimumNArgs(1),
		ValidArgsFunction: common.CompleteFirst(g, common.ContainerNames),
		Example: `  podlite systemd start-or-restore --checkpoint-fallback=fresh web
  podlite systemd start-or-restore --import=/var/lib/podlite/checkpoints/web.tar -- run --name web IMAGE`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fallback != "" && fallback != systemd.FallbackFresh {
				return fmt.Errorf("--checkpoint-fallback %q: the only fallback is %s: %w", fallback, systemd.FallbackFresh, define.ErrInvalidArg)
			}
			if archive == "" && len(args) != 1 {
				return fmt.Errorf("give one container, or --import and the fresh command: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if archive != "" {
				how, err := rt.RestoreUnitArchive(context.Background(), archive, cidFile, fallback == systemd.FallbackFresh)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "%s %s\n", archive, how)
				if how == libpod.Restored {
					return nil
				}
				return execFresh(args)
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
	f := cmd.Flags()
	f.StringVar(&fallback, "checkpoint-fallback", "", "start fresh when the restore fails: fresh")
	f.StringVar(&archive, "import", "", "restore from this checkpoint archive, removed once restored")
	f.StringVar(&cidFile, "cidfile", "", "with --import: write the restored container's ID here")
	return cmd
}

// execFresh replaces this podlite with the unit's fresh command (podlite
// ARGS), which becomes the unit's start as if it had been its ExecStart.
func execFresh(args []string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return fmt.Errorf("running the fresh command: %w", syscall.Exec(exe, append([]string{exe}, args...), os.Environ()))
}
