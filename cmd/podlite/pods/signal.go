package pods

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newRestartCommand(g *common.Globals) *cobra.Command {
	return newPlainVerb(g, plainVerb{
		use: "restart", short: "Restart pods", flag: "restart", example: "  podlite pod restart app\n  podlite pod restart --all",
		long:     "Stop each pod's containers (the infra last) and start them again (the infra first), printing each pod's ID.",
		runTimed: (*libpod.Runtime).RestartPod,
	})
}

func newKillCommand(g *common.Globals) *cobra.Command {
	var sel selection
	var signal string
	cmd := &cobra.Command{
		Use:               "kill [options] POD [POD...]",
		Short:             "Send a signal to the containers of pods",
		Long:              "Send a signal (default KILL) to each running or paused container of each pod, the infra last, printing each pod's ID.",
		Args:              common.MinArgs(0),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod kill app\n  podlite pod kill -s HUP app",
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := libpod.ParseSignal(signal)
			if err != nil {
				return err
			}
			return eachPod(cmd, g, sel, args, func(rt *libpod.Runtime, name string) (*libpod.Pod, error) {
				return rt.KillPod(cmd.Context(), name, sig)
			})
		},
	}
	sel.addFlags(cmd.Flags(), "signal")
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send")
	return cmd
}

func newPauseCommand(g *common.Globals) *cobra.Command {
	return newPlainVerb(g, plainVerb{
		use: "pause", short: "Pause pods", flag: "pause", example: "  podlite pod pause app",
		long: "Freeze every running container of each pod (their cgroup freezers), printing each pod's ID.",
		run:  (*libpod.Runtime).PausePod,
	})
}

func newUnpauseCommand(g *common.Globals) *cobra.Command {
	return newPlainVerb(g, plainVerb{
		use: "unpause", short: "Unpause pods", flag: "unpause", example: "  podlite pod unpause app",
		long: "Thaw every paused container of each pod, printing each pod's ID.",
		run:  (*libpod.Runtime).UnpausePod,
	})
}

// plainVerb is a pod verb with no flags but the selection's and, for
// runTimed in place of run, --time.
type plainVerb struct {
	use, short, long, example, flag string
	// idFile adds --pod-id-file, and ignore --ignore with it.
	idFile, ignore bool
	run            func(*libpod.Runtime, context.Context, string) (*libpod.Pod, error)
	runTimed       func(*libpod.Runtime, context.Context, string, *uint) (*libpod.Pod, error)
}

func newPlainVerb(g *common.Globals, v plainVerb) *cobra.Command {
	var sel selection
	var timeout uint
	cmd := &cobra.Command{
		Use:               v.use + " [options] POD [POD...]",
		Short:             v.short,
		Long:              v.long,
		Args:              common.MinArgs(0),
		ValidArgsFunction: completePods(g),
		Example:           v.example,
		RunE: func(cmd *cobra.Command, args []string) error {
			t := common.TimeFlag(cmd, timeout)
			return eachPod(cmd, g, sel, args, func(rt *libpod.Runtime, name string) (*libpod.Pod, error) {
				if v.runTimed != nil {
					return v.runTimed(rt, cmd.Context(), name, t)
				}
				return v.run(rt, cmd.Context(), name)
			})
		},
	}
	sel.addFlags(cmd.Flags(), v.flag)
	if v.idFile {
		sel.addIDFile(cmd.Flags(), v.ignore)
	}
	if v.runTimed != nil {
		cmd.Flags().UintVarP(&timeout, "time", "t", 10, "seconds to wait for each container's stop signal before killing it")
	}
	return cmd
}

func newPruneCommand(g *common.Globals) *cobra.Command {
	// podman's warning; podman's pod prune has no --filter.
	cmd := common.NewPruneCommandWarning(g, "pods", "every pod whose containers have all exited, with its containers,",
		"WARNING! This will remove all stopped/exited pods..", "  podlite pod prune -f",
		func(rt *libpod.Runtime, filters []string) ([]string, error) {
			if len(filters) > 0 {
				return nil, fmt.Errorf("pod prune takes no --filter: %w", define.ErrInvalidArg)
			}
			return rt.PrunePods(context.Background())
		})
	cmd.Short = "Remove all stopped pods and their containers"
	cmd.Long = `Remove every pod whose containers have all exited, with its containers, and
print the pods' IDs. Asks for confirmation on a terminal unless --force;
without a terminal --force is required.`
	if err := cmd.Flags().MarkHidden("filter"); err != nil {
		panic(err) // the flag is the helper's own
	}
	return cmd
}
