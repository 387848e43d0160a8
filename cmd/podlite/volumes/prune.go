package volumes

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newPruneCommand(g *common.Globals) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: "Remove volumes no container uses",
		Long: `Remove every volume that no container uses, optionally only those passing
the filters (as for volume ls), and print their names. Asks for
confirmation on a terminal unless --force; without a terminal --force is
required.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite volume prune
  podlite volume prune -f --filter label=tmp`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				ok, err := confirm(cmd.InOrStdin(), cmd.ErrOrStderr())
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			pruned, err := rt.PruneVolumes(filters...)
			for _, name := range pruned {
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	f.StringArrayVar(&filters, "filter", nil, "prune only volumes passing the filter KEY=VALUE (repeatable), as for volume ls")
	return cmd
}

// confirm asks on stderr and reads the answer from stdin, which must be a
// terminal: a script that pipes in "y" should say --force instead.
func confirm(stdin io.Reader, stderr io.Writer) (bool, error) {
	if f, ok := stdin.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return false, fmt.Errorf("refusing to prune volumes without --force: stdin is not a terminal to confirm on: %w", define.ErrInvalidArg)
	}
	fmt.Fprint(stderr, "WARNING! This will remove all volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ")
	answer, _ := bufio.NewReader(stdin).ReadString('\n')
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes", nil
}
