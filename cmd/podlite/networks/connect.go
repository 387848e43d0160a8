package networks

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newConnectCommand(g *common.Globals) *cobra.Command {
	var ip, mac string
	var aliases []string
	cmd := &cobra.Command{
		Use:               "connect [options] NETWORK CONTAINER",
		Short:             "Connect a container to a network",
		Args:              common.ExactArgs(2),
		Example:           "  podlite network connect backend web\n  podlite network connect --ip 10.91.0.20 backend web",
		ValidArgsFunction: completeNetworks(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("ip6") {
				return fmt.Errorf("--ip6: podlite assigns static IPv4 addresses only: %w", define.ErrNotSupported)
			}
			c, err := g.Container(args[1])
			if err != nil {
				return err
			}
			att := define.NetworkAttachment{StaticMAC: mac, Aliases: aliases}
			if ip != "" {
				att.StaticIPs = []string{ip}
			}
			return c.Connect(context.Background(), args[0], att)
		},
	}
	cmd.Flags().StringVar(&ip, "ip", "", "static IPv4 address on the network")
	cmd.Flags().StringVar(&mac, "mac-address", "", "static MAC address on the network")
	cmd.Flags().StringArrayVar(&aliases, "alias", nil, "network alias of the container")
	cmd.Flags().String("ip6", "", "refused: podlite assigns static IPv4 addresses only")
	return cmd
}

func newDisconnectCommand(g *common.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:               "disconnect [options] NETWORK CONTAINER",
		Short:             "Disconnect a container from a network",
		Args:              common.ExactArgs(2),
		Example:           "  podlite network disconnect backend web",
		ValidArgsFunction: completeNetworks(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := g.Container(args[1])
			if err != nil {
				return err
			}
			return c.Disconnect(context.Background(), args[0])
		},
	}
	// podman's --force disconnects a container its network backend cannot
	// reach; podlite's disconnect always completes, so it is always so.
	cmd.Flags().BoolP("force", "f", false, "disconnect whatever the container's state (podlite always does)")
	return cmd
}
