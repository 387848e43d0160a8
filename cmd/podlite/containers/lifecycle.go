package containers

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newStartCommand(g *common.Globals) *cobra.Command {
	var attach, interactive, sigProxy bool
	var detachKeys string
	sel := selection{allKeep: func(s define.ContainerStatus) bool {
		return s == define.StatusCreated || s == define.StatusInitialized || s == define.StatusExited
	}}
	cmd := &cobra.Command{
		Use:               "start [options] CONTAINER [CONTAINER...]",
		Short:             "Start one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite start web\n  podlite start -a -i shell\n  podlite start --filter label=tier=web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !attach {
				return forEach(g, sel, args, func(c *libpod.Container) error { return c.Start(context.Background()) })
			}
			if !sigProxy {
				return fmt.Errorf("start --attach --sig-proxy=false: podlite always proxies signals to an attached container: %w", define.ErrNotSupported)
			}
			ctrs, names, err := sel.resolve(g, args)
			if err != nil {
				return err
			}
			if len(ctrs) != 1 {
				// podman's words.
				return fmt.Errorf("you cannot start and attach multiple containers at once: %w", define.ErrInvalidArg)
			}
			if ctrs[0] == nil {
				rt, _ := g.Runtime()
				_, err := rt.LookupContainer(names[0])
				return err
			}
			keys, err := runDetachKeys(cmd, detachKeys, ctrs[0].CanDetach(startStreams(interactive)), interactive)
			if err != nil {
				return err
			}
			return startAttached(context.Background(), g, ctrs[0], startStreams(interactive), keys)
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&attach, "attach", "a", false, "attach to the container's output and wait for it")
	fs.BoolVarP(&interactive, "interactive", "i", false, "attach stdin")
	fs.BoolVar(&sel.all, "all", false, "start every container that is not running")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	sel.addFilter(fs, "f")
	fs.StringVar(&detachKeys, "detach-keys", "ctrl-p,ctrl-q", "key sequence for detaching from start --attach --interactive: ctrl-<letter> or single characters, comma-separated (\"\": none)")
	fs.BoolVar(&sigProxy, "sig-proxy", true, "proxy the signals podlite receives to the container (with --attach)")
	return cmd
}

func newStopCommand(g *common.Globals) *cobra.Command {
	var timeout uint
	sel := selection{allKeep: isRunning}
	cmd := &cobra.Command{
		Use:               "stop [options] CONTAINER [CONTAINER...]",
		Short:             "Stop one or more running containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite stop web\n  podlite stop -t 0 --all\n  podlite stop --cidfile /run/web.cid",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			t := common.TimeFlag(cmd, timeout)
			return forEach(g, sel, args, func(c *libpod.Container) error {
				return ignoreMissing(c.Stop(context.Background(), t), sel.ignore)
			})
		},
	}
	fs := cmd.Flags()
	fs.UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	fs.BoolVarP(&sel.all, "all", "a", false, "stop every running container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	fs.BoolVarP(&sel.ignore, "ignore", "i", false, "ignore containers and --cidfile files that do not exist")
	sel.addFilter(fs, "f")
	sel.addCIDFile(fs)
	return cmd
}

func isRunning(s define.ContainerStatus) bool { return s == define.StatusRunning }

func newRestartCommand(g *common.Globals) *cobra.Command {
	var timeout uint
	var running bool
	sel := selection{}
	cmd := &cobra.Command{
		Use:               "restart [options] CONTAINER [CONTAINER...]",
		Short:             "Restart one or more containers",
		Args:              common.MinArgs(0),
		Example:           "  podlite restart web\n  podlite restart --running",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if running {
				// podman 5: --running restarts every running container.
				if len(args) > 0 || len(sel.cidfiles) > 0 {
					return fmt.Errorf("--running takes no container names: %w", define.ErrInvalidArg)
				}
				sel.all, sel.allKeep = true, isRunning
			}
			t := common.TimeFlag(cmd, timeout)
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Restart(context.Background(), t) })
		},
	}
	fs := cmd.Flags()
	fs.UintVarP(&timeout, "time", "t", 10, "seconds to wait before killing the container")
	fs.BoolVarP(&sel.all, "all", "a", false, "restart every container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	fs.BoolVar(&running, "running", false, "restart every running container")
	sel.addFilter(fs, "f")
	sel.addCIDFile(fs)
	return cmd
}

func newKillCommand(g *common.Globals) *cobra.Command {
	var signal string
	sel := selection{allKeep: func(s define.ContainerStatus) bool { return s == define.StatusRunning || s == define.StatusPaused }}
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
	fs := cmd.Flags()
	fs.StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	fs.BoolVarP(&sel.all, "all", "a", false, "signal every running and paused container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	sel.addCIDFile(fs)
	return cmd
}

func newPauseCommand(g *common.Globals) *cobra.Command {
	sel := selection{allKeep: isRunning}
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
	fs := cmd.Flags()
	fs.BoolVarP(&sel.all, "all", "a", false, "pause every running container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	sel.addFilter(fs, "f")
	sel.addCIDFile(fs)
	return cmd
}

func newUnpauseCommand(g *common.Globals) *cobra.Command {
	sel := selection{allKeep: func(s define.ContainerStatus) bool { return s == define.StatusPaused }}
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
	fs := cmd.Flags()
	fs.BoolVarP(&sel.all, "all", "a", false, "unpause every paused container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	sel.addFilter(fs, "f")
	sel.addCIDFile(fs)
	return cmd
}

func newInitCommand(g *common.Globals) *cobra.Command {
	sel := selection{allKeep: func(s define.ContainerStatus) bool { return s == define.StatusCreated || s == define.StatusExited }}
	cmd := &cobra.Command{
		Use:               "init [options] CONTAINER [CONTAINER...]",
		Short:             "Initialize one or more containers: prepare them to start without starting them",
		Args:              common.MinArgs(0),
		Example:           "  podlite init web\n  podlite init --all",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Init(context.Background()) })
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&sel.all, "all", "a", false, "initialize every container not initialized or running yet")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

func newCleanupCommand(g *common.Globals) *cobra.Command {
	var opts libpod.CleanupOptions
	var exec string
	sel := selection{}
	cmd := &cobra.Command{
		Use:   "cleanup [options] CONTAINER [CONTAINER...]",
		Short: "Release the resources of exited containers",
		Long: `Record the exit of stopped containers and release what they hold (rootfs
mount, network), as every podlite command does when it sees an exit; with
--rm also remove them, with --rmi their images too. Each container's
supervisor runs it when the container exits, applying --rm and the restart
policy.`,
		Args:              common.MinArgs(0),
		Example:           "  podlite container cleanup web\n  podlite container cleanup --rm --all",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if exec != "" {
				return forEach(g, sel, args, func(c *libpod.Container) error { return c.CleanupExec(exec) })
			}
			return forEach(g, sel, args, func(c *libpod.Container) error { return c.Cleanup(cmd.Context(), opts) })
		},
	}
	fs := cmd.Flags()
	fs.BoolVarP(&sel.all, "all", "a", false, "clean up every container")
	fs.BoolVarP(&sel.latest, "latest", "l", false, "act on the latest container")
	fs.BoolVar(&opts.Remove, "rm", false, "remove the containers after cleaning them up")
	fs.BoolVar(&opts.RemoveImage, "rmi", false, "remove the containers and then their images, unless other containers use them")
	fs.StringVar(&exec, "exec", "", "clean up this exec session of the container (a detachable exec -it's; others leave nothing)")
	return cmd
}
