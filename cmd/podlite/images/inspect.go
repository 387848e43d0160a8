package images

import (
	"encoding/json"
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
			if format == "" || common.IsJSON(format) {
				err = common.WriteJSON(os.Stdout, out)
			} else {
				err = writeTemplate(format, out)
			}
			if err != nil {
				errs = append(errs, err)
			}
			return common.ReportEach(os.Stderr, errs)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template applied to each image, or json")
	return cmd
}

// writeTemplate applies format to each item's JSON form, so that templates
// use the names the JSON output shows ({{.Id}}, {{.Config.Cmd}}), as in
// podman and docker.
func writeTemplate(format string, items any) error {
	b, err := json.Marshal(items)
	if err != nil {
		return err
	}
	var generic []map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		return err
	}
	return common.Write(os.Stdout, format, "", generic, nil)
}
