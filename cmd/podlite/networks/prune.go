package networks

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	return common.NewPruneCommand(g, "networks", "every network but the default that no container uses",
		"  podlite network prune\n  podlite network prune -f --filter label=tmp",
		func(rt *libpod.Runtime, filters []string) ([]string, error) { return rt.PruneNetworks(filters...) })
}
