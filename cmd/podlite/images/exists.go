package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return common.NewExistsCommand(g, "image", "  podlite image exists busybox || podlite pull busybox", common.ImageNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.LookupImage(name)
			return err
		})
}
