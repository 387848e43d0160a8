package system

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
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
$CONTAINERS_RUNROOT name the user's store. With --rootless-netns
COMMAND also runs in the rootless network namespace that holds the user's
CNI networks (made for it if there is none, and removed afterwards unless
a container uses it). As root it is refused, as podman refuses it.`,
		Args:              cobra.ArbitraryArgs,
		Example:           "  podlite unshare cat /proc/self/uid_map\n  podlite unshare ls -ln ~/.local/share/podlite/storage\n  podlite unshare --rootless-netns ip addr",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(_ *cobra.Command, args []string) error {
			cfg, err := g.Config()
			if err != nil {
				return err
			}
			env := []string{"CONTAINERS_GRAPHROOT=" + cfg.StorageRoot(), "CONTAINERS_RUNROOT=" + cfg.StorageRunRoot()}
			if !netns {
				return rootless.Unshare(args, env)
			}
			if !rootless.InNamespace() {
				return rootless.Unshare(args, env) // root: refused with podman's words
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.InRootlessNetNS(func() error { return rootless.Unshare(args, env) })
		},
	}
	cmd.Flags().BoolVar(&netns, "rootless-netns", false, "join the rootless network namespace of the user's CNI networks too")
	// Flags after COMMAND are COMMAND's.
	cmd.Flags().SetInterspersed(false)
	return cmd
}
