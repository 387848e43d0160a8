package containers

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// execFlags are exec's flags that pick the container or are checked here.
type execFlags struct {
	latest, detach bool
	cidfile        string
	detachKeys     string
}

func newExecCommand(g *common.Globals) *cobra.Command {
	var o libpod.ExecOptions
	var f execFlags
	cmd := &cobra.Command{
		Use:               "exec [options] CONTAINER COMMAND [ARG...]",
		Short:             "Run a process in a running container",
		Args:              cobra.ArbitraryArgs,
		Example:           "  podlite exec web ls /\n  podlite exec -it -w /tmp web sh\n  podlite exec -e FOO=bar -u nobody web env",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			streams := libpod.Streams{Stdout: common.ContainerStdout(), Stderr: os.Stderr, Terminal: os.Stdin}
			if o.Interactive {
				streams.Stdin = os.Stdin
			}
			keys, err := runDetachKeys(cmd, f.detachKeys, libpod.ExecCanDetach(o, streams), o.Interactive)
			if err != nil {
				return err
			}
			c, command, err := f.target(g, args)
			if err != nil {
				return err
			}
			o.Cmd = command
			if f.detach {
				id, err := c.ExecDetached(o)
				if err != nil {
					return err
				}
				fmt.Fprintln(common.ContainerStdout(), id)
				return nil
			}
			if keys != nil {
				return attachResult(c.ExecAttach(context.Background(), o, streams, keys))
			}
			return attachResult(c.Exec(context.Background(), o, streams))
		},
	}
	fl := cmd.Flags()
	fl.SetInterspersed(false)
	fl.BoolVarP(&o.Interactive, "interactive", "i", false, "keep stdin open")
	fl.BoolVarP(&o.TTY, "tty", "t", false, "allocate a pseudo-terminal (sets TERM=xterm unless TERM is set)")
	fl.BoolVarP(&f.detach, "detach", "d", false, "run in the background and print the exec session's ID")
	fl.StringVar(&f.detachKeys, "detach-keys", "ctrl-p,ctrl-q", `key sequence for detaching from exec -it: ctrl-<letter> or single characters, comma-separated ("": none)`)
	fl.StringArrayVarP(&o.Env, "env", "e", nil, "set environment variables (KEY=VALUE, KEY from the host, KEY* for a prefix)")
	fl.StringArrayVar(&o.EnvFiles, "env-file", nil, "read environment variables from a file")
	fl.StringVarP(&o.User, "user", "u", "", "user[:group] to run as, by name or number")
	fl.StringVarP(&o.WorkDir, "workdir", "w", "", "working directory inside the container")
	fl.BoolVar(&o.Privileged, "privileged", false, "give the process all capabilities")
	fl.UintVar(&o.PreserveFDs, "preserve-fds", 0, "pass N additional file descriptors (3 to 3+N-1) to the process")
	fl.UintSliceVar(&o.PreserveFD, "preserve-fd", nil, "pass the listed file descriptors to the process")
	fl.StringVar(&f.cidfile, "cidfile", "", "read the container's ID from this file")
	fl.BoolVarP(&f.latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// target resolves the container (a name, --latest or --cidfile) and the
// command that follows it, with podman's messages.
func (f execFlags) target(g *common.Globals, args []string) (*libpod.Container, []string, error) {
	if f.latest && f.cidfile != "" {
		return nil, nil, fmt.Errorf("--latest and --cidfile can not be used together: %w", define.ErrInvalidArg)
	}
	if len(args) == 0 && !f.latest && f.cidfile == "" {
		return nil, nil, fmt.Errorf("exec requires the name or ID of a container or the --latest or --cidfile flag: %w", define.ErrInvalidArg)
	}
	rt, err := g.Runtime()
	if err != nil {
		return nil, nil, err
	}
	switch {
	case f.latest:
		c, err := rt.LatestContainer()
		return c, args, err
	case f.cidfile != "":
		data, err := os.ReadFile(f.cidfile)
		if err != nil {
			return nil, nil, fmt.Errorf("reading CIDFile: %w", err)
		}
		c, err := rt.LookupContainer(strings.SplitN(string(data), "\n", 2)[0])
		return c, args, err
	}
	c, err := rt.LookupContainer(args[0])
	return c, args[1:], err
}
