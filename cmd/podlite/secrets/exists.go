package secrets

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newExistsCommand(g *common.Globals) *cobra.Command {
	return common.NewExistsCommand(g, "secret", "  podlite secret exists dbpass || podlite secret create dbpass ./dbpass.txt", secretNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.Secrets().Lookup(name)
			return err
		})
}
