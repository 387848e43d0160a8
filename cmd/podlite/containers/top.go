package containers

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

func newTopCommand(g *common.Globals) *cobra.Command {
	var latest bool
	cmd := &cobra.Command{
		Use:   "top [options] CONTAINER [FORMAT-DESCRIPTORS|ARGS...]",
		Short: "Display the running processes of a container",
		Long: "Display the running processes of a container. The descriptors are podman's (args, capamb, capbnd, capeff, capinh,\n" +
			"capprm, comm, etime, group, hgroup, hpid, huser, label, nice, pcpu, pgid, pid, ppid, rgroup, rss, ruser, seccomp,\n" +
			"state, stime, time, tty, user, vsz, and ps's AIX codes such as %C), as separate or comma-separated arguments;\n" +
			"anything else is handed to the host's ps(1), run in the container's PID namespace.",
		Args:              common.MinArgs(0),
		Example:           "  podlite top web\n  podlite top web pid,user,args\n  podlite top web pid seccomp capeff\n  podlite top -l -- aux",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			var name string
			if !latest {
				if len(args) == 0 {
					return errors.New("you must provide the name or id of a running container")
				}
				name, args = args[0], args[1:]
			}
			c, err := oneContainer(g, name, latest)
			if err != nil {
				return err
			}
			rows, err := c.Top(args)
			if err != nil {
				return err
			}
			return PrintTop(os.Stdout, rows)
		},
	}
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "act on the latest container")
	return cmd
}

// oneContainer resolves a single container by name or ID, or the latest.
func oneContainer(g *common.Globals, name string, latest bool) (*libpod.Container, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	if latest {
		if name != "" {
			return nil, fmt.Errorf("--latest takes no container name: %w", define.ErrInvalidArg)
		}
		return rt.LatestContainer()
	}
	return rt.LookupContainer(name)
}

// PrintTop writes top's table with podman's report writer: columns of at
// least 12, 2 apart.
func PrintTop(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 12, 2, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
