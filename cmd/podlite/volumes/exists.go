package volumes

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return common.NewExistsCommand(g, "volume", "  podlite volume exists data || podlite volume create data", volumeNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.Volume(name)
			return err
		})
}
