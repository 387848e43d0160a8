package system

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
)

func newInfoCommand(g *common.Globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "info [options]",
		Short:             "Display podlite system information",
		Args:              common.NoArgs,
		Example:           "  podlite info\n  podlite info --format json\n  podlite info --format '{{.Store.GraphDriverName}}'",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			info, err := rt.Info()
			if err != nil {
				return err
			}
			info.Version.Version = Version
			if format == "" {
				return writeInfo(os.Stdout, info)
			}
			if common.IsJSON(format) {
				return common.WriteJSON(os.Stdout, info)
			}
			return common.Write(os.Stdout, format, "", []*libpod.Info{info}, nil)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print as json or with a Go template")
	return cmd
}

// writeInfo prints info in podman's default YAML-like layout.
func writeInfo(w io.Writer, i *libpod.Info) error {
	h, s, v := i.Host, i.Store, i.Version
	_, err := fmt.Fprintf(w, `host:
  arch: %s
  cgroupVersion: %s
  cpus: %d
  hostname: %s
  kernel: %s
  memFree: %d
  memTotal: %d
  os: %s
  rootless: %t
store:
  containerStore:
    number: %d
    paused: %d
    running: %d
    stopped: %d
  graphDriverName: %s
  graphRoot: %s
  imageStore:
    number: %d
  runRoot: %s
  volumeCount: %d
version:
  GoVersion: %s
  OsArch: %s
  Version: %s
`, h.Arch, h.CgroupVersion, h.CPUs, h.Hostname, h.Kernel, h.MemFree, h.MemTotal, h.OS, h.Rootless,
		s.ContainerStore.Number, s.ContainerStore.Paused, s.ContainerStore.Running, s.ContainerStore.Stopped,
		s.GraphDriverName, s.GraphRoot, s.ImageStore.Number, s.RunRoot, s.VolumeCount,
		v.GoVersion, v.OsArch, v.Version)
	return err
}
