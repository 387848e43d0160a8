package secrets

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/secrets"
)

const secretsTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.CreatedAt}}\t{{.UpdatedAt}}"

func newListCommand(g *common.Globals) *cobra.Command {
	var lf common.ListFlags
	var filters []string
	cmd := &cobra.Command{
		Use:               "ls [options]",
		Aliases:           []string{"list"},
		Short:             "List secrets",
		Long:              "List secrets, newest first. Filters (name=, id=, label=KEY[=VALUE]) with different keys must all match.",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite secret ls
  podlite secret ls --filter name=db --format '{{.Name}} {{.Driver}}'
  podlite secret ls -q`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := lf.Check(); err != nil {
				return err
			}
			match, err := secrets.ParseFilters(filters)
			if err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			list, err := rt.Secrets().List()
			if err != nil {
				return err
			}
			var rows []Row
			var ids []string
			for _, s := range list {
				if secrets.Matches(s, match) {
					rows, ids = append(rows, Row{report(s)}), append(ids, s.ID)
				}
			}
			headers := map[string]string{"CreatedAt": "CREATED", "UpdatedAt": "UPDATED"}
			if common.IsJSON(lf.Format) {
				return common.WriteList(cmd.OutOrStdout(), lf, ids, secretsTable, reports(rows), headers)
			}
			return common.WriteList(cmd.OutOrStdout(), lf, ids, secretsTable, rows, headers)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&lf.Quiet, "quiet", "q", false, "print only secret IDs")
	f.BoolVarP(&lf.NoHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&lf.Format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE (repeatable): name, id, label")
	return cmd
}

func reports(rows []Row) []Report {
	out := make([]Report, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.Report)
	}
	return out
}
