package common

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/libpod"
)

// NewPruneCommand builds `NOUN prune [-f] [--filter KEY=VALUE]`: it asks
// for confirmation on a terminal unless --force (without a terminal
// --force is required), runs prune and prints the names it removed.
// plural is the objects' name ("volumes"); scope says which of them go.
func NewPruneCommand(g *Globals, plural, scope, example string, prune func(rt *libpod.Runtime, filters []string) ([]string, error)) *cobra.Command {
	warning := fmt.Sprintf("WARNING! This will remove all %s not used by at least one container.", plural)
	return NewPruneCommandWarning(g, plural, scope, warning, example, prune)
}

// NewPruneCommandWarning is NewPruneCommand with the confirmation's
// warning of its own.
func NewPruneCommandWarning(g *Globals, plural, scope, warning, example string, prune func(rt *libpod.Runtime, filters []string) ([]string, error)) *cobra.Command {
	var force bool
	var filters []string
	cmd := &cobra.Command{
		Use:   "prune [options]",
		Short: fmt.Sprintf("Remove %s no container uses", plural),
		Long: fmt.Sprintf(`Remove %s, optionally only those passing the filters (as for %s
ls), and print their names. Asks for confirmation on a terminal unless
--force; without a terminal --force is required.`, scope, plural[:len(plural)-1]),
		Args:              NoArgs,
		ValidArgsFunction: NoCompletion,
		Example:           example,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force {
				ok, err := Confirm(cmd.InOrStdin(), cmd.OutOrStdout(), warning)
				if err != nil || !ok {
					return err
				}
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			pruned, err := prune(rt, filters)
			for _, name := range pruned {
				fmt.Fprintln(cmd.OutOrStdout(), name)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	f.StringArrayVar(&filters, "filter", nil, fmt.Sprintf("prune only %s passing the filter KEY=VALUE (repeatable), as for %s ls", plural, plural[:len(plural)-1]))
	return cmd
}
