// Package pods holds the `pod` commands: flags in, one libpod call, output
// out.
package pods

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// Register adds `podlite pod` and its verbs to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:   "pod",
		Short: "Manage pods",
		Long: `Create and manage pods: containers that share namespaces (by default ipc, net
and uts) with the pod's infra container. The infra runs a pause process of
the podlite binary itself in an empty rootfs, starts first and stops last;
it holds the pod's network, so -p and --network belong to the pod, not to
its containers (run --pod NAME).`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite pod ps",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(
		newCreateCommand(g),
		newListCommand(g),
		newInspectCommand(g),
		newStartCommand(g),
		newStopCommand(g),
		newRmCommand(g),
		newExistsCommand(g),
		newRestartCommand(g),
		newKillCommand(g),
		newPauseCommand(g),
		newUnpauseCommand(g),
		newPruneCommand(g),
		newTopCommand(g),
		newLogsCommand(g),
		newStatsCommand(g),
		newCloneCommand(g),
		newCheckpointCommand(g),
		newRestoreCommand(g),
	)
	root.AddCommand(parent)
}

func completePods(g *common.Globals) cobra.CompletionFunc { return common.Complete(g, common.PodNames) }
