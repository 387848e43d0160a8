package pods

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newCreateCommand(g *common.Globals) *cobra.Command {
	var o libpod.PodCreateOptions
	var labels []string
	var infraCommand string
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a new empty pod",
		Long: `Create a pod and its infra container, printing the pod's ID. The pod is not
started: its first start (pod start, or run --pod) starts the infra.
--share lists the namespaces its containers join (cgroup, ipc, net, pid,
uts; default ipc,net,uts; +LIST adds to the default; none: no infra unless
--infra is given). -p, --network and --hostname are the pod's, held by the
infra container. With --share-parent (the default) the pod's cgroup,
/podlite/pod-ID, is the parent of its containers' cgroups; sharing the
cgroup namespace needs --share-parent=false.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite pod create --name app -p 8080:80
  podlite pod create --share +pid web
  podlite pod create --infra-image busybox --infra-command 'sleep 1d' app`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if o.Name != "" && o.Name != args[0] {
					return fmt.Errorf("cannot specify the pod name both as an argument and with --name: %w", define.ErrInvalidArg)
				}
				o.Name = args[0]
			}
			var err error
			if o.Labels, err = common.KeyValues("label", labels); err != nil {
				return err
			}
			o.ShareSet = cmd.Flags().Changed("share")
			o.InfraSet = cmd.Flags().Changed("infra")
			o.InfraCommand = strings.Fields(infraCommand)
			o.CreateCommand = os.Args
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			p, err := rt.CreatePod(cmd.Context(), &o)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), p.ID())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Name, "name", "n", "", "the pod's name (random when not given)")
	f.BoolVar(&o.Infra, "infra", true, "create an infra container and share namespaces through it")
	f.StringVar(&o.InfraName, "infra-name", "", "the infra container's name (default: the pod ID's first 12 characters and -infra)")
	f.StringVar(&infraCommand, "infra-command", "", "the command the infra runs in place of the pause process (without --infra-image, its rootfs holds only the pause binary, /podlite-pause)")
	f.StringVar(&o.InfraImage, "infra-image", "", "a local image the infra runs (its entrypoint and command, or --infra-command) in place of the built-in pause process")
	f.BoolVar(&o.ShareParent, "share-parent", true, "make the pod's cgroup the cgroup parent of its containers")
	f.StringSliceVar(&o.Share, "share", nil, "namespaces the pod's containers share: cgroup, ipc, net, pid, uts, none; +LIST adds to the default (ipc,net,uts)")
	f.StringArrayVarP(&o.Publish, "publish", "p", nil, "publish a port of the pod on the host (HOSTPORT:PORT[/PROTO], ...)")
	f.StringVar(&o.Network, "network", "", "the pod's network: bridge (default), a network name, none, host")
	f.StringVar(&o.IP, "ip", "", "the pod's static IPv4 address on its network")
	f.StringVar(&o.MAC, "mac-address", "", "the pod's static MAC address on its network")
	f.StringArrayVar(&o.AddHost, "add-host", nil, "add a line to the /etc/hosts of the pod's containers (HOST:IP)")
	f.StringArrayVar(&o.DNS, "dns", nil, "a DNS server for the pod's containers")
	f.StringArrayVar(&o.DNSSearch, "dns-search", nil, "a DNS search domain for the pod's containers")
	f.StringArrayVar(&o.DNSOpts, "dns-option", nil, "a resolv.conf option for the pod's containers")
	f.StringVar(&o.InfraConmonPidFile, "infra-conmon-pidfile", "", "write the PID of the infra container's supervisor to this file (for systemd units)")
	f.StringVar(&o.Hostname, "hostname", "", "the pod's hostname (default: the pod's name)")
	f.StringArrayVarP(&labels, "label", "l", nil, "set a label on the pod (KEY=VALUE)")
	f.StringVar(&o.PodIDFile, "pod-id-file", "", "write the pod ID to this file")
	f.StringVar(&o.ExitPolicy, "exit-policy", "continue", "what the pod does when its last container exits: continue or stop")
	f.BoolVar(&o.Replace, "replace", false, "remove a pod of the same name first")
	return cmd
}
