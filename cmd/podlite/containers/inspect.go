package containers

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format string
	var latest, size bool
	cmd := &cobra.Command{
		Use:               "inspect [options] CONTAINER [CONTAINER...]",
		Short:             "Show a container's configuration and state",
		Args:              common.MinArgs(0),
		Example:           "  podlite inspect web\n  podlite inspect --format '{{.State.Pid}}' web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctrs, names, err := selection{latest: latest}.resolve(g, args)
			if err != nil {
				return err
			}
			return inspectContainers(g, ctrs, names, format, size)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	cmd.Flags().BoolVarP(&size, "size", "s", false, "show the container's sizes (SizeRw, SizeRootFs)")
	return cmd
}

// inspectContainers prints what it can and fails on the first missing name
// after printing the rest, as podman does.
func inspectContainers(g *common.Globals, ctrs []*libpod.Container, names []string, format string, size bool) error {
	rt, _ := g.Runtime()
	data := []*libpod.InspectData{}
	var missing error
	for i, c := range ctrs {
		if c == nil {
			if _, err := rt.LookupContainer(names[i]); missing == nil {
				missing = err
			}
			continue
		}
		d, err := c.Inspect()
		if err != nil {
			return err
		}
		if size {
			if err := c.AddSize(d); err != nil {
				return err
			}
		}
		data = append(data, d)
	}
	if err := common.WriteInspect(os.Stdout, format, data); err != nil {
		return err
	}
	return missing
}
