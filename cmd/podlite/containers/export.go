package containers

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newExportCommand(g *common.Globals) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:               "export [options] CONTAINER",
		Short:             "Export a container's filesystem contents as a tar archive",
		Args:              common.ExactArgs(1),
		Example:           "  podlite export -o web.tar web\n  podlite export web > web.tar",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) (retErr error) {
			if output == "" && term.IsTerminal(int(os.Stdout.Fd())) {
				return fmt.Errorf("refusing to export to terminal: use -o or redirect the output: %w", define.ErrInvalidArg)
			}
			c, err := g.Container(args[0])
			if err != nil {
				return err
			}
			if output == "" {
				return c.Export(os.Stdout)
			}
			f, err := os.Create(output)
			if err != nil {
				return fmt.Errorf("creating file %q: %w", output, err)
			}
			defer func() {
				if err := f.Close(); err != nil && retErr == nil {
					retErr = fmt.Errorf("writing %s: %w", output, err)
				}
				if retErr != nil {
					_ = os.Remove(output)
				}
			}()
			return c.Export(f)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to a file instead of stdout")
	return cmd
}
