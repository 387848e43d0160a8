package containers

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// mounted is one row of `podlite mount` without arguments.
type mounted struct {
	ID         string
	Names      string
	Mountpoint string
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
				ctrs, names, err := sel.resolve(g, args)
				if err != nil {
					return err
				}
				var failed error
				for i, c := range ctrs {
					if c == nil {
						failed = reportFailure(failed, fmt.Errorf("no container %s", names[i]), g, names[i])
						continue
					}
					mnt, err := c.Mount()
					if err != nil {
						failed = reportFailure(failed, err, g, "")
						continue
					}
					fmt.Println(mnt)
				}
				return failed
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ctrs, err := rt.Containers()
			if err != nil {
				return err
			}
			var rows []mounted
			for _, c := range ctrs {
				mnt, err := c.Mountpoint()
				if err != nil || mnt == "" {
					continue
				}
				id := c.ID()
				if !noTrunc {
					id = id[:12]
				}
				rows = append(rows, mounted{ID: id, Names: c.Name(), Mountpoint: mnt})
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

// reportFailure prints the previous failure and keeps the latest, as
// forEach does; for a missing container it re-resolves the name to get the
// store's not-found error.
func reportFailure(prev, err error, g *common.Globals, missing string) error {
	if missing != "" {
		if rt, rerr := g.Runtime(); rerr == nil {
			if _, lerr := rt.LookupContainer(missing); lerr != nil {
				err = lerr
			}
		}
	}
	if prev != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", prev)
	}
	return err
}
