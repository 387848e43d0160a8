package images

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "inspect [options] IMAGE [IMAGE...]",
		Short:             "Show the details of images",
		Long:              "Print a JSON array describing the images, or apply --format to each.",
		Args:              common.MinArgs(1),
		ValidArgsFunction: completeImages(g),
		Example: `  podlite image inspect busybox
  podlite image inspect --format '{{.Id}} {{.Config.Cmd}}' busybox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			out := []*storage.ImageInspect{}
			var errs []error
			for _, name := range args {
				data, err := rt.InspectImage(cmd.Context(), name)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				out = append(out, data)
			}
			if err := common.WriteInspect(os.Stdout, format, out); err != nil {
				errs = append(errs, err)
			}
			return common.ReportEach(os.Stderr, errs)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template applied to each image, or json")
	return cmd
}
