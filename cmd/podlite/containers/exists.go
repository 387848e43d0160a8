package containers

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	var external bool
	cmd := common.NewExistsCommand(g, "container", "  podlite container exists web\n  podlite container exists --external leftover", common.ContainerNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.LookupContainer(name)
			if external && errors.Is(err, define.ErrNotFound) {
				return rt.LookupExternalContainer(name)
			}
			return err
		})
	cmd.Flags().BoolVar(&external, "external", false, "also count a rootfs in storage without a podlite record (ps --external lists them)")
	return cmd
}
