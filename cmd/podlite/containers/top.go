package containers

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newTopCommand(g *common.Globals) *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:               "top [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
		Short:             "Display the running processes of a container",
		Args:              common.MinArgs(0),
		Example:           "  podlite top web\n  podlite top web pid,user,args\n  podlite top -l",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var name string
			if !latest {
				if len(args) == 0 {
					return fmt.Errorf("specify a container name or ID: %w", define.ErrInvalidArg)
				}
				name, args = args[0], args[1:]
			}
			c, err := oneContainer(g, name, latest)
			if err != nil {
				return err
			}
			rows, err := c.Top(args)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(os.Stdout, 0, 0, 3, ' ', 0)
			for _, r := range rows {
				fmt.Fprintln(tw, strings.Join(r, "\t"))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// oneContainer resolves a single container by name or ID, or the latest.
func oneContainer(g *common.Globals, name string, latest bool) (*libpod.Container, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	if latest {
		if name != "" {
			return nil, fmt.Errorf("--latest takes no container name: %w", define.ErrInvalidArg)
		}
		return rt.LatestContainer()
	}
	return rt.LookupContainer(name)
}
