package networks

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return common.NewExistsCommand(g, "network", "  podlite network exists web || podlite network create web", networkNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.NetworkByName(name)
			return err
		})
}
