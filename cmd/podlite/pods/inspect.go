package pods

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [options] POD [POD...]",
		Short: "Display information about pods",
		Long: `Print the pods' records as a JSON array in podman's shape (Id, Name, State,
InfraContainerID, InfraConfig, SharedNamespaces, Containers, ...), or
each through a Go template with --format.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completePods(g),
		Example: `  podlite pod inspect app
  podlite pod inspect --format '{{.State}} {{.NumContainers}}' app`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			out := []*libpod.PodInspectReport{}
			var errs []error
			for _, name := range args {
				p, err := rt.LookupPod(name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				rep, err := p.Inspect()
				if err != nil {
					errs = append(errs, err)
					continue
				}
				out = append(out, rep)
			}
			if format == "" {
				format = "json"
			}
			if err := common.Write(cmd.OutOrStdout(), format, "", out, nil); err != nil {
				return err
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	return cmd
}
