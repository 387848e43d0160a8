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
	g := &common.Globals{}
	root := &cobra.Command{
		Use:           "podlite",
		Short:         "Manage pods, containers and images without a daemon",
		Long:          "podlite runs OCI containers and pods with one binary and no daemon, as root or as an ordinary user.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          common.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return cmd.Help()
		},
		PersistentPostRun: func(*cobra.Command, []string) { g.Shutdown() },
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
	root := NewRootCommand()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	// A container's own exit code passes through silently; every other
	// failure is one line on stderr.
	var ec *define.ExitCodeError
	if !errors.As(err, &ec) || ec.Err != nil {
		fmt.Fprintf(os.Stderr, "Error: %v\n", err)
	}
	return exitCode(err)
}
