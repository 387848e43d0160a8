package containers

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/storage"
)

func newCommitCommand(g *common.Globals) *cobra.Command {
	var o libpod.CommitOptions
	var iidfile string
	var quiet bool
	cmd := &cobra.Command{
		Use:   "commit [options] CONTAINER [IMAGE]",
		Short: "Create an image from a container's changes",
		Long: `Create an image of a container: its image's layers plus one layer of the
container's changes (one layer of everything with --squash), with the
container's command, environment, labels, user, work dir and published
ports in the config, then the --change instructions. Prints the image ID.`,
		Args:              common.RangeArgs(1, 2),
		ValidArgsFunction: common.CompleteFirst(g, common.ContainerNames),
		Example: `  podlite commit web web:v2
  podlite commit -f docker -m "add config" -a "Ann" -c 'CMD ["httpd","-f"]' web web:v3`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				o.Name = args[1]
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			img, err := rt.CommitContainer(cmd.Context(), args[0], o)
			if err != nil {
				return err
			}
			if iidfile != "" {
				if err := os.WriteFile(iidfile, []byte("sha256:"+img.ID), 0o644); err != nil {
					return fmt.Errorf("writing --iidfile: %w", err)
				}
			}
			fmt.Println(img.ID)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Author, "author", "a", "", "author of the image")
	f.StringArrayVarP(&o.Changes, "change", "c", nil, "apply a Dockerfile instruction to the image config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)")
	f.StringVarP(&o.Format, "format", "f", storage.CommitFormatOCI, "image format: oci or docker")
	f.StringVar(&iidfile, "iidfile", "", "write the image ID to this file")
	// Shadows the global --config for commit's arguments: the root
	// traverses its children, so `podlite --config X commit --config Y`
	// gives X to the global flag and Y to this one, as podman's does.
	f.StringVar(&o.ConfigFile, "config", "", "merge this JSON image config (docker's container config: Cmd, Env, Labels, …) into the image's")
	f.BoolVar(&o.IncludeVolumes, "include-volumes", false, "make the container's -v, --mount and --tmpfs destinations image volumes")
	f.StringVarP(&o.Message, "message", "m", "", "commit message (docker format only)")
	f.BoolVarP(&o.Pause, "pause", "p", false, "pause a running container while committing")
	f.BoolVarP(&quiet, "quiet", "q", false, "do not show progress (podlite commit never does)")
	f.BoolVarP(&o.Squash, "squash", "s", false, "make one layer of the whole root filesystem")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{storage.CommitFormatOCI, storage.CommitFormatDocker}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
