package system

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

func newResetCommand(g *common.Globals) *cobra.Command {
	var force, includePinned bool
	cmd := &cobra.Command{
		Use:   "reset [options]",
		Short: "Reset podlite storage back to its initial state",
		Long: `Remove every container, image, volume and network (those no other podlite root uses) and
podlite's files under the root and runroot directories. podlite has no pinned volumes:
--include-pinned is accepted, every volume goes either way.`,
		Args:              common.NoArgs,
		Example:           "  podlite system reset\n  podlite system reset -f",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				cfg, err := g.Config()
				if err != nil {
					return err
				}
				ok, err := common.Confirm(os.Stdin, os.Stdout, fmt.Sprintf(`WARNING! This will remove:
        - all containers
        - all images
        - all networks no other podlite root uses
        - all volumes
        - the graphRoot directory: %q
        - the runRoot directory: %q`, cfg.Root, cfg.RunRoot))
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			return rt.Reset()
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	cmd.Flags().BoolVar(&includePinned, "include-pinned", false, "include pinned volumes (podlite pins none: every volume is removed anyway)")
	return cmd
}
