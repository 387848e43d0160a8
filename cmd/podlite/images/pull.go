package images

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newPullCommand(g *common.Globals) *cobra.Command {
	var quiet, verify, allTags bool
	var pf common.PullFlags
	var rf common.RegistryFlags
	var creds string
	cmd := &cobra.Command{
		Use:   "pull [options] IMAGE",
		Short: "Pull an image from a registry",
		Long: `Pull an image into local storage. A name without registry is pulled from
docker.io ("busybox" is docker.io/library/busybox:latest). Other sources are
given with a transport: docker://, oci:DIR[:NAME], oci-archive:FILE[:NAME],
docker-archive:FILE[:NAME], dir:DIR. Prints the image ID (one per tag with
--all-tags).`,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite pull busybox
  podlite pull --tls-verify=false 127.0.0.1:5000/app:1
  podlite pull --all-tags --authfile auth.json 127.0.0.1:5000/app
  podlite pull oci-archive:/tmp/app.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := storage.PullOptions{TLSVerify: tlsVerify(cmd, verify), Quiet: quiet, Progress: progressOutput(quiet)}
			err := pf.Apply(&opts)
			if err != nil {
				return err
			}
			if err := rf.Check(cmd.Flags()); err != nil {
				return err
			}
			opts.Auth.Creds, opts.Auth.CertDir = creds, rf.CertDir
			if opts.Retry, err = rf.Retry.Retry(cmd.Flags()); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if allTags {
				imgs, err := rt.PullAllTags(cmd.Context(), args[0], opts)
				for _, img := range imgs {
					fmt.Println(img.ID)
				}
				return err
			}
			img, err := rt.PullImage(cmd.Context(), args[0], opts)
			if err != nil {
				return err
			}
			fmt.Println(img.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&quiet, "quiet", "q", false, "do not show progress")
	f.BoolVar(&verify, "tls-verify", true, "require HTTPS and verify certificates (false also allows plain HTTP)")
	f.BoolVarP(&allTags, "all-tags", "a", false, "pull every tag of the repository")
	f.StringVar(&creds, "creds", "", "registry credentials USER[:PASSWORD], instead of the auth file")
	pf.Register(f)
	rf.Register(f, "pull")
	return cmd
}
