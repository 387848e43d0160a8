package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newDiffCommand(g *common.Globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "diff [options] IMAGE [IMAGE]",
		Short:             "Inspect changes to the image's file systems",
		Long:              "List what an image's top layer changed against its parent layer (or against the second image): A added, C changed, D deleted.",
		Args:              common.RangeArgs(1, 2),
		Example:           "  podlite image diff busybox\n  podlite image diff --format json busybox",
		ValidArgsFunction: completeImages(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			from := ""
			if len(args) == 2 {
				from = args[1]
			}
			return common.Diff(cmd.OutOrStdout(), g, format, args[0], from, libpod.DiffImage)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "change the output format (json)")
	return cmd
}
