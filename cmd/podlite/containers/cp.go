package containers

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newCpCommand(g *common.Globals) *cobra.Command {
	var o libpod.CopyOptions
	cmd := &cobra.Command{
		Use:   "cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
		Short: "Copy files/folders between a container and the local filesystem",
		Long: "Copy SRC_PATH to DEST_PATH: between a container and the host, or between two containers. " +
			`"-" as SRC_PATH extracts a tar stream from stdin into a directory; as DEST_PATH it writes a tar of the source to stdout.`,
		Args:              common.ExactArgs(2),
		Example:           "  podlite cp web:/etc/hosts ./hosts\n  podlite cp ./site web:/var/www\n  podlite cp web:/var/log/. - | tar -t",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			for _, name := range []string{"extract", "pause"} {
				if cmd.Flags().Changed(name) {
					slog.Warn("--" + name + " is deprecated and has no effect, as in podman")
				}
			}
			o.Stdin, o.Stdout = os.Stdin, cmd.OutOrStdout()
			return rt.Copy(args[0], args[1], o)
		},
	}
	flags := cmd.Flags()
	flags.BoolVarP(&o.Archive, "archive", "a", true, "Chown copied files to the primary uid/gid of the destination container")
	flags.BoolVar(&o.Overwrite, "overwrite", false, "Allow to overwrite directories with non-directories and vice versa")
	// podman keeps these two as hidden no-ops for old scripts.
	flags.Bool("extract", false, "deprecated: no effect")
	flags.Bool("pause", true, "deprecated: no effect")
	_ = flags.MarkHidden("extract")
	_ = flags.MarkHidden("pause")
	return cmd
}
