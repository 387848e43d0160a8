package containers

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:               "prune [options]",
		Short:             "Remove all non running containers",
		Args:              common.NoArgs,
		Example:           "  podlite container prune\n  podlite container prune -f",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				ok, err := common.Confirm(os.Stdin, os.Stdout, "WARNING! This will remove all non running containers.")
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ids, err := rt.PruneContainers()
			for _, id := range ids {
				fmt.Println(id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	return cmd
}
