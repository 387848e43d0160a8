package pods

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/containers"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newTopCommand(g *common.Globals) *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:   "top [options] POD [FORMAT-DESCRIPTORS...]",
		Short: "Display the running processes of the containers of a pod",
		Long: `Display the processes of every running container of a pod (the infra
first) in one table, with podman's format descriptors as top has them.`,
		Args:              common.MinArgs(0),
		ValidArgsFunction: completePods(g),
		Example:           "  podlite pod top app\n  podlite pod top app pid,user,args",
		RunE: func(cmd *cobra.Command, args []string) error {
			var name string
			if !latest {
				if len(args) == 0 {
					return errors.New("you must provide the name or id of a running pod")
				}
				name, args = args[0], args[1:]
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			p, err := onePod(rt, name, latest)
			if err != nil {
				return err
			}
			rows, err := p.Top(args)
			if err != nil {
				return err
			}
			return containers.PrintTop(os.Stdout, rows)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest pod")
	return cmd
}

func newLogsCommand(g *common.Globals) *cobra.Command {
	var container string
	return containers.NewLogsCommand(g, containers.LogsCommand{
		Use:   "logs [options] POD",
		Short: "Show the output of the containers of a pod",
		Long: `Show the logs of the pod's containers (the infra has none), each line
prefixed with its container's short ID (its name with --names), or only
those of one container with --container.`,
		Example:    "  podlite pod logs app\n  podlite pod logs -c web --tail 5 app",
		Complete:   completePods(g),
		LatestHelp: "act on the latest pod",
		Flags: func(fs *pflag.FlagSet) {
			fs.StringVarP(&container, "container", "c", "", "show only this container's logs")
		},
		Resolve: func(rt *libpod.Runtime, args []string, latest bool) ([]*libpod.Container, bool, error) {
			if len(args) > 1 || !latest && len(args) == 0 {
				return nil, false, fmt.Errorf("pod logs takes one pod (or --latest): %w", define.ErrInvalidArg)
			}
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			p, err := onePod(rt, name, latest)
			if err != nil {
				return nil, false, err
			}
			ctrs, err := p.LogContainers(container)
			return ctrs, container == "", err
		},
	})
}
