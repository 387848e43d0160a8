package cli_test

import (
	"reflect"
	"testing"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/cli"
	"github.com/podlite/podlite/cmd/podlite/common"
)

// TestCommandTree keeps every command complete, as podman's
// cmd/podman/shell_completion_test.go does for completion: each command
// below the root validates its positional arguments (Args), and each
// command that does something (runnable, or a leaf) shows an Example and
// completes its arguments, unless it takes none. Groups such as
// `podlite container` are exempt from the last two: their page lists their
// subcommands, and cobra completes subcommand names itself.
//
// A failure here names the command and what it lacks; fix the command,
// not this test.
func TestCommandTree(t *testing.T) {
	root := cli.NewRootCommand()
	// Add cobra's help and completion commands, as Execute would, to make
	// sure they are recognised and skipped.
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	if root.Args == nil {
		t.Errorf("%s: Args is not set", root.CommandPath())
	}
	for _, cmd := range walk(root) {
		path := cmd.CommandPath()
		if cmd.Args == nil {
			t.Errorf("%s: Args is not set (use common.NoArgs, ExactArgs, MinArgs or RangeArgs)", path)
		}
		if cmd.HasSubCommands() && !cmd.Runnable() {
			continue
		}
		if cmd.Example == "" {
			t.Errorf("%s: Example is empty", path)
		}
		if !takesNoArgs(cmd) && cmd.ValidArgsFunction == nil && len(cmd.ValidArgs) == 0 {
			t.Errorf("%s: takes arguments but has no ValidArgsFunction to complete them", path)
		}
	}
}

// walk returns every command below root except cobra's built-ins, hidden
// ones included: they are typed too.
func walk(root *cobra.Command) []*cobra.Command {
	var list []*cobra.Command
	for _, cmd := range root.Commands() {
		if !root.HasParent() && (cmd.Name() == "help" || cmd.Name() == "completion") {
			continue
		}
		list = append(list, cmd)
		list = append(list, walk(cmd)...)
	}
	return list
}

// takesNoArgs reports whether cmd declares that it takes no positional
// arguments, with podlite's or cobra's NoArgs.
func takesNoArgs(cmd *cobra.Command) bool {
	p := reflect.ValueOf(cmd.Args).Pointer()
	return p == reflect.ValueOf(common.NoArgs).Pointer() || p == reflect.ValueOf(cobra.NoArgs).Pointer()
}
