package images

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newLoadCommand(g *common.Globals) *cobra.Command {
	var input string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "load [options]",
		Short: "Load images from a docker-archive or oci-archive",
		Long: `Load every image of a docker-archive or oci-archive file (detected, possibly
compressed), from -i or else from stdin. Prints the loaded names.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite load -i images.tar
  podlite load < images.tar
  podlite load -i http://127.0.0.1:8000/images.tar`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if input == "" {
				if term.IsTerminal(int(os.Stdin.Fd())) {
					return define.Worded(define.ErrInvalidArg, "cannot read from terminal, use command-line redirection or the --input flag")
				}
				input = "-"
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			names, err := rt.LoadImages(cmd.Context(), input)
			if err != nil {
				return err
			}
			for _, n := range names {
				fmt.Println("Loaded image:", n)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "read this file, directory or http(s) URL instead of stdin")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not show progress (podlite load never does)")
	return cmd
}
