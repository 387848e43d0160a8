package images

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newImportCommand(g *common.Globals) *cobra.Command {
	var changes []string
	var message string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "import [options] TARBALL [REFERENCE]",
		Short: "Create an image from a root filesystem tarball",
		Long: `Create a one-layer image from a tarball of a root filesystem ("-" reads it
from stdin), named REFERENCE if given. --change applies Dockerfile
instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
WORKDIR. Prints the image ID.`,
		Args: common.RangeArgs(1, 2),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveDefault // a file
			}
			return nil, cobra.ShellCompDirectiveNoFileComp
		},
		Example: `  podlite import rootfs.tar app:1
  podlite export ctr | podlite import --change 'CMD ["/bin/app"]' -c 'ENV MODE=prod' - app`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			opts := storage.ImportOptions{Changes: changes, Message: message}
			if len(args) == 2 {
				opts.Reference = args[1]
			}
			img, err := rt.ImportImage(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			fmt.Println(img.ID)
			return nil
		},
	}
	cmd.Flags().StringArrayVarP(&changes, "change", "c", nil, "apply a Dockerfile instruction to the image config")
	cmd.Flags().StringVarP(&message, "message", "m", "", "commit message of the imported layer")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not show progress (podlite import never does)")
	return cmd
}
