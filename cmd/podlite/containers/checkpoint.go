package containers

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newCheckpointCommand(g *common.Globals) *cobra.Command {
	var o libpod.CheckpointOptions
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "checkpoint [options] CONTAINER [CONTAINER...]",
		Short:             "Checkpoint one or more running containers with CRIU",
		Args:              common.MinArgs(0),
		Example:           "  podlite container checkpoint web\n  podlite container checkpoint --leave-running --tcp-established web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Checkpoint(context.Background(), o) })
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "checkpoint every running container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep CRIU's logs and statistics")
	f.BoolVarP(&o.LeaveRunning, "leave-running", "R", false, "leave the container running after the checkpoint")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "checkpoint established TCP connections")
	f.BoolVar(&o.FileLocks, "file-locks", false, "checkpoint file locks")
	f.BoolVarP(&o.PreCheckpoint, "pre-checkpoint", "P", false, "dump memory only, as a base for a later checkpoint")
	f.BoolVar(&o.WithPrevious, "with-previous", false, "checkpoint on top of a pre-checkpoint")
	return cmd
}

func newRestoreCommand(g *common.Globals) *cobra.Command {
	var o libpod.RestoreOptions
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "restore [options] CONTAINER [CONTAINER...]",
		Short:             "Restore one or more checkpointed containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite container restore web\n  podlite container restore --keep --tcp-established web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if sel.all {
				return restoreAll(g, o)
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Restore(context.Background(), o) })
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&sel.all, "all", "a", false, "restore every checkpointed container")
	f.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	f.BoolVarP(&o.Keep, "keep", "k", false, "keep the checkpoint, so the container can be restored again")
	f.BoolVar(&o.TCPEstablished, "tcp-established", false, "restore established TCP connections")
	f.BoolVar(&o.FileLocks, "file-locks", false, "restore file locks")
	f.BoolVar(&o.IgnoreStaticIP, "ignore-static-ip", false, "let the network choose new addresses")
	f.BoolVar(&o.IgnoreStaticMAC, "ignore-static-mac", false, "let the network choose new MAC addresses")
	return cmd
}

// restoreAll restores every checkpointed container, as podman's --all.
func restoreAll(g *common.Globals, o libpod.RestoreOptions) error {
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	ctrs, err := rt.Containers()
	if err != nil {
		return err
	}
	var names []string
	for _, c := range ctrs {
		if c.State().Checkpointed {
			names = append(names, c.ID())
		}
	}
	if len(names) == 0 {
		return nil
	}
	return forEach(g, selection{}, names, func(c *libpod.Container) error { return c.Restore(context.Background(), o) })
}
