package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newPushCommand(g *common.Globals) *cobra.Command {
	var quiet, verify bool
	var auth storage.Auth
	cmd := &cobra.Command{
		Use:   "push [options] IMAGE [DESTINATION]",
		Short: "Push an image to a registry",
		Long: `Push a local image to DESTINATION, by default to the registry its name
names. DESTINATION takes the forms pull accepts.`,
		Args:              common.RangeArgs(1, 2),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite push --tls-verify=false 127.0.0.1:5000/app:1
  podlite push app oci-archive:/tmp/app.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			opts := storage.PushOptions{TLSVerify: tlsVerify(cmd, verify), Quiet: quiet, Progress: progressOutput(quiet), Auth: auth}
			return rt.PushImage(cmd.Context(), args[0], dest, opts)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not show progress")
	cmd.Flags().BoolVar(&verify, "tls-verify", true, "require HTTPS and verify certificates (false also allows plain HTTP)")
	cmd.Flags().StringVar(&auth.File, "authfile", "", "registry credentials file (default $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)")
	cmd.Flags().StringVar(&auth.Creds, "creds", "", "registry credentials USER[:PASSWORD], instead of the auth file")
	return cmd
}
