package networks

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/pkg/network"
)

// Register adds `podlite network` and its verbs to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:   "network",
		Short: "Manage CNI networks",
		Long: `Create, list, inspect and remove the CNI networks containers join with
--network NAME. Each network is a conflist in the network configuration
directory (network_config_dir); address leases are in the network state
directory (network_state_dir). Every podlite root configured with both
shares the networks: a network another root's containers use is not
removed. The default network, ` + network.DefaultName + `, is what --network bridge
joins; it is created on first use (default_network_interface,
default_subnet) and cannot be removed.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite network ls",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(
		newCreateCommand(g),
		newListCommand(g),
		newInspectCommand(g),
		newRmCommand(g),
		newPruneCommand(g),
		newExistsCommand(g),
		newConnectCommand(g),
		newDisconnectCommand(g),
		newReloadCommand(g),
		newUpdateCommand(g),
	)
	root.AddCommand(parent)
}

// Report is a network as `network inspect` shows it: podman's field
// names in JSON, Go field names in `network ls --format` templates.
type Report struct {
	Name             string            `json:"name"`
	ID               string            `json:"id"`
	Driver           string            `json:"driver"`
	NetworkInterface string            `json:"network_interface"`
	Created          time.Time         `json:"created"`
	Subnets          []SubnetReport    `json:"subnets"`
	IPv6Enabled      bool              `json:"ipv6_enabled"`
	Internal         bool              `json:"internal"`
	Routes           []network.Route   `json:"routes,omitempty"`
	DNSEnabled       bool              `json:"dns_enabled"`
	Labels           map[string]string `json:"labels"`
	Options          map[string]string `json:"options"`
	IPAMOptions      map[string]string `json:"ipam_options"`
}

// SubnetReport is one subnet of a Report.
type SubnetReport struct {
	Subnet     string      `json:"subnet"`
	Gateway    string      `json:"gateway,omitempty"`
	LeaseRange *LeaseRange `json:"lease_range,omitempty"`
}

// LeaseRange is the part of a subnet addresses are handed out from
// (--ip-range).
type LeaseRange struct {
	StartIP string `json:"start_ip,omitempty"`
	EndIP   string `json:"end_ip,omitempty"`
}

// Reports turns networks into what `network inspect` prints.
func Reports(nets []*network.Network) []Report {
	out := make([]Report, 0, len(nets))
	for _, n := range nets {
		r := Report{
			Name: n.Name, ID: n.ID, Driver: n.Driver, NetworkInterface: n.NetworkInterface,
			Created: n.Created, Subnets: []SubnetReport{}, Internal: n.Internal, Routes: n.Routes,
			Labels: n.Labels, Options: n.Options,
			IPAMOptions: map[string]string{"driver": "host-local"},
		}
		for _, s := range n.Subnets {
			sr := SubnetReport{Subnet: s.Subnet, Gateway: s.Gateway}
			if s.RangeStart != "" || s.RangeEnd != "" {
				sr.LeaseRange = &LeaseRange{StartIP: s.RangeStart, EndIP: s.RangeEnd}
			}
			r.Subnets = append(r.Subnets, sr)
		}
		// {} rather than null, so that templates can index them.
		if r.Labels == nil {
			r.Labels = map[string]string{}
		}
		if r.Options == nil {
			r.Options = map[string]string{}
		}
		out = append(out, r)
	}
	return out
}

// networkNames lists every network's name, for completion.
func networkNames(g *common.Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	nets, err := rt.Networks()
	if err != nil {
		return nil, err
	}
	return common.Names(nets, networkName), nil
}

func networkName(n *network.Network) string { return n.Name }

// completeNetworks completes network names for every argument.
func completeNetworks(g *common.Globals) cobra.CompletionFunc {
	return common.Complete(g, networkNames)
}
