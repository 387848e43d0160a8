package containers

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newRmCommand(g *common.Globals) *cobra.Command {
	var opts libpod.RemoveOptions
	var timeout uint
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "rm [options] CONTAINER [CONTAINER...]",
		Short:             "Remove one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite rm web\n  podlite rm -f --all\n  podlite rm --depend web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Timeout, err = common.ForceTime(cmd, timeout, opts.Force); err != nil {
				return err
			}
			err = removeSelected(g, sel, args, opts)
			if !sel.all {
				return err
			}
			// --all also removes what killed creates and removals left
			// without a record.
			rt, _ := g.Runtime()
			orphanErr := rt.RemoveOrphans()
			if err == nil {
				return orphanErr
			}
			if orphanErr != nil {
				fmt.Fprintf(os.Stderr, "Error: %v\n", orphanErr)
			}
			return err
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&opts.Force, "force", "f", false, "kill and remove running containers; ignore missing ones")
	fs.BoolVarP(&opts.Volumes, "volumes", "v", false, "remove the container's anonymous volumes")
	fs.BoolVar(&opts.Depend, "depend", false, "remove the containers that depend on it (--network container:NAME) first")
	fs.UintVarP(&timeout, "time", "t", 10, "with --force: seconds to wait for the stop signal before killing a running container")
	fs.BoolVarP(&sel.ignore, "ignore", "i", false, "ignore containers and --cidfile files that do not exist")
	fs.BoolVarP(&sel.all, "all", "a", false, "remove every container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	sel.addFilter(fs, "")
	sel.addCIDFile(fs)
	return cmd
}

// removeSelected removes each selected container and prints it: the name
// as given, or the full ID (--all, --filter, --latest, and every container
// --depend removes, as podman). --force, like --ignore, skips missing
// containers; --all removes dependents first.
func removeSelected(g *common.Globals, sel selection, args []string, opts libpod.RemoveOptions) error {
	skipMissing := sel.ignore || opts.Force
	sel.ignore = skipMissing
	ctrs, names, err := sel.resolve(g, args)
	if err != nil {
		return err
	}
	rt, _ := g.Runtime()
	if sel.all {
		opts.Depend = true // all go: each after those that depend on it
	}
	printIDs := opts.Depend
	var errs []error
	done := map[string]bool{}
	for i, c := range ctrs {
		if c == nil {
			if _, err := rt.LookupContainer(names[i]); err != nil && !(skipMissing && errors.Is(err, define.ErrNotFound)) {
				errs = append(errs, err)
			}
			continue
		}
		if done[c.ID()] {
			continue
		}
		removed, err := rt.Remove(context.Background(), c.ID(), opts)
		for _, id := range removed {
			done[id] = true
			if id == c.ID() && !printIDs {
				id = names[i]
			}
			fmt.Println(id)
		}
		if err = ignoreMissing(err, skipMissing); err != nil {
			errs = append(errs, err)
		}
	}
	return common.ReportEach(os.Stderr, errs)
}
