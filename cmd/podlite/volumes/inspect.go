package volumes

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newInspectCommand(g *common.Globals) *cobra.Command {
	var all bool
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [options] NAME [NAME...]",
		Short: "Show volumes' details",
		Long: `Print the named volumes as a JSON array, or each through a Go template.
Volumes that exist are printed even when others do not; each missing one is
reported on stderr ("no such volume NAME") and the command exits 125.`,
		Args:              namesOrAll(&all),
		ValidArgsFunction: completeVolumes(g),
		Example: `  podlite volume inspect data
  podlite volume inspect --format '{{.Mountpoint}}' data
  podlite volume inspect --all`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			var vols []*define.Volume
			var errs []error
			if all {
				if vols, err = rt.Volumes(); err != nil {
					return err
				}
			}
			for _, name := range args {
				v, err := rt.Volume(name)
				if errors.Is(err, define.ErrNotFound) {
					err = define.Worded(define.ErrNotFound, "no such volume "+name)
				}
				if err != nil {
					errs = append(errs, err)
					continue
				}
				vols = append(vols, v)
			}
			if err := common.WriteInspect(cmd.OutOrStdout(), format, Reports(vols)); err != nil {
				return err
			}
			// podman's inspect: the first failure is the error, the others
			// are printed before it.
			if len(errs) == 0 {
				return nil
			}
			for _, err := range errs[1:] {
				fmt.Fprintf(cmd.ErrOrStderr(), "error inspecting object: %v\n", err)
			}
			return fmt.Errorf("inspecting object: %w", errs[0])
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "inspect every volume")
	f.StringVarP(&format, "format", "f", "", "Go template applied to each volume, or json")
	return cmd
}
