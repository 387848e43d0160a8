package images

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

func newPushCommand(g *common.Globals) *cobra.Command {
	var verify bool
	var level int
	var o storage.PushOptions
	var rf common.RegistryFlags
	cmd := &cobra.Command{
		Use:   "push [options] IMAGE [DESTINATION]",
		Short: "Push an image to a registry",
		Long: `Push a local image to DESTINATION, by default to the registry its name
names. DESTINATION takes the forms pull accepts.`,
		Args:              common.RangeArgs(1, 2),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite push --tls-verify=false 127.0.0.1:5000/app:1
  podlite push --format oci --compression-format zstd --digestfile d app 127.0.0.1:5000/app:1
  podlite push app oci-archive:/tmp/app.tar`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			if err := rf.Check(f); err != nil {
				return err
			}
			var err error
			if o.Retry, err = rf.Retry.Retry(f); err != nil {
				return err
			}
			o.TLSVerify, o.Progress, o.Auth.CertDir = tlsVerify(cmd, verify), progressOutput(o.Quiet), rf.CertDir
			if f.Changed("compression-level") {
				o.CompressionLevel = &level
			}
			// podman: an explicit --compression-format forces it unless
			// --force-compression says otherwise.
			if f.Changed("compression-format") && !f.Changed("force-compression") {
				o.ForceCompression = true
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			dest := ""
			if len(args) == 2 {
				dest = args[1]
			}
			return rt.PushImage(cmd.Context(), args[0], dest, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "do not show progress")
	f.BoolVar(&verify, "tls-verify", true, "require HTTPS and verify certificates (false also allows plain HTTP)")
	f.StringVar(&o.Auth.File, "authfile", "", "registry credentials file (default $REGISTRY_AUTH_FILE or $XDG_RUNTIME_DIR/containers/auth.json)")
	f.StringVar(&o.Auth.Creds, "creds", "", "registry credentials USER[:PASSWORD], instead of the auth file")
	f.StringVar(&o.DigestFile, "digestfile", "", "write the digest of the pushed manifest to this file")
	f.StringVarP(&o.Format, "format", "f", "", "manifest type to write: oci, v2s2 or v2s1 (default: the image's)")
	f.StringVar(&o.Compression, "compression-format", "", "compression of the pushed layers: gzip, zstd or zstd:chunked (default gzip)")
	f.IntVar(&level, "compression-level", 0, "compression level of --compression-format (default: the format's)")
	f.BoolVar(&o.ForceCompression, "force-compression", false, "recompress layers compressed in another format (default true with --compression-format)")
	f.BoolVar(&o.RemoveSignatures, "remove-signatures", false, "drop the image's signatures")
	f.BoolVar(&o.DirCompress, "compress", false, "compress the layers when pushing to a dir: destination (default: as stored)")
	rf.Register(f, "push")
	return cmd
}
