package system

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var force, all, volumes bool
	cmd := &cobra.Command{
		Use:               "prune [options]",
		Short:             "Remove unused data",
		Args:              common.NoArgs,
		Example:           "  podlite system prune\n  podlite system prune -a -f --volumes",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				images := "dangling images"
				if all {
					images = "all images without at least one container associated to them"
				}
				warning := "WARNING! This command removes:\n        - all stopped containers\n        - all " + images
				if volumes {
					warning += "\n        - all volumes not used by at least one container"
				}
				ok, err := common.Confirm(os.Stdin, os.Stdout, warning)
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			var errs []error
			ctrs, err := rt.PruneContainers()
			errs = append(errs, err)
			printList("Deleted Containers", ctrs)
			if volumes {
				vols, err := rt.PruneVolumes()
				errs = append(errs, err)
				printList("Deleted Volumes", vols)
			}
			imgs, err := rt.PruneImages(context.Background(), all)
			errs = append(errs, err)
			printList("Deleted Images", imgs)
			return errors.Join(errs...)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	f.BoolVarP(&all, "all", "a", false, "remove all unused images, not only dangling ones")
	f.BoolVar(&volumes, "volumes", false, "prune volumes too")
	return cmd
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
