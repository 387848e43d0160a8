package images

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newPullCommand(g *common.Globals) *cobra.Command {
	var quiet, verify bool
	cmd := &cobra.Command{
		Use:   "pull [options] IMAGE",
		Short: "Pull an image from a registry",
		Long: `Pull an image into local storage. A name without registry is pulled from
docker.io ("busybox" is docker.io/library/busybox:latest). Other sources are
given with a transport: docker://, oci:DIR[:NAME], oci-archive:FILE[:NAME],
docker-archive:FILE[:NAME], dir:DIR. Prints the image ID.`,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite pull busybox
  podlite pull --tls-verify=false 127.0.0.1:5000/app:1
  podlite pull oci-archive:/tmp/app.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			opts := storage.PullOptions{TLSVerify: tlsVerify(cmd, verify), Quiet: quiet, Progress: progressOutput(quiet)}
			img, err := rt.PullImage(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			fmt.Println(img.ID)
			return nil
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not show progress")
	cmd.Flags().BoolVar(&verify, "tls-verify", true, "require HTTPS and verify certificates (false also allows plain HTTP)")
	return cmd
}
