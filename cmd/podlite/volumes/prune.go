package volumes

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// newPruneCommand removes the volumes no container uses. Without --force
// it shows podman's warning, then the volumes it would remove before its
// question, or "No dangling volumes found" (exit 0, nothing asked).
func newPruneCommand(g *common.Globals) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove volumes no container uses",
		Long: `Remove every volume that no container uses, optionally only those passing the filters
(as for volume ls), and print their names. Without --force it lists them and asks first.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite volume prune\n  podlite volume prune -f --filter label=tmp",
		RunE: func(cmd *cobra.Command, _ []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if !force {
				fmt.Fprintln(out, "WARNING! This will remove all volumes not used by at least one container. The following volumes will be removed:")
				unused, err := rt.Volumes(append(filters[:len(filters):len(filters)], "dangling=true")...)
				if err != nil {
					return err
				}
				if len(unused) == 0 {
					fmt.Fprintln(out, "No dangling volumes found")
					return nil
				}
				for _, v := range unused {
					fmt.Fprintln(out, v.Name)
				}
				if ok, err := common.Confirm(cmd.InOrStdin(), out, ""); err != nil || !ok {
					return err
				}
			}
			pruned, err := rt.PruneVolumes(filters...)
			for _, name := range pruned {
				fmt.Fprintln(out, name)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	f.StringArrayVar(&filters, "filter", nil, "prune only volumes passing the filter KEY=VALUE (repeatable), as for volume ls")
	return cmd
}
