package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newUntagCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "untag IMAGE [NAME...]",
		Short: "Remove names from a local image",
		Long: `Remove one or more names from a local image without deleting it; with no NAME, every name
is removed and the image is left dangling. Names are normalized as tag normalizes them.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: common.Complete(g, common.ImageNames),
		Example: `  podlite untag mybox
  podlite untag app:1 localhost/app:stable`,
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.UntagImage(args[0], args[1:])
		},
	}
}
