package networks

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove networks no container uses",
		Long: `Remove every network but the default that no container uses, optionally only
those passing the filters (as for network ls), and print their names. Asks
for confirmation on a terminal unless --force; without a terminal --force
is required.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite network prune
  podlite network prune -f --filter label=tmp`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				ok, err := common.Confirm(cmd.InOrStdin(), cmd.ErrOrStderr(), "WARNING! This will remove all networks not used by at least one container.")
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			pruned, err := rt.PruneNetworks(filters...)
			for _, name := range pruned {
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	f.StringArrayVar(&filters, "filter", nil, "prune only networks passing the filter KEY=VALUE (repeatable), as for network ls")
	return cmd
}
