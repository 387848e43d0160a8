package volumes

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newCreateCommand(g *common.Globals) *cobra.Command {
	var labels, opts []string
	var driver string
	var ignore bool
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a named volume",
		Long: `Create a named volume and print its name. Without NAME the volume gets a
random 64-hex-digit name. Names are [a-zA-Z0-9][a-zA-Z0-9_.-]*.
The local driver takes the options uid=N and gid=N (owner of the volume's
directory) and copy / nocopy.`,
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite volume create data
  podlite volume create --label app=web -o uid=1000 web-cache
  podlite volume create --ignore data`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if driver != libpod.VolumeDriver {
				return fmt.Errorf("volume driver %q: only %q is available: %w", driver, libpod.VolumeDriver, define.ErrNotSupported)
			}
			labelMap, err := common.KeyValues("label", labels)
			if err != nil {
				return err
			}
			optMap, err := common.KeyValues("opt", opts)
			if err != nil {
				return err
			}
			var name string
			if len(args) == 1 {
				name = args[0]
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			v, err := rt.CreateVolume(name, labelMap, optMap)
			if ignore && errors.Is(err, define.ErrExists) {
				fmt.Fprintln(cmd.OutOrStdout(), name)
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.Name)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&labels, "label", "l", nil, "set a label KEY=VALUE on the volume (repeatable)")
	f.StringArrayVarP(&opts, "opt", "o", nil, "set a driver option KEY=VALUE (repeatable): uid, gid, copy, nocopy")
	f.StringVarP(&driver, "driver", "d", libpod.VolumeDriver, "volume driver; only local is available")
	f.BoolVar(&ignore, "ignore", false, "do not fail if the named volume exists; print its name")
	return cmd
}
