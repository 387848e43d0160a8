package networks

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

const networksTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"

// shortIDLen is how many hex digits of a network ID tables show.
const shortIDLen = 12

func newListCommand(g *common.Globals) *cobra.Command {
	var lf common.ListFlags
	var noTrunc bool
	var filters []string
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List networks",
		Long: `List networks, ordered by name; the default network is always listed.
Templates use the Go field names (.ID, .Name, .Driver, .NetworkInterface,
.Subnets, .Internal, .Labels, .Options, .Created); json prints the inspect
form. Filters with different keys must all match:
  name=REGEXP, id=PREFIX, driver=NAME, label=KEY[=VALUE], label!=KEY[=VALUE].`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite network ls
  podlite network ls -q --filter label=app=web
  podlite network ls --no-trunc --format '{{.ID}} {{.Name}} {{.NetworkInterface}}'
  podlite network ls --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lf.Check(); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			nets, err := rt.Networks(filters...)
			if err != nil {
				return err
			}
			names := common.Names(nets, networkName)
			rows := Reports(nets)
			if !noTrunc && !common.IsJSON(lf.Format) {
				for i := range rows {
					if len(rows[i].ID) > shortIDLen {
						rows[i].ID = rows[i].ID[:shortIDLen]
					}
				}
			}
			return common.WriteList(cmd.OutOrStdout(), lf, names, networksTable, rows, map[string]string{"ID": "NETWORK ID"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&lf.Quiet, "quiet", "q", false, "print only network names")
	f.BoolVar(&noTrunc, "no-trunc", false, "print full network IDs")
	f.BoolVarP(&lf.NoHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&lf.Format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE (repeatable): name, id, driver, label, label!, until")
	return cmd
}
