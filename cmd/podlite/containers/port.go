package containers

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

// newPortCommand lists published ports. podlite publishes none yet
// (networking comes later), so it validates the containers and prints
// nothing, as podman does for a container without published ports.
func newPortCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "port [options] CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short:             "List port mappings for a container",
		Args:              common.RangeArgs(0, 2),
		Example:           "  podlite port web\n  podlite port web 80/tcp\n  podlite port -a",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !sel.all && !sel.latest && len(args) == 0 {
				return fmt.Errorf("specify a container, --all or --latest: %w", define.ErrInvalidArg)
			}
			var name string
			if len(args) > 0 && !sel.all && !sel.latest {
				name = args[0]
			}
			if sel.all {
				rt, err := g.Runtime()
				if err != nil {
					return err
				}
				_, err = rt.Containers()
				return err
			}
			_, err := oneContainer(g, name, sel.latest)
			return err
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "display port information for every container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}
