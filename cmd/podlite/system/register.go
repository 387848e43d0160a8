// Package system holds the `podlite system` commands and their top-level
// aliases info, version and events.
package system

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// Register adds info, version, events and the system command to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "system",
		Short:             "Manage podlite",
		Args:              common.NoArgs,
		Example:           "  podlite system info\n  podlite system prune -f",
		ValidArgsFunction: common.NoCompletion,
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(newInfoCommand(g), newResetCommand(g), newPruneCommand(g), newEventsCommand(g), newDfCommand(g), newMigrateCommand(g))
	root.AddCommand(newInfoCommand(g), newVersionCommand(), newEventsCommand(g), newUnshareCommand(g), parent)
}
