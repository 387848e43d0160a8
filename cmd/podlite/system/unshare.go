package system

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/rootless"
)

func newUnshareCommand(g *common.Globals) *cobra.Command {
	var netns bool
	cmd := &cobra.Command{
		Use:   "unshare [options] [COMMAND [ARG...]]",
		Short: "Run a command in the rootless user namespace",
		Long: `Runs COMMAND (default: $SHELL) in the user and mount namespaces podlite
uses for an ordinary user's containers and images: the user is root there
and the user's subordinate IDs are 1 and up. $CONTAINERS_GRAPHROOT and
$CONTAINERS_RUNROOT name the user's store. As root it is refused, as
podman refuses it.`,
		Args:              cobra.ArbitraryArgs,
		Example:           "  podlite unshare cat /proc/self/uid_map\n  podlite unshare ls -ln ~/.local/share/podlite/storage",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(_ *cobra.Command, args []string) error {
			if netns {
				return fmt.Errorf("--rootless-netns: the rootless network namespace of CNI networks is not implemented yet: %w", define.ErrNotSupported)
			}
			cfg, err := g.Config()
			if err != nil {
				return err
			}
			return rootless.Unshare(args, []string{"CONTAINERS_GRAPHROOT=" + cfg.StorageRoot(), "CONTAINERS_RUNROOT=" + cfg.StorageRunRoot()})
		},
	}
	cmd.Flags().BoolVar(&netns, "rootless-netns", false, "join the rootless network namespace too (not implemented yet)")
	// Flags after COMMAND are COMMAND's.
	cmd.Flags().SetInterspersed(false)
	return cmd
}
