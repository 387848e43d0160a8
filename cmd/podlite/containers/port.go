package containers

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/netconf"
)

// newPortCommand lists a container's published ports, as podman's port:
// running containers only (others print nothing), podman's argument rules
// and messages.
func newPortCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "port [options] CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short:             "List port mappings for a container",
		Args:              cobra.ArbitraryArgs,
		Example:           "  podlite port web\n  podlite port web 80/tcp\n  podlite port -a",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case sel.all && sel.latest:
				return errors.New("--all and --latest cannot be used together")
			case sel.all && len(args) > 0:
				return errors.New("no arguments are needed with --all")
			case !sel.all && !sel.latest && len(args) == 0:
				return errors.New("you must supply a running container name or id")
			case len(args) > 2:
				return errors.New("`port` accepts at most 2 arguments")
			}
			if sel.all {
				return portAll(g)
			}
			// podman's reading: with --latest a lone argument is the port.
			var name, filter string
			switch {
			case sel.latest && len(args) == 1:
				filter = args[0]
			case !sel.latest:
				name = args[0]
				if len(args) == 2 {
					filter = args[1]
				}
			}
			c, err := oneContainer(g, name, sel.latest)
			if err != nil || c.State().Status != define.StatusRunning {
				return err
			}
			lines, err := netconf.PortLines(c.Config().Network.Ports, filter)
			for _, l := range lines {
				fmt.Println(l)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "display port information for all containers")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// portAll prints every running container's ports, each line after the
// container's short ID and a tab.
func portAll(g *common.Globals) error {
	ctrs, err := allContainers(g)
	if err != nil {
		return err
	}
	for _, c := range ctrs {
		if c.State().Status != define.StatusRunning {
			continue
		}
		lines, err := netconf.PortLines(c.Config().Network.Ports, "")
		if err != nil {
			return err
		}
		for _, l := range lines {
			fmt.Printf("%s\t%s\n", c.ID()[:12], l)
		}
	}
	return nil
}
