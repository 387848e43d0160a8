package images

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newImportCommand(g *common.Globals) *cobra.Command {
	var opts storage.ImportOptions
	var quiet bool
	cmd := &cobra.Command{
		Use:   "import [options] TARBALL [REFERENCE]",
		Short: "Create an image from a root filesystem tarball",
		Long: `Create a one-layer image from a tarball of a root filesystem ("-" reads it
from stdin; an http(s) URL is downloaded), named REFERENCE if given. --change applies Dockerfile
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
	cmd.Flags().StringArrayVarP(&opts.Changes, "change", "c", nil, "apply a Dockerfile instruction to the image config")
	cmd.Flags().StringVarP(&opts.Message, "message", "m", "", "commit message of the imported layer")
	cmd.Flags().StringVar(&opts.Arch, "arch", "", "architecture of the image (default the host's)")
	cmd.Flags().StringVar(&opts.OS, "os", "", "OS of the image (default the host's)")
	cmd.Flags().StringVar(&opts.Variant, "variant", "", "architecture variant of the image")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not show progress (podlite import never does)")
	return cmd
}
