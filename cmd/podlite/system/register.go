// Package system holds the `podlite system` commands and their top-level
// aliases info and version.
package system

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

// Register adds info, version and the system command to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "system",
		Short:             "Manage podlite",
		Args:              common.NoArgs,
		Example:           "  podlite system info\n  podlite system prune -f",
		ValidArgsFunction: common.NoCompletion,
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(newInfoCommand(g), newResetCommand(g), newPruneCommand(g))
	root.AddCommand(newInfoCommand(g), newVersionCommand(), parent)
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
