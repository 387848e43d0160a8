package system

import (
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
)

// Version and BuildTime are set at link time:
//
//	-ldflags '-X github.com/podlite/podlite/cmd/podlite/system.Version=1.0.0
//	          -X github.com/podlite/podlite/cmd/podlite/system.BuildTime=1700000000'
var (
	Version   = "0.1.0-dev"
	BuildTime = ""
)

// versionInfo is what `podlite version` prints, with podman's field names.
type versionInfo struct {
	Version   string
	GoVersion string
	Built     int64
	BuiltTime string
	OsArch    string
}

func newVersionCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "version [options]",
		Short:             "Display the podlite version information",
		Args:              common.NoArgs,
		Example:           "  podlite version\n  podlite version --format json\n  podlite version --format '{{.Version}}'",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := versionInfo{Version: Version, GoVersion: runtime.Version(), OsArch: runtime.GOOS + "/" + runtime.GOARCH}
			if secs, err := strconv.ParseInt(BuildTime, 10, 64); err == nil {
				v.Built, v.BuiltTime = secs, time.Unix(secs, 0).Format(time.ANSIC)
			}
			if common.IsJSON(format) {
				return common.WriteJSON(os.Stdout, v)
			}
			if format == "" {
				format = "Version:      {{.Version}}\nGo Version:   {{.GoVersion}}\nBuilt:        {{.BuiltTime}}\nOS/Arch:      {{.OsArch}}"
			}
			return common.Write(os.Stdout, format, "", []versionInfo{v}, nil)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print as json or with a Go template")
	return cmd
}
