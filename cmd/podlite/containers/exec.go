package containers

import (
	"context"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newExecCommand(g *common.Globals) *cobra.Command {
	var o libpod.ExecOptions
	var latest bool
	cmd := &cobra.Command{
		Use:               "exec [options] CONTAINER COMMAND [ARG...]",
		Short:             "Run a process in a running container",
		Args:              common.MinArgs(1),
		Example:           "  podlite exec web ls /\n  podlite exec -it web sh\n  podlite exec -e FOO=bar -u nobody web env",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			var c *libpod.Container
			if latest {
				c, err = rt.LatestContainer()
				o.Cmd = args
			} else {
				c, err = rt.LookupContainer(args[0])
				o.Cmd = args[1:]
			}
			if err != nil {
				return err
			}
			streams := libpod.Streams{Stdout: common.ContainerStdout(), Stderr: os.Stderr, Terminal: os.Stdin}
			if o.Interactive {
				streams.Stdin = os.Stdin
			}
			code, err := c.Exec(context.Background(), o, streams)
			if err != nil {
				return err
			}
			if code != 0 {
				return &define.ExitCodeError{Code: code}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.SetInterspersed(false)
	f.BoolVarP(&o.Interactive, "interactive", "i", false, "keep stdin open")
	f.BoolVarP(&o.TTY, "tty", "t", false, "allocate a pseudo-terminal")
	f.BoolVarP(&o.Detach, "detach", "d", false, "run in the background")
	f.StringArrayVarP(&o.Env, "env", "e", nil, "set environment variables")
	f.StringVarP(&o.User, "user", "u", "", "user[:group] to run as")
	f.StringVarP(&o.WorkDir, "workdir", "w", "", "working directory")
	f.BoolVar(&o.Privileged, "privileged", false, "give the process all capabilities")
	f.BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	return cmd
}
