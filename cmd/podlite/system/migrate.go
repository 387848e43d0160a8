package system

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newMigrateCommand(g *common.Globals) *cobra.Command {
	var newRuntime string
	cmd := &cobra.Command{
		Use:   "migrate [options]",
		Short: "Make the rootless user namespace again after subordinate ID changes",
		Long: `For an ordinary user: stops the user's containers and ends the pause process that
holds the user namespace, so that the next command makes it again with the ranges
/etc/subuid and /etc/subgid give now. As root there is nothing to migrate.`,
		Args:              common.NoArgs,
		Example:           "  podlite system migrate",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if newRuntime != "" {
				return fmt.Errorf("--new-runtime %q: podlite has one runtime, built in: %w", newRuntime, define.ErrNotSupported)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.Migrate(cmd.Context())
		},
	}
	cmd.Flags().StringVar(&newRuntime, "new-runtime", "", "refused: podlite has one runtime, built in")
	return cmd
}
