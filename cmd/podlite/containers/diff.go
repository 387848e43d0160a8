package containers

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// newDiffCommand is the top-level diff, of a container or an image.
func newDiffCommand(g *common.Globals) *cobra.Command {
	cmd := diffCommand(g, libpod.DiffAny, common.Complete(g, func(g *common.Globals) ([]string, error) {
		ctrs, err := common.ContainerNames(g)
		if err != nil {
			return nil, err
		}
		imgs, err := common.ImageNames(g)
		return append(ctrs, imgs...), err
	}))
	cmd.Use = "diff [options] {CONTAINER|IMAGE} [{CONTAINER|IMAGE}]"
	cmd.Short = "Inspect changes to the container's or image's file systems"
	cmd.Example = "  podlite diff web\n  podlite diff --format json web busybox"
	return cmd
}

// newContainerDiffCommand is `container diff`, of containers only.
func newContainerDiffCommand(g *common.Globals) *cobra.Command {
	return diffCommand(g, libpod.DiffContainer, common.Complete(g, common.ContainerNames))
}

func diffCommand(g *common.Globals, kind libpod.DiffKind, complete cobra.CompletionFunc) *cobra.Command {
	var format string
	var latest bool
	cmd := &cobra.Command{
		Use:               "diff [options] CONTAINER [CONTAINER]",
		Short:             "Inspect changes to the container's file systems",
		Long:              "List what changed in a rootfs against its image (or against the second argument): A added, C changed, D deleted.",
		Args:              common.RangeArgs(0, 2),
		Example:           "  podlite container diff web",
		ValidArgsFunction: complete,
		RunE: func(cmd *cobra.Command, args []string) error {
			if latest {
				if len(args) > 0 {
					return fmt.Errorf("--latest takes no container name: %w", define.ErrInvalidArg)
				}
				rt, err := g.Runtime()
				if err != nil {
					return err
				}
				c, err := rt.LatestContainer()
				if err != nil {
					return err
				}
				args = []string{c.ID()}
			}
			if len(args) == 0 {
				return fmt.Errorf("%q requires a name or --latest: %w", cmd.CommandPath(), define.ErrInvalidArg)
			}
			from := ""
			if len(args) == 2 {
				from = args[1]
			}
			return common.Diff(cmd.OutOrStdout(), g, format, args[0], from, kind)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "change the output format (json)")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	return cmd
}
