package containers

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newUnmountCommand(g *common.Globals) *cobra.Command {
	var sel selection
	var force bool
	cmd := &cobra.Command{
		Use:               "unmount [options] CONTAINER [CONTAINER...]",
		Aliases:           []string{"umount"},
		Short:             "Unmount a container's root filesystem",
		Args:              common.MinArgs(0),
		Example:           "  podlite unmount web\n  podlite umount -a -f",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sel.all {
				// Only the containers that are mounted and not running, as podman.
				return unmountAll(g, force)
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Unmount(force) })
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "unmount every mounted container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.BoolVarP(&force, "force", "f", false, "unmount even if other processes mounted the rootfs too")
	return cmd
}

func unmountAll(g *common.Globals, force bool) error {
	ctrs, err := allContainers(g)
	if err != nil {
		return err
	}
	var args []string
	for _, c := range ctrs {
		if c.IsRunning() {
			continue
		}
		if mnt, err := c.Mountpoint(); err == nil && mnt != "" {
			args = append(args, c.ID())
		}
	}
	if len(args) == 0 {
		return nil
	}
	return forEach(g, selection{}, args, func(c *libpod.Container) error { return c.Unmount(force) })
}
