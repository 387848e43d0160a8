// Package generate holds the `generate` commands and `systemd generate`
// (the Quadlet generator): flags in, one call, output out.
package generate

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// Register adds `podlite generate` and its verbs to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "generate",
		Short:             "Generate structured data from containers and pods",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite generate systemd --new --name web",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(newSystemdCommand(g))
	root.AddCommand(parent)
	registerSystemd(root, g)
}

// containerAndPodNames lists every container's and pod's name, for
// completion.
func containerAndPodNames(g *common.Globals) ([]string, error) {
	ctrs, err := common.ContainerNames(g)
	if err != nil {
		return nil, err
	}
	pods, err := common.PodNames(g)
	return append(ctrs, pods...), err
}
