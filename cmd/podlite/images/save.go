package images

import (
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

func newSaveCommand(g *common.Globals) *cobra.Command {
	var output string
	var quiet bool
	var opts storage.SaveOptions
	cmd := &cobra.Command{
		Use:   "save [options] IMAGE [IMAGE...]",
		Short: "Save images to an archive or directory",
		Long: `Save an image into an archive (docker-archive, oci-archive) or a directory
(oci-dir, docker-dir), to -o or else to stdout. An image given by name is
saved under that name. Further names are more names (tags) of the first
image, or, with --multi-image-archive, more images (docker-archive only).`,
		Args:              common.MinArgs(1),
		ValidArgsFunction: completeImages(g),
		Example: `  podlite save -o busybox.tar busybox
  podlite save -m -o all.tar app:1 app:2
  podlite save --format oci-dir -o app.d app:1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" {
				if term.IsTerminal(int(os.Stdout.Fd())) {
					return define.Worded(define.ErrInvalidArg, "refusing to save to terminal. Use -o flag or redirect")
				}
				output = "-"
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.SaveImages(cmd.Context(), args, output, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&output, "output", "o", "", "write to this file (a directory for oci-dir and docker-dir) instead of stdout")
	f.StringVar(&opts.Format, "format", storage.FormatDockerArchive, "format: "+strings.Join(storage.SaveFormats, ", "))
	f.BoolVarP(&opts.MultiImage, "multi-image-archive", "m", false, "save every name as an image, not as a tag of the first (docker-archive)")
	f.BoolVar(&opts.Compress, "compress", false, "compress the layers (docker-dir)")
	f.BoolVar(&opts.Uncompressed, "uncompressed", false, "keep the layers uncompressed (oci-archive, oci-dir)")
	f.BoolVarP(&quiet, "quiet", "q", false, "do not show progress (podlite save never does)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(storage.SaveFormats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
