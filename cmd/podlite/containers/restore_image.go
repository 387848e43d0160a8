package containers

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// checkpointImageArgs returns the restore arguments to read as checkpoint
// images (checkpoint --create-image): all of them when none names a
// container, as in podman, where a container of that name always wins;
// nil when restore acts on containers.
func checkpointImageArgs(g *common.Globals, sel selection, imp importFlags, args []string) ([]string, error) {
	if imp.path != "" || sel.all || sel.latest || len(args) == 0 {
		return nil, nil
	}
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	for _, a := range args {
		if _, err := rt.LookupContainer(a); err == nil {
			return nil, nil
		}
	}
	return args, nil
}

// restoreImages restores a new container from each checkpoint image, as
// restore --import does from an archive; it goes on after a failure and
// reports each.
func restoreImages(g *common.Globals, images []string, imp importFlags, o libpod.RestoreOptions, printStats, check bool) error {
	if imp.opts.Name != "" && len(images) > 1 {
		return fmt.Errorf("--name names one container: give one checkpoint image: %w", define.ErrInvalidArg)
	}
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	var errs []error
	for _, img := range images {
		path, err := rt.CheckpointImageArchive(context.Background(), img)
		if errors.Is(err, define.ErrNotFound) {
			err = fmt.Errorf("no container or checkpoint image named %s: %w", img, define.ErrNotFound)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		from := imp
		from.path = path
		err = importAndRestore(g, from, o, printStats, check)
		if rerr := os.Remove(path); rerr != nil && err == nil {
			err = rerr
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("restoring from checkpoint image %s: %w", img, err))
		}
	}
	return common.ReportEach(os.Stderr, errs)
}
