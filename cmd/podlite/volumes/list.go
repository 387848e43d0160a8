package volumes

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

const volumesTable = "table {{.Driver}}\t{{.Name}}"

func newListCommand(g *common.Globals) *cobra.Command {
	var quiet, noHeading bool
	var format string
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
			if quiet && format != "" {
				return fmt.Errorf("--quiet and --format cannot be used together: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			vols, err := rt.Volumes(filters...)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if quiet {
				for _, v := range vols {
					fmt.Fprintln(out, v.Name)
				}
				return nil
			}
			headers := map[string]string{"Name": "VOLUME NAME"}
			if !noHeading || format != "" && !strings.HasPrefix(format, "table") {
				return common.Write(out, format, volumesTable, Reports(vols), headers)
			}
			// Keep the table's alignment, drop its header row.
			var buf bytes.Buffer
			if err := common.Write(&buf, format, volumesTable, Reports(vols), headers); err != nil {
				return err
			}
			_, rows, _ := strings.Cut(buf.String(), "\n")
			_, err = io.WriteString(out, rows)
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "print only volume names")
	f.BoolVarP(&noHeading, "noheading", "n", false, "do not print the table's header row")
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE (repeatable): name, label, label!, opt, driver, scope, dangling, until")
	return cmd
}
