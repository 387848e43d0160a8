package images

import (
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// verbs are registered twice, under `image` and at the top level, as
// podman's aliases are.
var verbs = []func(g *common.Globals) *cobra.Command{
	newPullCommand, newPushCommand, newLoadCommand, newSaveCommand, newImportCommand, newTagCommand, newHistoryCommand,
}

// imageOnly are only under `image`.
var imageOnly = []func(g *common.Globals) *cobra.Command{
	newInspectCommand, newExistsCommand, newPruneCommand, newDiffCommand, newMountCommand, newUnmountCommand,
	newTreeCommand,
}

// Register adds the image commands to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "image",
		Short:             "Manage images",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite image ls",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	for _, v := range verbs {
		root.AddCommand(v(g))
		parent.AddCommand(v(g))
	}
	for _, v := range imageOnly {
		parent.AddCommand(v(g))
	}
	root.AddCommand(newListCommand(g), newRmCommand(g), newLoginCommand(g), newLogoutCommand(g))
	ls := newListCommand(g)
	ls.Use, ls.Aliases = "ls [options] [IMAGE]", []string{"list"}
	rm := newRmCommand(g)
	rm.Use = "rm [options] IMAGE [IMAGE...]"
	parent.AddCommand(ls, rm)
	root.AddCommand(newUntagCommand(g))
	parent.AddCommand(newUntagCommand(g))
	root.AddCommand(parent)
}

// completeImages completes local image names.
func completeImages(g *common.Globals) cobra.CompletionFunc {
	return common.Complete(g, common.ImageNames)
}

// progressOutput is where pull and push draw progress bars: stderr when it
// is a terminal and the user did not ask for quiet, else nowhere.
func progressOutput(quiet bool) io.Writer {
	if quiet || !term.IsTerminal(int(os.Stderr.Fd())) {
		return nil
	}
	return os.Stderr
}

// tlsVerify returns the --tls-verify flag's value, nil when not given.
func tlsVerify(cmd *cobra.Command, value bool) *bool {
	if !cmd.Flags().Changed("tls-verify") {
		return nil
	}
	return &value
}
