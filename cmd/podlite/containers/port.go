package containers

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// newPortCommand lists a container's published ports, as podman's port.
func newPortCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "port [options] CONTAINER [PRIVATE_PORT[/PROTO]]",
		Short:             "List port mappings for a container",
		Args:              common.RangeArgs(0, 2),
		Example:           "  podlite port web\n  podlite port web 80/tcp\n  podlite port -a",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sel.all {
				if len(args) > 0 {
					return fmt.Errorf("--all takes no arguments: %w", define.ErrInvalidArg)
				}
				rt, err := g.Runtime()
				if err != nil {
					return err
				}
				ctrs, err := rt.Containers()
				if err != nil {
					return err
				}
				for _, c := range ctrs {
					if lines := portLines(c, ""); len(lines) > 0 && c.IsRunning() {
						fmt.Printf("%s\t%s\n", c.ID()[:12], strings.Join(lines, "\n\t"))
					}
				}
				return nil
			}
			var name, filter string
			if sel.latest {
				if len(args) > 0 {
					filter = args[0]
				}
			} else if len(args) > 0 {
				name = args[0]
				if len(args) == 2 {
					filter = args[1]
				}
			}
			if name == "" && !sel.latest {
				return fmt.Errorf("specify a container, --all or --latest: %w", define.ErrInvalidArg)
			}
			c, err := oneContainer(g, name, sel.latest)
			if err != nil {
				return err
			}
			for _, l := range portLines(c, filter) {
				fmt.Println(l)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "display port information for every running container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// portLines renders "80/tcp -> 0.0.0.0:8080" lines; with a filter
// ("80" or "80/tcp") only the host address of that port.
func portLines(c *libpod.Container, filter string) []string {
	if filter != "" && !strings.Contains(filter, "/") {
		filter += "/tcp"
	}
	var out []string
	for _, p := range c.Config().Network.Ports {
		for i := uint16(0); i < max(p.Range, 1); i++ {
			key := fmt.Sprintf("%d/%s", p.ContainerPort+i, p.Protocol)
			host := p.HostIP
			if host == "" {
				host = "0.0.0.0"
			}
			addr := fmt.Sprintf("%s:%d", host, p.HostPort+i)
			switch {
			case filter == "":
				out = append(out, key+" -> "+addr)
			case filter == key:
				out = append(out, addr)
			}
		}
	}
	return out
}
