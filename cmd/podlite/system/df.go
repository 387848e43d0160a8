package system

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/sysinfo"
)

func newDfCommand(g *common.Globals) *cobra.Command {
	var verbose bool
	var format string
	cmd := &cobra.Command{
		Use:   "df [options]",
		Short: "Show podlite's disk usage",
		Long: `Show the space images, containers and volumes take, and how much of it
pruning could give back, as podman's system df: images are active when a
container uses them, containers when they run, volumes count the containers
using them. --format takes a Go template over the summary lines' fields
(.Type, .Total, .Active, .Size, .Reclaimable, .RawSize, .RawReclaimable)
or json. -v lists every image, container and volume instead.`,
		Args:              common.NoArgs,
		ValidArgsFunction: common.NoCompletion,
		Example: `  podlite system df
  podlite system df -v
  podlite system df --format '{{.Type}}\t{{.Reclaimable}}'`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if verbose && format != "" {
				return fmt.Errorf("cannot combine --format and --verbose flags: %w", define.ErrInvalidArg)
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			report, err := rt.DiskUsage(cmd.Context())
			if err != nil {
				return err
			}
			if verbose {
				return writeDfVerbose(cmd.OutOrStdout(), report)
			}
			rows := make([]dfSummary, 0, 3)
			for _, s := range report.Summary() {
				rows = append(rows, dfSummary{s})
			}
			return common.Write(cmd.OutOrStdout(), format,
				"table {{.Type}}\t{{.Total}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}", rows, nil)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&verbose, "verbose", "v", false, "list every image, container and volume")
	f.StringVar(&format, "format", "", "Go template over the summary lines, or json")
	return cmd
}

// dfSummary is a summary line with podman's template methods and JSON.
type dfSummary struct{ sysinfo.DfSummary }

func (d dfSummary) Size() string { return units.HumanSize(float64(d.RawSize)) }

// Reclaimable is podman's "1.2MB (40%)".
func (d dfSummary) Reclaimable() string {
	percent := 0
	if d.RawSize > 0 {
		percent = int(math.Round(float64(d.RawReclaimable) / float64(d.RawSize) * 100))
	}
	return fmt.Sprintf("%s (%d%%)", units.HumanSize(float64(d.RawReclaimable)), percent)
}

// MarshalJSON adds podman's docker-compatible keys to the raw fields.
func (d dfSummary) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		sysinfo.DfSummary
		TotalCount  int
		Size        string
		Reclaimable string
	}{d.DfSummary, d.Total, d.Size(), d.Reclaimable()})
}

// writeDfVerbose prints podman's three tables of `system df -v`.
func writeDfVerbose(w io.Writer, r *sysinfo.DfReport) error {
	images := make([]dfImage, 0, len(r.Images))
	for _, i := range r.Images {
		images = append(images, dfImage{i})
	}
	ctrs := make([]dfContainer, 0, len(r.Containers))
	for _, c := range r.Containers {
		ctrs = append(ctrs, dfContainer{c})
	}
	vols := make([]dfVolume, 0, len(r.Volumes))
	for _, v := range r.Volumes {
		vols = append(vols, dfVolume{v})
	}
	fmt.Fprint(w, "Images space usage:\n\n")
	if err := common.Write(w, "", "table {{.Repository}}\t{{.Tag}}\t{{.ImageID}}\t{{.Created}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}", images, nil); err != nil {
		return err
	}
	fmt.Fprint(w, "\nContainers space usage:\n\n")
	if err := common.Write(w, "", "table {{.ContainerID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.RWSize}}\t{{.Created}}\t{{.Status}}\t{{.Names}}", ctrs, map[string]string{"RWSize": "SIZE"}); err != nil {
		return err
	}
	fmt.Fprint(w, "\nLocal Volumes space usage:\n\n")
	return common.Write(w, "", "table {{.VolumeName}}\t{{.Links}}\t{{.Size}}", vols, nil)
}

type dfImage struct{ sysinfo.DfImage }

func (d dfImage) ImageID() string    { return d.DfImage.ImageID[:min(12, len(d.DfImage.ImageID))] }
func (d dfImage) Created() string    { return units.HumanDuration(time.Since(d.DfImage.Created)) }
func (d dfImage) Size() string       { return units.HumanSize(float64(d.DfImage.Size)) }
func (d dfImage) SharedSize() string { return units.HumanSize(float64(d.DfImage.SharedSize)) }
func (d dfImage) UniqueSize() string { return units.HumanSize(float64(d.DfImage.UniqueSize)) }

type dfContainer struct{ sysinfo.DfContainer }

func (d dfContainer) ContainerID() string {
	return d.DfContainer.ContainerID[:min(12, len(d.DfContainer.ContainerID))]
}
func (d dfContainer) Image() string   { return d.DfContainer.Image[:min(12, len(d.DfContainer.Image))] }
func (d dfContainer) Command() string { return strings.Join(d.DfContainer.Command, " ") }
func (d dfContainer) RWSize() string  { return units.HumanSize(float64(d.DfContainer.RWSize)) }
func (d dfContainer) Created() string { return units.HumanDuration(time.Since(d.DfContainer.Created)) }

type dfVolume struct{ sysinfo.DfVolume }

func (d dfVolume) Size() string { return units.HumanSize(float64(d.DfVolume.Size)) }
