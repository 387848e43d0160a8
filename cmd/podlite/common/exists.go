package common

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// NewExistsCommand builds `NOUN exists NAME`, as podman's: exit 0 when
// lookup finds the object, 1 (silently) when it is not found, 125 on any
// other error.
func NewExistsCommand(g *Globals, noun, example string, names Completer, lookup func(rt *libpod.Runtime, name string) error) *cobra.Command {
	upper := map[string]string{"container": "CONTAINER", "image": "IMAGE", "volume": "NAME", "network": "NAME", "secret": "NAME", "pod": "POD"}[noun]
	return &cobra.Command{
		Use:               "exists " + upper,
		Short:             fmt.Sprintf("Check whether a %s exists", noun),
		Long:              fmt.Sprintf("Exit with 0 when the %s exists, 1 when it does not, 125 on other errors.", noun),
		Args:              ExactArgs(1),
		ValidArgsFunction: CompleteFirst(g, names),
		Example:           example,
		RunE: func(_ *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if err := lookup(rt, args[0]); errors.Is(err, define.ErrNotFound) {
				return ExitStatus(1)
			} else if err != nil {
				return err
			}
			return nil
		},
	}
}
