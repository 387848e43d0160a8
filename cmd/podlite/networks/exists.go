package networks

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "exists NAME",
		Short:             "Check whether a network exists",
		Long:              "Exit with 0 when the network (name, ID or unique ID prefix) exists, 1 when it does not, 125 on other errors.",
		Args:              common.ExactArgs(1),
		ValidArgsFunction: completeFirstNetwork(g),
		Example:           "  podlite network exists web || podlite network create web",
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			_, err = rt.NetworkByName(args[0])
			if errors.Is(err, define.ErrNotFound) {
				return common.ExitStatus(1)
			}
			return err
		},
	}
}
