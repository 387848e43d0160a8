package networks

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newRmCommand(g *common.Globals) *cobra.Command {
	var force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] NAME [NAME...]",
		Aliases: []string{"remove"},
		Short:   "Remove networks",
		Long: `Remove networks, printing each name removed. A network that containers use is
refused unless --force, which removes those containers first. The default
network cannot be removed. Every name is tried; each failure is reported
on stderr and the command exits 125 if any failed.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completeNetworks(g),
		Example: `  podlite network rm web
  podlite network rm -f web db`,
		RunE: func(cmd *cobra.Command, args []string) error {
			stopTimeout, err := common.ForceTime(cmd, timeout, force)
			if err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			var errs []error
			for _, name := range args {
				if err := rt.RemoveNetwork(cmd.Context(), name, force, stopTimeout); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove the containers using the networks first (killed, unless --time)")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "with --force: seconds to wait for a using container's stop signal before killing it")
	return cmd
}
