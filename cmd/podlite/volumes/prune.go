package volumes

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	return common.NewPruneCommand(g, "volumes", "every volume that no container uses",
		"  podlite volume prune\n  podlite volume prune -f --filter label=tmp",
		func(rt *libpod.Runtime, filters []string) ([]string, error) { return rt.PruneVolumes(filters...) })
}
