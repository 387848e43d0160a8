package secrets

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newRmCommand(g *common.Globals) *cobra.Command {
	var all, ignore bool
	cmd := &cobra.Command{
		Use:     "rm [options] NAME|ID [NAME|ID...]",
		Aliases: []string{"remove"},
		Short:   "Remove secrets",
		Long: `Remove secrets, printing each ID removed. Containers created with a secret
keep their copy of it. Every name is tried; each failure is reported on
stderr and the command exits 125 if any failed.`,
		Args:              namesOrAll(&all),
		ValidArgsFunction: common.Complete(g, secretNames),
		Example: `  podlite secret rm dbpass
  podlite secret rm --all`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			names := args
			if all {
				if names, err = secretNames(g); err != nil {
					return err
				}
			}
			var errs []error
			for _, name := range names {
				id, err := rt.Secrets().Remove(name)
				if err != nil {
					if !ignore || !errors.Is(err, define.ErrNotFound) {
						errs = append(errs, err)
					}
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), id)
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "remove every secret")
	f.BoolVarP(&ignore, "ignore", "i", false, "ignore secrets that do not exist")
	return cmd
}
