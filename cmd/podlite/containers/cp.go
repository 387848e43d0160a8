package containers

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

func newCpCommand(g *common.Globals) *cobra.Command {
	return &cobra.Command{
		Use:               "cp [options] [CONTAINER:]SRC_PATH [CONTAINER:]DEST_PATH",
		Short:             "Copy files/folders between a container and the local filesystem",
		Args:              common.ExactArgs(2),
		Example:           "  podlite cp web:/etc/hosts ./hosts\n  podlite cp ./site web:/var/www",
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			srcCtr, src := splitCopyArg(args[0])
			dstCtr, dst := splitCopyArg(args[1])
			switch {
			case srcCtr != "" && dstCtr != "":
				return fmt.Errorf("copying between containers is not supported: %w", define.ErrNotSupported)
			case srcCtr == "" && dstCtr == "":
				return fmt.Errorf("one of the source and destination must be CONTAINER:PATH: %w", define.ErrInvalidArg)
			case src == "" || dst == "":
				return fmt.Errorf("source and destination paths must not be empty: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if srcCtr != "" {
				c, err := rt.LookupContainer(srcCtr)
				if err != nil {
					return err
				}
				return c.CopyFrom(src, dst)
			}
			c, err := rt.LookupContainer(dstCtr)
			if err != nil {
				return err
			}
			return c.CopyTo(src, dst)
		},
	}
}

// splitCopyArg splits "CONTAINER:PATH"; a local path (starting with / or
// ., or without a colon) has no container.
func splitCopyArg(arg string) (container, path string) {
	if strings.HasPrefix(arg, "/") || strings.HasPrefix(arg, ".") {
		return "", arg
	}
	name, p, ok := strings.Cut(arg, ":")
	if !ok {
		return "", arg
	}
	return name, p
}
