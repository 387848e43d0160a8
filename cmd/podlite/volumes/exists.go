package volumes

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "exists NAME",
		Short:             "Check whether a volume exists",
		Long:              "Exit with 0 when the volume exists, 1 when it does not, 125 on other errors.",
		Args:              common.ExactArgs(1),
		ValidArgsFunction: completeFirstVolume(g),
		Example:           "  podlite volume exists data || podlite volume create data",
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			_, err = rt.Volume(args[0])
			if errors.Is(err, define.ErrNotFound) {
				return &define.ExitCodeError{Code: 1}
			}
			return err
		},
	}
}
