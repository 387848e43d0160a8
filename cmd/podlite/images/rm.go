package images

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newRmCommand(g *common.Globals) *cobra.Command {
	var opts libpod.RemoveImagesOptions
	cmd := &cobra.Command{
		Use:   "rmi [options] IMAGE [IMAGE...]",
		Short: "Remove images",
		Long: `Remove images. An image named by one of several names only loses that
name. An image used by a container is kept unless --force, which removes the
containers too. Exit status as podman's: 1 when an image does not exist, 2
when one is in use, 125 for other failures.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.All {
				return common.NoArgs(cmd, args)
			}
			return common.MinArgs(1)(cmd, args)
		},
		ValidArgsFunction: completeImages(g),
		Example: `  podlite rmi busybox
  podlite rmi -f app:1 app:2
  podlite image rm -a`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			done, errs := rt.RemoveImages(cmd.Context(), args, opts)
			for _, d := range done {
				for _, n := range d.Untagged {
					fmt.Println("Untagged:", n)
				}
				if d.Deleted != "" {
					fmt.Println("Deleted:", d.Deleted)
				}
			}
			// The status (1, 2 or 125) is cmd/podlite/cli's rule for rmi.
			return common.ReportEach(os.Stderr, errs)
		},
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "remove the containers using the images, and images with several names")
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "remove every image")
	// podman's --no-prune keeps dangling parents; podlite's images
	// have no parents to prune, so rmi always behaves so.
	cmd.Flags().Bool("no-prune", false, "do not remove dangling parent images (podlite images have none: always so)")
	cmd.Flags().BoolVarP(&opts.Ignore, "ignore", "i", false, "ignore images that do not exist")
	return cmd
}
