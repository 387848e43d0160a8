package containers

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newRenameCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "rename CONTAINER NAME",
		Short:             "Rename an existing container",
		Args:              common.ExactArgs(2),
		Example:           "  podlite rename web frontend",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.RenameContainer(args[0], args[1])
		},
	}
}
