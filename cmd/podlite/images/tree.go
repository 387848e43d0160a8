package images

import (
	"errors"
	"fmt"
	"strings"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newTreeCommand(g *common.Globals) *cobra.Command {
	var whatRequires bool
	cmd := &cobra.Command{
		Use:               "tree [options] IMAGE",
		Short:             "Print an image's layers as a tree",
		Long:              `Print an image's ID, names, size and storage layers, bottom first, each with the images it is the top layer of, as podman 4's image tree.`,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: completeImages(g),
		Example:           "  podlite image tree busybox",
		RunE: func(cmd *cobra.Command, args []string) error {
			if whatRequires {
				return fmt.Errorf("--whatrequires is not supported yet: %w", define.ErrNotSupported)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			img, err := rt.LookupImage(args[0])
			if errors.Is(err, define.ErrNotFound) {
				return fmt.Errorf("%s: %w", args[0], define.ErrImageNotKnown)
			}
			if err != nil {
				return err
			}
			layers, err := rt.ImageLayers(img.ID)
			if err != nil {
				return err
			}
			fmt.Printf("Image ID: %s\nTags:     [%s]\nSize:     %s\nImage Layers\n",
				displayID(img.ID, false), strings.Join(img.Names, " "), treeSize(img.Size))
			for i, l := range layers {
				branch := "├──"
				if i == len(layers)-1 {
					branch = "└──"
				}
				line := fmt.Sprintf("%s ID: %s Size: %7s", branch, displayID(l.ID, false), treeSize(l.Size))
				if len(l.TopOf) > 0 {
					line += " Top Layer of: [" + strings.Join(l.TopOf, " ") + "]"
				}
				fmt.Println(line)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&whatRequires, "whatrequires", false, "show the images and layers built on the image (not supported yet)")
	return cmd
}

// treeSize spells a size as podman's image tree: "1.997MB".
func treeSize(n int64) string { return units.HumanSizeWithPrecision(float64(n), 4) }
