package system

import (
	"fmt"
	"os"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var force, all, volumes bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove unused data",
		Long: `Remove stopped containers, networks no container uses and dangling images
(with --all every image no container uses; with --volumes the volumes no
container uses), optionally only those passing the filters (label, label!,
until). Asks first unless --force.`,
		Args:              common.NoArgs,
		Example:           "  podlite system prune\n  podlite system prune -a -f --volumes\n  podlite system prune -f --filter label=tmp",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("build") {
				return fmt.Errorf("--build: podlite builds no images, so it has no build containers: %w", define.ErrNotSupported)
			}
			if cmd.Flags().Changed("external") {
				return fmt.Errorf("--external: podlite removes only its own storage leftovers, which every prune does: %w", define.ErrNotSupported)
			}
			if !force {
				ok, err := common.Confirm(os.Stdin, os.Stdout, pruneWarning(all, volumes))
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			rep, err := rt.SystemPrune(cmd.Context(), libpod.SystemPruneOptions{All: all, Volumes: volumes, Filters: filters})
			printList("Deleted Containers", rep.Containers)
			printList("Deleted Volumes", rep.Volumes)
			printList("Deleted Networks", rep.Networks)
			printList("Deleted Images", rep.Images)
			if err != nil {
				return err
			}
			fmt.Printf("Total reclaimed space: %s\n", units.HumanSize(float64(rep.ReclaimedSpace)))
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	f.BoolVarP(&all, "all", "a", false, "remove all unused images, not only dangling ones")
	f.BoolVar(&volumes, "volumes", false, "prune volumes too")
	f.StringArrayVar(&filters, "filter", nil, "prune only what passes the filter KEY=VALUE (repeatable): label, label!, until")
	f.Bool("build", false, "refused: podlite builds no images, so it has no build containers")
	f.Bool("external", false, "refused: podlite runs no external (build) containers; storage leftovers go with every prune")
	return cmd
}

// pruneWarning is podman's question before a system prune.
func pruneWarning(all, volumes bool) string {
	images := "all dangling images"
	if all {
		images = "all images without at least one container associated with them"
	}
	w := "WARNING! This command removes:\n\t- all stopped containers\n\t- all networks not used by at least one container\n"
	if volumes {
		w += "\t- all volumes not used by at least one container\n"
	}
	return w + "\t- " + images + "\n"
}

func printList(title string, ids []string) {
	if len(ids) == 0 {
		return
	}
	fmt.Println(title)
	for _, id := range ids {
		fmt.Println(id)
	}
}
