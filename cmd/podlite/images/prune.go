package images

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var all, force, buildCache, external bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused images",
		Long: `Remove dangling images (without a name) that no container uses, or with
--all every image no container uses. Asks first unless --force.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite image prune -f
  podlite image prune -a -f
  podlite image prune -a -f --filter until=24h`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if buildCache {
				return fmt.Errorf("--build-cache: podlite builds no images, so it has no build cache: %w", define.ErrNotSupported)
			}
			if external {
				return fmt.Errorf("--external: podlite runs no build containers; remove containers with rm: %w", define.ErrNotSupported)
			}
			if !force {
				warning := "WARNING! This command removes all dangling images."
				if all {
					warning = "WARNING! This command removes all images without at least one container associated with them."
				}
				if ok, err := common.Confirm(os.Stdin, os.Stdout, warning); err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			removed, err := rt.PruneImagesMatching(cmd.Context(), all, filters)
			for _, id := range removed {
				fmt.Println(id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "remove every unused image, not only dangling ones")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	cmd.Flags().BoolVar(&buildCache, "build-cache", false, "refused: podlite has no build cache")
	cmd.Flags().BoolVar(&external, "external", false, "refused: podlite runs no external (build) containers")
	cmd.Flags().StringArrayVar(&filters, "filter", nil, "prune only images that pass the filter KEY=VALUE (the keys of images --filter)")
	return cmd
}
