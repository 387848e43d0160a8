package networks

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newReloadCommand(g *common.Globals) *cobra.Command {
	var all, latest bool
	cmd := &cobra.Command{
		Use:   "reload [options] [CONTAINER...]",
		Short: "Reload the network of running containers",
		Long: `Re-apply the networking of running containers, as after a flush of the
host's firewall: the networks' own chains are rewritten, then each
container is disconnected from its CNI networks and connected again in its
namespace with the same addresses and MACs, which puts its port forwards
back. Prints the ID of each container reloaded. --all takes every
container whose network is configured (running or paused on CNI networks).`,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		Example:           "  podlite network reload web\n  podlite network reload --all",
		RunE: func(cmd *cobra.Command, args []string) error {
			if (all || latest) == (len(args) > 0) || all && latest {
				return fmt.Errorf("give containers, --all or --latest (one of them): %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ctrs, errs := reloadTargets(rt, args, all, latest)
			if len(ctrs) > 0 {
				if err := rt.ReloadFirewall(); err != nil {
					return err
				}
			}
			for _, c := range ctrs {
				if err := c.ReloadNetwork(cmd.Context()); err != nil {
					errs = append(errs, err)
					continue
				}
				fmt.Fprintln(cmd.OutOrStdout(), c.ID())
			}
			return common.ReportEach(cmd.ErrOrStderr(), errs)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&all, "all", "a", false, "reload every container whose network is configured")
	f.BoolVarP(&latest, "latest", "l", false, "reload the latest created container")
	return cmd
}

// reloadTargets are the containers reload acts on, and the lookup
// failures of those named.
func reloadTargets(rt *libpod.Runtime, args []string, all, latest bool) ([]*libpod.Container, []error) {
	switch {
	case all:
		ctrs, err := rt.Containers()
		if err != nil {
			return nil, []error{err}
		}
		var out []*libpod.Container
		for _, c := range ctrs {
			if c.State().Network.NetNS != "" {
				out = append(out, c)
			}
		}
		return out, nil
	case latest:
		c, err := rt.LatestContainer()
		if err != nil {
			return nil, []error{err}
		}
		return []*libpod.Container{c}, nil
	}
	var out []*libpod.Container
	var errs []error
	for _, name := range args {
		c, err := rt.LookupContainer(name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, c)
	}
	return out, errs
}

func newUpdateCommand(g *common.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update [options] NETWORK",
		Short: "Update a network's DNS servers (refused: podlite's networks have none)",
		Long: `podman's network update changes the DNS servers of a network's DNS
server. podlite's networks run no DNS server (network create --dns is
refused for that reason): containers take theirs from run --dns or the
host. The command is refused with that reason.`,
		Args:              common.ExactArgs(1),
		ValidArgsFunction: completeNetworks(g),
		Example:           "  podlite run --dns 10.0.0.53 IMAGE  # instead of network update --dns-add",
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if _, err := rt.NetworkByName(args[0]); err != nil {
				return err
			}
			return fmt.Errorf("network update: podlite's networks run no DNS server, so they have no DNS servers to change; give containers --dns: %w", define.ErrNotSupported)
		},
	}
	f := cmd.Flags()
	f.StringArray("dns-add", nil, "refused: podlite's networks have no DNS server")
	f.StringArray("dns-drop", nil, "refused: podlite's networks have no DNS server")
	return cmd
}
