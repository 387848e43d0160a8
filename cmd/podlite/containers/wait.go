package containers

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newWaitCommand(g *common.Globals) *cobra.Command {
	var opts libpod.WaitOptions
	var interval string
	var firstMatch bool
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "wait [options] CONTAINER [CONTAINER...]",
		Short:             "Wait for one or more containers to stop and print their exit codes",
		Args:              common.MinArgs(0),
		Example:           "  podlite wait web\n  podlite wait --condition running --interval 100ms web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Interval, err = libpod.ParseWaitInterval(interval); err != nil {
				return err
			}
			ctrs, names, err := sel.resolve(g, args)
			if err != nil {
				return err
			}
			rt, _ := g.Runtime()
			for i, c := range ctrs {
				if c != nil {
					continue
				}
				if _, err := rt.LookupContainer(names[i]); !sel.ignore || !errors.Is(err, define.ErrNotFound) {
					return err
				}
			}
			if firstMatch {
				found := slices.DeleteFunc(slices.Clone(ctrs), func(c *libpod.Container) bool { return c == nil })
				if len(found) == 0 {
					return nil
				}
				_, code, err := libpod.WaitFirst(context.Background(), found, opts)
				if err == nil {
					fmt.Println(code)
				}
				return err
			}
			for _, c := range ctrs {
				code := -1 // podman's code of a missing container with --ignore
				if c != nil {
					if code, err = c.Wait(context.Background(), opts); err != nil {
						return err
					}
				}
				fmt.Println(code)
			}
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringSliceVar(&opts.Conditions, "condition", nil, "condition to wait for: configured, created, exited, healthy, initialized, paused, removing, running, stopped (the default), stopping, unhealthy")
	fs.StringVarP(&interval, "interval", "i", "250ms", "time between two looks at the container (a duration; a bare number is milliseconds)")
	fs.BoolVar(&sel.ignore, "ignore", false, "print -1 for a missing container instead of failing")
	fs.BoolVar(&firstMatch, "exit-first-match", false, "return when the first container meets the condition")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}
