package networks

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

func newCreateCommand(g *common.Globals) *cobra.Command {
	var subnets, gateways, ipRanges, labels, opts, dnsServers, routes []string
	var driver, ifname, ipam string
	var internal, ignore, ipv6 bool
	cmd := &cobra.Command{
		Use:   "create [options] [NAME]",
		Short: "Create a CNI network",
		Long: `Create a network and print its name. Without NAME it is named podliteN.
Without --subnet it gets a free /24 that clashes with no other network and
no address or route of the host. Each --gateway and --ip-range belongs to
the --subnet in the same position. The bridge driver takes the option
mtu=N; macvlan takes parent=DEVICE (default: the default route's device),
mode=bridge|private|vepa|passthru and mtu=N.`,
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite network create web
  podlite network create --subnet 10.214.1.0/24 --gateway 10.214.1.254 --ip-range 10.214.1.128/25 web
  podlite network create --internal --label app=db --interface-name dbbr0 db
  podlite network create --subnet 10.214.2.0/24 --route 10.99.0.0/16,10.214.2.254 lab
  podlite network create -d macvlan -o parent=eth0 --subnet 192.168.1.0/24 lan`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseCreateFlags(ipam, ipv6, subnets, dnsServers); err != nil {
				return err
			}
			n := network.Network{Driver: driver, NetworkInterface: ifname, Internal: internal}
			for _, s := range routes {
				r, err := network.ParseRoute(s)
				if err != nil {
					return err
				}
				n.Routes = append(n.Routes, r)
			}
			if len(args) == 1 {
				n.Name = args[0]
			}
			var err error
			if n.Subnets, err = subnetFlags(subnets, gateways, ipRanges); err != nil {
				return err
			}
			if n.Labels, err = common.KeyValues("label", labels); err != nil {
				return err
			}
			if n.Options, err = common.KeyValues("opt", opts); err != nil {
				return err
			}
			if parent, ok := n.Options["parent"]; ok && driver == network.DriverMacvlan {
				if ifname != "" && ifname != parent {
					return fmt.Errorf("-o parent=%s and --interface-name %s disagree: %w", parent, ifname, define.ErrInvalidArg)
				}
				n.NetworkInterface = parent
				delete(n.Options, "parent")
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			created, err := rt.CreateNetwork(n)
			if ignore && errors.Is(err, define.ErrExists) && n.Name != "" {
				if _, lookErr := rt.NetworkByName(n.Name); lookErr == nil {
					fmt.Fprintln(cmd.OutOrStdout(), n.Name)
					return nil
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), created.Name)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&subnets, "subnet", nil, "subnet in CIDR form, e.g. 10.214.1.0/24 (repeatable)")
	f.StringArrayVar(&gateways, "gateway", nil, "gateway of the subnet in the same position (default: its first address)")
	f.StringArrayVar(&ipRanges, "ip-range", nil, "hand out addresses only from this CIDR within the subnet in the same position")
	f.BoolVar(&internal, "internal", false, "no route out: containers reach only each other")
	f.StringArrayVarP(&labels, "label", "l", nil, "set a label KEY=VALUE on the network (repeatable)")
	f.StringVarP(&driver, "driver", "d", network.DriverBridge, "network driver: bridge or macvlan")
	f.StringArrayVarP(&opts, "opt", "o", nil, "set a driver option KEY=VALUE (repeatable): mtu; macvlan also parent, mode")
	f.StringVar(&ifname, "interface-name", "", "name of the bridge (default podliteN), or the macvlan parent device")
	f.BoolVar(&ignore, "ignore", false, "do not fail if the named network exists; print its name")
	f.Bool("disable-dns", false, "no DNS for the network (podlite's networks never have a DNS server: always so)")
	f.StringVar(&ipam, "ipam-driver", "", "IP address management: host-local (the only one)")
	f.BoolVar(&ipv6, "ipv6", false, "dual stack: needs an IPv6 --subnet (podlite picks IPv4 subnets only)")
	f.StringArrayVar(&dnsServers, "dns", nil, "refused: podlite runs no DNS server for networks")
	f.StringArrayVar(&routes, "route", nil, "static route DESTINATION-CIDR,GATEWAY in every container (repeatable; the gateway in a subnet of the network)")
	return cmd
}

// refuseCreateFlags rejects podman's network create flags podlite cannot
// honour, each with its reason.
func refuseCreateFlags(ipam string, ipv6 bool, subnets, dnsServers []string) error {
	switch {
	case ipam != "" && ipam != "host-local":
		return fmt.Errorf("--ipam-driver %q: podlite's networks hand out addresses with host-local only: %w", ipam, define.ErrNotSupported)
	case len(dnsServers) > 0:
		return fmt.Errorf("--dns: podlite runs no DNS server for networks; give containers --dns instead: %w", define.ErrNotSupported)
	case ipv6 && !slices.ContainsFunc(subnets, func(s string) bool { return strings.Contains(s, ":") }):
		return fmt.Errorf("--ipv6: podlite picks IPv4 subnets only: give an IPv6 --subnet: %w", define.ErrNotSupported)
	}
	return nil
}

// subnetFlags pairs each --subnet with the --gateway and --ip-range in the
// same position.
func subnetFlags(subnets, gateways, ipRanges []string) ([]network.Subnet, error) {
	if len(gateways) > len(subnets) {
		return nil, fmt.Errorf("--gateway needs a --subnet for each gateway: %w", define.ErrInvalidArg)
	}
	if len(ipRanges) > len(subnets) {
		return nil, fmt.Errorf("--ip-range needs a --subnet for each range: %w", define.ErrInvalidArg)
	}
	out := make([]network.Subnet, 0, len(subnets))
	for i, s := range subnets {
		sub := network.Subnet{Subnet: s}
		if i < len(gateways) {
			sub.Gateway = gateways[i]
		}
		if i < len(ipRanges) {
			start, end, err := libpod.NetworkIPRange(s, ipRanges[i])
			if err != nil {
				return nil, err
			}
			sub.RangeStart, sub.RangeEnd = start, end
		}
		out = append(out, sub)
	}
	return out, nil
}
