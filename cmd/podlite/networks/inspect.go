package networks

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/pkg/network"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [options] NAME [NAME...]",
		Short: "Show networks' details",
		Long: `Print the named networks (names, IDs or unique ID prefixes) as a JSON array
in podman's form, or each through a Go template applied to that JSON form
({{.name}}, {{(index .subnets 0).gateway}}). Networks that exist are
printed even when others do not; each missing one is reported on stderr
and the command exits 125.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completeNetworks(g),
		Example: `  podlite network inspect web
  podlite network inspect --format '{{.network_interface}} {{(index .subnets 0).subnet}}' web
  podlite network inspect web db`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			var nets []*network.Network
			var errs []error
			for _, name := range args {
				n, err := rt.NetworkByName(name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				nets = append(nets, n)
			}
			if err := common.WriteInspect(cmd.OutOrStdout(), format, Reports(nets)); err != nil {
				return err
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template applied to each network's JSON form, or json")
	return cmd
}
