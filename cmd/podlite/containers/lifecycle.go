package containers

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newStartCommand(g *common.Globals) *cobra.Command {
	var attach, interactive bool
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "start [options] CONTAINER [CONTAINER...]",
		Short:             "Start one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite start web\n  podlite start -a -i shell",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if attach {
				ctrs, _, err := sel.resolve(g, args)
				if err != nil {
					return err
				}
				if len(ctrs) != 1 || ctrs[0] == nil {
					rt, _ := g.Runtime()
					if len(args) == 1 {
						_, err := rt.LookupContainer(args[0])
						return err
					}
					return fmt.Errorf("start --attach takes exactly one container")
				}
				return runAttached(context.Background(), g, ctrs[0], interactive, ctrs[0].Config().AutoRemove)
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Start(context.Background()) })
		},
	}
	cmd.Flags().BoolVarP(&attach, "attach", "a", false, "attach to the container's output and wait for it")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "attach stdin")
	cmd.Flags().BoolVar(&sel.all, "all", false, "start every container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newStopCommand(g *common.Globals) *cobra.Command {
	var timeout uint
	var ignore bool
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "stop [options] CONTAINER [CONTAINER...]",
		Short:             "Stop one or more running containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite stop web\n  podlite stop -t 0 --all",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEach(g, sel, args, func(c *libpod.Container) error {
				return ignoreMissing(c.Stop(context.Background(), t), ignore)
			})
		},
	}
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "stop every running container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "ignore containers that do not exist")
	return cmd
}

func newRestartCommand(g *common.Globals) *cobra.Command {
	var timeout uint
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "restart [options] CONTAINER [CONTAINER...]",
		Short:             "Restart one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite restart web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t *uint
			if cmd.Flags().Changed("time") {
				t = &timeout
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Restart(context.Background(), t) })
		},
	}
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "restart every container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newKillCommand(g *common.Globals) *cobra.Command {
	var signal string
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "kill [options] CONTAINER [CONTAINER...]",
		Short:             "Send a signal to one or more running containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite kill web\n  podlite kill -s HUP web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := libpod.ParseSignal(signal)
			if err != nil {
				return err
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Kill(context.Background(), sig) })
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "signal every running container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newPauseCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "pause [options] CONTAINER [CONTAINER...]",
		Short:             "Pause all the processes in one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite pause web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Pause(context.Background()) })
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "pause every running container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newUnpauseCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "unpause [options] CONTAINER [CONTAINER...]",
		Short:             "Unpause the processes in one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite unpause web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Unpause(context.Background()) })
		},
	}
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "unpause every paused container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newRmCommand(g *common.Globals) *cobra.Command {
	var force, volumes, ignore bool
	var cidfiles []string
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "rm [options] CONTAINER [CONTAINER...]",
		Short:             "Remove one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite rm web\n  podlite rm -f --all",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ids, err := libpod.ReadCIDFiles(cidfiles, ignore)
			if err != nil {
				return err
			}
			args = append(args, ids...)
			// As podman's: --force also ignores missing containers.
			if ignore || force {
				args = existing(rt, args)
				if len(args) == 0 && !sel.all && !sel.latest {
					return nil
				}
			}
			err = forEach(g, sel, args, func(c *libpod.Container) error {
				return ignoreMissing(rt.RemoveContainer(context.Background(), c.ID(), force, volumes), ignore || force)
			})
			if !sel.all {
				return err
			}
			// --all also removes what killed creates and removals left
			// without a record.
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
	cmd.Flags().BoolVarP(&force, "force", "f", false, "kill and remove running containers; ignore missing ones")
	cmd.Flags().BoolVarP(&volumes, "volumes", "v", false, "remove the container's anonymous volumes")
	cmd.Flags().BoolVarP(&ignore, "ignore", "i", false, "ignore containers that do not exist")
	cmd.Flags().BoolVarP(&sel.all, "all", "a", false, "remove every container")
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	cmd.Flags().StringArrayVar(&cidfiles, "cidfile", nil, "remove the container whose ID is in this file (from create --cidfile)")
	return cmd
}

// existing keeps the names that resolve to a container.
func existing(rt *libpod.Runtime, names []string) []string {
	var out []string
	for _, n := range names {
		if _, err := rt.LookupContainer(n); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func newWaitCommand(g *common.Globals) *cobra.Command {
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "wait [options] CONTAINER [CONTAINER...]",
		Short:             "Wait for one or more containers to stop and print their exit codes",
		Args:              common.MinArgs(0),
		Example:           "  podlite wait web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctrs, names, err := sel.resolve(g, args)
			if err != nil {
				return err
			}
			rt, _ := g.Runtime()
			for i, c := range ctrs {
				if c == nil {
					_, err := rt.LookupContainer(names[i])
					return err
				}
				code, err := c.Wait(context.Background())
				if err != nil {
					return err
				}
				fmt.Println(code)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newCleanupCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "cleanup CONTAINER",
		Short:             "Release the resources of an exited container (run by its supervisor)",
		Args:              common.ExactArgs(1),
		Example:           "  podlite container cleanup web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Container(args[0])
			if err != nil {
				return err
			}
			return c.Cleanup(context.Background())
		},
	}
}
