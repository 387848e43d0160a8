package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newTagCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:   "tag IMAGE NAME [NAME...]",
		Short: "Add names to an image",
		Long: `Add one or more names to a local image. A name without registry goes under
localhost/ and a name without tag gets :latest.`,
		Args:              common.MinArgs(2),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite tag busybox mybox
  podlite tag app:1 127.0.0.1:5000/app:1 app:stable`,
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			for _, name := range args[1:] {
				if _, err := rt.TagImage(args[0], name); err != nil {
					return err
				}
			}
			return nil
		},
	}
}
