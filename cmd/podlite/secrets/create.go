package secrets

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/secrets"
)

func newCreateCommand(g *common.Globals) *cobra.Command {
	var opts secrets.CreateOptions
	var labels, driverOpts []string
	var fromEnv bool
	cmd := &cobra.Command{
		Use:   "create [options] NAME FILE|-",
		Short: "Create a secret",
		Long: `Create a secret from a file, from stdin (-), or with --env from the environment
variable FILE names; print its ID. The file driver keeps the data in a 0600
file under the root.`,
		Args:              common.ExactArgs(2),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite secret create dbpass ./dbpass.txt
  printf s3cret | podlite secret create --label app=db dbpass -
  podlite secret create --env dbpass DB_PASSWORD`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(driverOpts) > 0 {
				return fmt.Errorf("--driver-opts: the file driver takes no options: %w", define.ErrNotSupported)
			}
			data, err := secretData(cmd, args[1], fromEnv)
			if err != nil {
				return err
			}
			if opts.Labels, err = common.KeyValues("label", labels); err != nil {
				return err
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			sec, err := rt.Secrets().Create(args[0], data, opts)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), sec.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.Driver, "driver", "d", "file", "secret driver (file)")
	f.StringArrayVar(&driverOpts, "driver-opts", nil, "driver options (the file driver has none)")
	f.BoolVar(&fromEnv, "env", false, "read the secret from the environment variable FILE names")
	f.StringArrayVarP(&labels, "label", "l", nil, "set a label (KEY=VALUE)")
	f.BoolVar(&opts.Replace, "replace", false, "replace a secret of the same name")
	return cmd
}

// secretData reads the secret from src: a file, "-" for stdin, or an
// environment variable's name with --env.
func secretData(cmd *cobra.Command, src string, fromEnv bool) ([]byte, error) {
	if fromEnv {
		v, ok := os.LookupEnv(src)
		if !ok {
			return nil, fmt.Errorf("cannot create store secret data: environment variable %s is not set: %w", src, define.ErrInvalidArg)
		}
		return []byte(v), nil
	}
	if src == "-" {
		b, err := io.ReadAll(io.LimitReader(cmd.InOrStdin(), secrets.MaxSize+1))
		if err != nil {
			return nil, fmt.Errorf("reading the secret from stdin: %w", err)
		}
		return b, nil
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("reading secret file %s: %w", src, define.ErrNotFound)
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, secrets.MaxSize+1))
}
