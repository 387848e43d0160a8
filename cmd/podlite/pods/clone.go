package pods

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newCloneCommand(g *common.Globals) *cobra.Command {
	var o libpod.PodCloneOptions
	var labels []string
	var infraCommand string
	cmd := &cobra.Command{
		Use:   "clone [options] POD [NAME]",
		Short: "Create a copy of an existing pod",
		Long: `Create a pod with the configuration of POD and of its infra container
(image or pause process, command, networks, published ports, hosts and DNS
entries, shared namespaces, cgroup parent, exit policy, labels), printing
the new pod's ID. The infra's static IP and MAC address are not copied, nor
are the pod's other containers. The clone is named NAME, --name, or
podman's POD-clone (POD-clone1, ... when taken). --destroy removes POD
(forced) once the clone exists; --start starts the clone. A host port POD
publishes is refused, as for any new container, unless --destroy.`,
		Args:              common.RangeArgs(1, 2),
		ValidArgsFunction: completePods(g),
		Example: `  podlite pod clone app
  podlite pod clone --destroy --start --hostname app2 app app2`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				o.Name = args[1]
			}
			var err error
			if o.Labels, err = common.KeyValues("label", labels); err != nil {
				return err
			}
			o.ShareSet = cmd.Flags().Changed("share")
			o.InfraCommand = strings.Fields(infraCommand)
			o.CreateCommand = os.Args
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			p, err := rt.ClonePod(cmd.Context(), args[0], &o)
			if err != nil {
				if p != nil {
					// podman's words.
					fmt.Fprintf(cmd.OutOrStdout(), "pod %s created but error after creation\n", p.ID())
				}
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), p.ID())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Name, "name", "n", "", "the new pod's name (default: POD-clone)")
	f.BoolVar(&o.Destroy, "destroy", false, "remove the original pod, with its containers, once the clone exists")
	f.BoolVar(&o.Start, "start", false, "start the new pod")
	f.StringVar(&o.Hostname, "hostname", "", "the new pod's hostname (default: the original's)")
	f.StringVar(&o.InfraName, "infra-name", "", "the new infra container's name (default: the original infra's name with -clone, as podman's)")
	f.StringVar(&infraCommand, "infra-command", "", "the command the new infra runs (default: the original's)")
	f.StringVar(&o.InfraConmonPidFile, "infra-conmon-pidfile", "", "write the PID of the new infra container's supervisor to this file")
	f.StringArrayVarP(&labels, "label", "l", nil, "add a label to the new pod (KEY=VALUE)")
	f.StringSliceVar(&o.Share, "share", nil, "namespaces the new pod's containers share (default: the original's)")
	return cmd
}
