package images

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

func newSaveCommand(g *common.Globals) *cobra.Command {
	var output, format string
	cmd := &cobra.Command{
		Use:   "save [options] IMAGE [IMAGE...]",
		Short: "Save images to an archive",
		Long: `Save one or more images into one archive, to -o or else to stdout. An image
given by name is saved under that name.`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completeImages(g),
		Example: `  podlite save -o busybox.tar busybox
  podlite save --format oci-archive -o all.tar app:1 app:2`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				if term.IsTerminal(int(os.Stdout.Fd())) {
					return fmt.Errorf("refusing to write an archive to a terminal: use -o FILE: %w", define.ErrInvalidArg)
				}
				output = "-"
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.SaveImages(cmd.Context(), args, format, output)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the archive to this file")
	cmd.Flags().StringVar(&format, "format", storage.FormatDockerArchive, "archive format: docker-archive or oci-archive")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{storage.FormatDockerArchive, storage.FormatOCIArchive}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
