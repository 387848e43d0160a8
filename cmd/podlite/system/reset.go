package system

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newResetCommand(g *common.Globals) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:               "reset [options]",
		Short:             "Reset podlite storage back to its initial state",
		Args:              common.NoArgs,
		Example:           "  podlite system reset\n  podlite system reset -f",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				ok, err := common.Confirm(os.Stdin, os.Stdout, `WARNING! This will remove:
        - all containers
        - all images
        - all volumes
        - all networks no other podlite root uses
        - all of podlite's files under the root and runroot directories`)
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.Reset()
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	return cmd
}
