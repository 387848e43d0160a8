package networks

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

const networksTable = "table {{.ID}}\t{{.Name}}\t{{.Driver}}"

// shortIDLen is how many hex digits of a network ID tables show.
const shortIDLen = 12

func newListCommand(g *common.Globals) *cobra.Command {
	var quiet, noTrunc, noHeading bool
	var format string
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
			if quiet && format != "" {
				return fmt.Errorf("--quiet and --format cannot be used together: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			nets, err := rt.Networks(filters...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if quiet {
				for _, n := range nets {
					fmt.Fprintln(out, n.Name)
				}
				return nil
			}
			rows := Reports(nets)
			if common.IsJSON(format) {
				return common.WriteJSON(out, rows)
			}
			if !noTrunc {
				for i := range rows {
					if len(rows[i].ID) > shortIDLen {
						rows[i].ID = rows[i].ID[:shortIDLen]
					}
				}
			}
			headers := map[string]string{"ID": "NETWORK ID"}
			if !noHeading || format != "" && !strings.HasPrefix(format, "table") {
				return common.Write(out, format, networksTable, rows, headers)
			}
			// Keep the table's alignment, drop its header row.
			var buf bytes.Buffer
			if err := common.Write(&buf, format, networksTable, rows, headers); err != nil {
				return err
			}
			_, body, _ := strings.Cut(buf.String(), "\n")
			_, err = io.WriteString(out, body)
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "print only network names")
	f.BoolVar(&noTrunc, "no-trunc", false, "print full network IDs")
	f.BoolVarP(&noHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE (repeatable): name, id, driver, label, label!")
	return cmd
}
