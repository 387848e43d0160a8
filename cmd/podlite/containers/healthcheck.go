package containers

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/supervisor"
)

// newHealthcheckCommand is the `healthcheck` noun.
func newHealthcheckCommand(g *common.Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "healthcheck",
		Short:   "Manage health checks of containers",
		Args:    common.NoArgs,
		Example: "  podlite healthcheck run web",
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newHealthcheckRunCommand(g))
	return cmd
}

// newHealthcheckRunCommand runs a container's health check once: exit 0
// when it passed, 1 (printing "unhealthy") when it failed, 125 on error.
func newHealthcheckRunCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "run CONTAINER",
		Short:             "Run a container's health check",
		Args:              common.ExactArgs(1),
		Example:           "  podlite healthcheck run web",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			c, err := rt.LookupContainer(args[0])
			if err != nil {
				return fmt.Errorf("unable to look up %s to perform a health check: %w", args[0], err)
			}
			res, err := c.HealthCheck(cmd.Context())
			if err != nil {
				return err
			}
			// The supervisor's timer moves to the regular interval.
			if res.StartupDone && os.Getenv(supervisor.HealthTimerEnv) != "" {
				return &define.ExitCodeError{Code: supervisor.HealthStartupDone}
			}
			if !res.Healthy {
				fmt.Println(define.HealthUnhealthy)
				return &define.ExitCodeError{Code: 1}
			}
			return nil
		},
	}
}
