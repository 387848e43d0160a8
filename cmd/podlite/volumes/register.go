package volumes

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
)

// Register adds `podlite volume` and its verbs to root.
func Register(root *cobra.Command, g *common.Globals) {
	parent := &cobra.Command{
		Use:               "volume",
		Short:             "Manage named volumes",
		Long:              "Create, list, inspect and remove named volumes: directories under the volume path that containers mount with -v NAME:/PATH.",
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example:           "  podlite volume ls",
		RunE:              func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	parent.AddCommand(
		newCreateCommand(g),
		newListCommand(g),
		newInspectCommand(g),
		newRmCommand(g),
		newPruneCommand(g),
		newExistsCommand(g),
	)
	root.AddCommand(parent)
}

// Report is a volume as `volume inspect` and `volume ls --format`
// show it: podman's field names, in JSON as in templates.
type Report struct {
	Name       string            `json:"Name"`
	Driver     string            `json:"Driver"`
	Mountpoint string            `json:"Mountpoint"`
	CreatedAt  time.Time         `json:"CreatedAt"`
	Labels     map[string]string `json:"Labels"`
	Scope      string            `json:"Scope"`
	Options    map[string]string `json:"Options"`
	// MountCount is podman's count of the volume driver's mounts: always
	// 0, as podlite's volumes are directories and never mounted as such.
	MountCount uint `json:"MountCount"`
}

// Reports turns volumes into what `volume inspect` prints (podman's
// fields), for `podlite inspect` too.
func Reports(vols []*define.Volume) []Report {
	out := make([]Report, 0, len(vols))
	for _, v := range vols {
		r := Report{
			Name: v.Name, Driver: v.Driver, Mountpoint: v.Mountpoint, CreatedAt: v.CreatedAt,
			Labels: v.Labels, Scope: "local", Options: v.Options,
		}
		// Podman prints {} rather than null.
		if r.Labels == nil {
			r.Labels = map[string]string{}
		}
		if r.Options == nil {
			r.Options = map[string]string{}
		}
		out = append(out, r)
	}
	return out
}

// namesOrAll requires volume names, or none with --all.
func namesOrAll(all *bool) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if *all && len(args) > 0 {
			return fmt.Errorf("--all takes no volume names: %w", define.ErrInvalidArg)
		}
		if *all {
			return nil
		}
		return common.MinArgs(1)(cmd, args)
	}
}

// volumeNames lists every volume's name, for completion.
func volumeNames(g *common.Globals) ([]string, error) {
	rt, err := g.Runtime()
	if err != nil {
		return nil, err
	}
	vols, err := rt.Volumes()
	if err != nil {
		return nil, err
	}
	return common.Names(vols, volumeName), nil
}

// completeVolumes completes volume names for every argument.
func completeVolumes(g *common.Globals) cobra.CompletionFunc {
	return common.Complete(g, volumeNames)
}

func volumeName(v *define.Volume) string { return v.Name }
