package secrets

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format string
	var pretty, show bool
	cmd := &cobra.Command{
		Use:   "inspect [options] NAME|ID [NAME|ID...]",
		Short: "Show secrets' details",
		Long: `Print secrets as a JSON array (podman's shape), through a Go template, or
--pretty as text. The data is shown only with --showsecret. Secrets that exist
are printed even when others do not; each missing one is reported on stderr.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: common.Complete(g, secretNames),
		Example: `  podlite secret inspect dbpass
  podlite secret inspect --format '{{.Spec.Name}} {{.ID}}' dbpass
  podlite secret inspect --showsecret --format '{{.SecretData}}' dbpass`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if pretty && format != "" {
				return fmt.Errorf("--format and --pretty cannot be used together: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			out := []Report{}
			var errs []error
			for _, name := range args {
				sec, data, err := rt.Secrets().Data(name)
				if err != nil {
					errs = append(errs, fmt.Errorf("inspecting secret: %w", err))
					continue
				}
				r := report(sec)
				if show {
					r.SecretData = string(data)
				}
				out = append(out, r)
			}
			if pretty {
				writePretty(cmd.OutOrStdout(), out)
			} else if err := common.WriteInspect(cmd.OutOrStdout(), format, out); err != nil {
				return err
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&format, "format", "f", "", "Go template applied to each secret, or json")
	f.BoolVar(&pretty, "pretty", false, "print in a human-readable form")
	f.BoolVar(&show, "showsecret", false, "show the secret's data")
	return cmd
}

func writePretty(w io.Writer, reports []Report) {
	for i, r := range reports {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "ID:              %s\nName:            %s\nDriver:          %s\n", r.ID, r.Spec.Name, r.Spec.Driver.Name)
		fmt.Fprintf(w, "Created at:      %s\nUpdated at:      %s\n", r.CreatedAt, r.UpdatedAt)
		var labels []string
		for k, v := range r.Spec.Labels {
			labels = append(labels, k+"="+v)
		}
		if len(labels) > 0 {
			fmt.Fprintf(w, "Labels:          %s\n", strings.Join(labels, ","))
		}
		if r.SecretData != "" {
			fmt.Fprintf(w, "Secret data:     %s\n", r.SecretData)
		}
	}
}
