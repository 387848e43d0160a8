// Package cli builds podlite's Cobra command tree. Commands live in one
// package per noun (containers, images, volumes, system); this package wires
// them under the root and maps errors to exit codes.
package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

// NewRootCommand returns the whole command tree.
func NewRootCommand() *cobra.Command {
	return newRootCommand(&common.Globals{})
}

func newRootCommand(g *common.Globals) *cobra.Command {
	root := &cobra.Command{
		Use:           "podlite",
		Short:         "Manage pods, containers and images without a daemon",
		Long:          "podlite runs OCI containers and pods with one binary and no daemon, as root or as an ordinary user.",
		SilenceUsage:  true,
		SilenceErrors: true,
		// Flags before a command name are its parent's, as podman parses
		// them: a command's own flag may shadow a global one (commit's
		// --config) while the global stays usable before the command.
		TraverseChildren: true,
		Args:             common.NoArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return g.Setup(cmd)
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
	}
	g.AddFlags(root)
	// No -h shorthand for help: run and create use -h for --hostname, as podman.
	root.PersistentFlags().Bool("help", false, "show help for the command")
	for _, add := range registrars {
		add(root, g)
	}
	return root
}

// registrars add each noun's commands to the root. Noun packages are
// listed in commands.go.
var registrars []func(root *cobra.Command, g *common.Globals)

// Execute runs the command line and returns the process exit code.
func Execute(args []string) int {
	g := &common.Globals{}
	root := newRootCommand(g)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	// Shut the store down on failures too, or a failed command leaves
	// storage's bookkeeping (and mounts) behind.
	g.Shutdown()
	if err == nil {
		return 0
	}
	// A container's own exit code passes through silently; every other
	// failure is one line on stderr.
	var ec *define.ExitCodeError
	if !errors.As(err, &ec) || ec.Err != nil {
		fmt.Fprintln(os.Stderr, errorLine(err))
	}
	path := ""
	if cmd != nil {
		path = cmd.CommandPath()
	}
	return exitCode(path, err)
}
