package containers

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// verbs builds every container command; each is registered twice, under
// `container` and at the top level, like podman's aliases.
var verbs = []func(g *common.Globals) *cobra.Command{
	newRunCommand, newCreateCommand, newStartCommand, newStopCommand, newKillCommand,
	newRestartCommand, newRmCommand, newPsCommand, newLogsCommand,
	newWaitCommand, newExecCommand, newPauseCommand, newUnpauseCommand,
	newAttachCommand, newTopCommand, newPortCommand, newRenameCommand, newMountCommand,
	newUnmountCommand, newCpCommand, newExportCommand, newInitCommand,
	newStatsCommand, newUpdateCommand,
}

// containerOnly are only under `container` (as in podman).
var containerOnly = []func(g *common.Globals) *cobra.Command{
	newCleanupCommand, newExistsCommand, newInspectCommand, newPruneCommand,
	newCheckpointCommand, newRestoreCommand, newCloneCommand,
}

// Register adds the container commands to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:     "container",
		Short:   "Manage containers",
		Args:    common.NoArgs,
		Example: "  podlite container ls -a",
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	for _, v := range verbs {
		root.AddCommand(v(g))
		parent.AddCommand(v(g))
	}
	for _, v := range containerOnly {
		parent.AddCommand(v(g))
	}
	root.AddCommand(newHealthcheckCommand(g))
	ls := newPsCommand(g)
	ls.Use, ls.Aliases = "ls [options]", []string{"list"}
	parent.AddCommand(ls)
	root.AddCommand(parent)
}
