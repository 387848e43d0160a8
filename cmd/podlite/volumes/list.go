package volumes

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

const volumesTable = "table {{.Driver}}\t{{.Name}}"

func newListCommand(g *common.Globals) *cobra.Command {
	var lf common.ListFlags
	var filters []string
	cmd := &cobra.Command{
		Use:     "ls [options]",
		Aliases: []string{"list"},
		Short:   "List volumes",
		Long: `List volumes, ordered by name. Filters with different keys must all match:
  name=REGEXP, label=KEY[=VALUE], label!=KEY[=VALUE], opt=KEY[=VALUE],
  driver=NAME, scope=local, dangling=true|false, until=TIME|DURATION.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite volume ls
  podlite volume ls -q --filter dangling=true
  podlite volume ls --filter label=app=web --format '{{.Name}} {{.Mountpoint}}'
  podlite volume ls --format json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lf.Check(); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			vols, err := rt.Volumes(filters...)
			if err != nil {
				return err
			}
			return common.WriteList(cmd.OutOrStdout(), lf, common.Names(vols, volumeName), volumesTable, Reports(vols), map[string]string{"Name": "VOLUME NAME"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&lf.Quiet, "quiet", "q", false, "print only volume names")
	f.BoolVarP(&lf.NoHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&lf.Format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE (repeatable): name, label, label!, opt, driver, scope, dangling, until")
	return cmd
}
