package containers

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

// mounted is one row of `podlite mount` without arguments.
type mounted struct {
	ID         string
	Names      string
	Mountpoint string
}

// mountedJSON is podman's JSON of a mounted container.
type mountedJSON struct {
	ID         string `json:"id"`
	Names      []string
	Mountpoint string `json:"mountpoint"`
}

func newMountCommand(g *common.Globals) *cobra.Command {
	var sel selection
	var format string
	var noTrunc bool
	cmd := &cobra.Command{
		Use:               "mount [options] [CONTAINER...]",
		Short:             "Mount a container's root filesystem",
		Args:              common.MinArgs(0),
		Example:           "  podlite mount web\n  podlite mount\n  podlite mount --format json",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 || sel.latest || sel.all {
				return forEachOutput(g, sel, args, func(c *libpod.Container) (string, error) { return c.Mount() })
			}
			ctrs, err := allContainers(g)
			if err != nil {
				return err
			}
			var rows []mounted
			jsonRows := []mountedJSON{}
			for _, c := range ctrs {
				mnt, err := c.Mountpoint()
				if err != nil || mnt == "" {
					continue
				}
				jsonRows = append(jsonRows, mountedJSON{ID: c.ID(), Names: []string{c.Name()}, Mountpoint: mnt})
				id := c.ID()
				if !noTrunc {
					id = id[:12]
				}
				rows = append(rows, mounted{ID: id, Names: c.Name(), Mountpoint: mnt})
			}
			if common.IsJSON(format) {
				// podman's shape: full IDs, a list of names, one-space indents.
				b, err := json.MarshalIndent(jsonRows, "", " ")
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), string(b))
				return err
			}
			return common.Write(cmd.OutOrStdout(), format, "{{.ID}}  {{.Mountpoint}}", rows, nil)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "mount every container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.StringVar(&format, "format", "", "print the mounted containers as json or with a Go template")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate container IDs")
	return cmd
}

// allContainers lists every container of the root.
func allContainers(g *common.Globals) ([]*libpod.Container, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	return rt.Containers()
}
