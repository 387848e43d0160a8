package containers

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	cmd := common.NewPruneCommandWarning(g, "containers", "every container that is not running (created or exited)",
		"WARNING! This will remove all non running containers.",
		"  podlite container prune\n  podlite container prune -f --filter label=tmp --filter until=24h",
		func(rt *libpod.Runtime, filters []string) ([]string, error) { return rt.PruneContainers(filters...) })
	cmd.Short = "Remove all non running containers"
	cmd.Flags().Lookup("filter").Usage = "prune only containers passing the filter KEY=VALUE (repeatable): label, label!, until"
	return cmd
}
