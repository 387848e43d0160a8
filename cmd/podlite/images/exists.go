package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "exists IMAGE",
		Short:             "Check whether an image exists locally",
		Long:              "Exit with 0 when the image exists locally, 1 when it does not, 125 on other errors.",
		Args:              common.ExactArgs(1),
		ValidArgsFunction: completeFirstImage(g),
		Example:           "  podlite image exists busybox || podlite pull busybox",
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ok, err := rt.ImageExists(args[0])
			if err != nil {
				return err
			}
			if !ok {
				return &define.ExitCodeError{Code: 1}
			}
			return nil
		},
	}
}
