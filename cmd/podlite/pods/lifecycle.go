package pods

import (
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newStartCommand(g *common.Globals) *cobra.Command {
	return newPlainVerb(g, plainVerb{
		use: "start", short: "Start pods", flag: "start", example: "  podlite pod start app\n  podlite pod start --all",
		long:   "Start each pod's containers, the infra first, printing each pod's ID.",
		idFile: true, run: (*libpod.Runtime).StartPod,
	})
}

func newStopCommand(g *common.Globals) *cobra.Command {
	return newPlainVerb(g, plainVerb{
		use: "stop", short: "Stop pods", flag: "stop", example: "  podlite pod stop -t 2 app\n  podlite pod stop --latest",
		long:   "Stop each pod's containers, the infra last, printing each pod's ID.",
		idFile: true, ignore: true, runTimed: (*libpod.Runtime).StopPod,
	})
}

func newRmCommand(g *common.Globals) *cobra.Command {
	var sel selection
	var force bool
	var timeout uint
	cmd := &cobra.Command{
		Use:     "rm [options] POD [POD...]",
		Aliases: []string{"remove"},
		Short:   "Remove pods",
		Long: `Remove each pod with its containers, printing its ID. A pod with running
containers is refused unless --force, which kills them (or stops them with
--time).`,
		Args:              common.MinArgs(0),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod rm -f app",
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := common.ForceTime(cmd, timeout, force)
			if err != nil {
				return err
			}
			return eachPod(cmd, g, sel, args, func(rt *libpod.Runtime, name string) (*libpod.Pod, error) {
				p, err := rt.LookupPod(name)
				if err != nil {
					return nil, err
				}
				return p, rt.RemovePod(cmd.Context(), p.ID(), force, t)
			})
		},
	}
	sel.addFlags(cmd.Flags(), "remove")
	sel.addIDFile(cmd.Flags(), true)
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove running pods, killing their containers")
	cmd.Flags().UintVarP(&timeout, "time", "t", 10, "with --force: seconds to wait for each container's stop signal before killing it")
	return cmd
}

func newExistsCommand(g *common.Globals) *cobra.Command {
	return common.NewExistsCommand(g, "pod", "  podlite pod exists app || podlite pod create --name app", common.PodNames,
		func(rt *libpod.Runtime, name string) error {
			_, err := rt.LookupPod(name)
			return err
		})
}
