package containers

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
	cmd := &cobra.Command{
		Use:               "prune [options]",
		Short:             "Remove all non running containers",
		Args:              common.NoArgs,
		Example:           "  podlite container prune\n  podlite container prune -f",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !force {
				ok, err := confirm(os.Stdin, os.Stdout, "WARNING! This will remove all non running containers.")
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			ids, err := rt.PruneContainers()
			for _, id := range ids {
				fmt.Println(id)
			}
			return err
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not prompt for confirmation")
	return cmd
}

// confirm asks the user to confirm warning on a terminal; off a terminal
// it refuses, so that scripts must pass --force.
func confirm(in *os.File, out io.Writer, warning string) (bool, error) {
	if !term.IsTerminal(int(in.Fd())) {
		return false, fmt.Errorf("stdin is not a terminal: use --force to confirm: %w", define.ErrInvalidArg)
	}
	fmt.Fprintf(out, "%s\nAre you sure you want to continue? [y/N] ", warning)
	answer, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return false, fmt.Errorf("reading the answer: %w", err)
	}
	answer = strings.ToLower(strings.TrimSpace(answer))
	return answer == "y" || answer == "yes", nil
}
