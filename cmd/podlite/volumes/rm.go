package volumes

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newRmCommand(g *common.Globals) *cobra.Command {
	var all, force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] NAME [NAME...]",
		Aliases: []string{"remove"},
		Short:   "Remove volumes",
		Long: `Remove volumes and their data, printing each name removed. A volume used by
a container is refused unless --force, which removes those containers first.
Every name is tried; each failure is reported on stderr and the command
exits 125 if any failed.`,
		Args:              namesOrAll(&all),
		ValidArgsFunction: completeVolumes(g),
		Example: `  podlite volume rm data
  podlite volume rm -f data cache
  podlite volume rm --all`,
		RunE: func(cmd *cobra.Command, args []string) error {
			stopTimeout, err := common.ForceTime(cmd, timeout, force)
			if err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			names := args
			if all {
				if names, err = volumeNames(g); err != nil {
					return err
				}
			}
			var errs []error
			for _, name := range names {
				if err := rt.RemoveVolume(name, force, stopTimeout); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "remove every volume")
	f.BoolVarP(&force, "force", "f", false, "remove the containers using the volumes first (killed, unless --time)")
	f.UintVarP(&timeout, "time", "t", 10, "with --force: seconds to wait for a using container's stop signal before killing it")
	return cmd
}
