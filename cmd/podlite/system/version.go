package system

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/sysinfo"
)

// Version, BuildTime and GitCommit are set at link time:
//
//	-ldflags '-X github.com/podlite/podlite/cmd/podlite/system.Version=1.0.0
//	          -X github.com/podlite/podlite/cmd/podlite/system.BuildTime=1700000000'
var (
	Version   = "0.1.0-dev"
	BuildTime = ""
	GitCommit = ""
)

// versionFormat is podman's default layout, with podlite's name.
const versionFormat = "Client:       Podlite Engine\nVersion:      {{.Version}}\nAPI Version:  {{.APIVersion}}\n" +
	"Go Version:   {{.GoVersion}}\n{{if .GitCommit}}Git Commit:   {{.GitCommit}}\n{{end}}" +
	"Built:        {{.BuiltTime}}\nOS/Arch:      {{.OsArch}}"

// buildVersion describes this build with podman's field names.
func buildVersion() sysinfo.Version {
	v := sysinfo.Version{
		APIVersion: Version, Version: Version, GoVersion: runtime.Version(), GitCommit: GitCommit,
		OsArch: runtime.GOOS + "/" + runtime.GOARCH, Os: runtime.GOOS,
	}
	secs, err := strconv.ParseInt(BuildTime, 10, 64)
	if err != nil {
		secs = 0
	}
	v.Built, v.BuiltTime = secs, time.Unix(secs, 0).Format(time.ANSIC)
	return v
}

func newVersionCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:               "version [options]",
		Short:             "Display the podlite version information",
		Args:              common.NoArgs,
		Example:           "  podlite version\n  podlite version --format json\n  podlite version --format '{{.Client.Version}}'",
		ValidArgsFunction: common.NoCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			v := buildVersion()
			report := sysinfo.VersionReport{Client: &v}
			switch {
			case common.IsJSON(format):
				return common.WriteJSON(os.Stdout, report)
			case format == "":
				return common.Write(os.Stdout, versionFormat, "", []sysinfo.Version{v}, nil)
			case strings.Contains(format, ".Client") || strings.Contains(format, ".Server"):
				// As podman: .Server.X of a local engine reads the client.
				format = strings.ReplaceAll(format, ".Server.", ".Client.")
				return common.Write(os.Stdout, format, "", []sysinfo.VersionReport{report}, nil)
			default:
				// podman's older form, {{.Version}}, reads the client.
				return common.Write(os.Stdout, format, "", []sysinfo.Version{v}, nil)
			}
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print as json or with a Go template")
	return cmd
}
