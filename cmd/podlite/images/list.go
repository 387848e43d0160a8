package images

import (
	"fmt"
	"os"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

// imageRow is one line of `images`: one per name of each image (one for a
// dangling image). The fields are podman's template names.
type imageRow struct {
	ID         string
	Repository string
	Tag        string
	Digest     string
	Created    string
	CreatedAt  string
	Size       string
	Dangling   bool
}

// imageJSON is one image of `images --format json`, in podman's shape.
type imageJSON struct {
	ID          string            `json:"Id"`
	Names       []string          `json:"Names"`
	RepoTags    []string          `json:"RepoTags"`
	Digest      string            `json:"Digest"`
	Created     int64             `json:"Created"`
	CreatedAt   string            `json:"CreatedAt"`
	Size        int64             `json:"Size"`
	VirtualSize int64             `json:"VirtualSize"`
	Labels      map[string]string `json:"Labels"`
	Dangling    bool              `json:"Dangling"`
}

const imagesTable = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"

func newListCommand(g *common.Globals) *cobra.Command {
	var all, quiet, noTrunc bool
	var format string
	var filters []string
	cmd := &cobra.Command{
		Use:               "images [options] [IMAGE]",
		Short:             "List images",
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite images
  podlite images -q --filter dangling=true
  podlite images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
  podlite image ls --format json busybox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				filters = append(filters, "reference="+args[0])
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			imgs, err := rt.ListImages(cmd.Context(), filters)
			if err != nil {
				return err
			}
			switch {
			case quiet:
				seen := map[string]bool{}
				for _, img := range imgs {
					if id := displayID(img.ID, noTrunc); !seen[id] {
						seen[id] = true
						fmt.Println(id)
					}
				}
				return nil
			case common.IsJSON(format):
				out := make([]imageJSON, 0, len(imgs))
				for _, img := range imgs {
					out = append(out, newImageJSON(img))
				}
				return common.WriteJSON(os.Stdout, out)
			}
			rows := []imageRow{}
			for _, img := range imgs {
				rows = append(rows, newImageRows(img, noTrunc)...)
			}
			return common.Write(os.Stdout, format, imagesTable, rows, map[string]string{"ID": "IMAGE ID"})
		},
	}
	f := cmd.Flags()
	// Podman hides intermediate build images without -a; podlite has none.
	f.BoolVarP(&all, "all", "a", false, "show all images (podlite keeps no intermediate images, so all are shown anyway)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only image IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate image IDs")
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter: reference=PATTERN, dangling=true|false, label=KEY[=VALUE]")
	return cmd
}

func newImageRows(img *storage.Image, noTrunc bool) []imageRow {
	base := imageRow{
		ID:        displayID(img.ID, noTrunc),
		Digest:    img.Digest,
		Created:   units.HumanDuration(time.Since(img.Created)) + " ago",
		CreatedAt: img.Created.Format("2006-01-02 15:04:05.999999999 -0700 MST"),
		Size:      units.HumanSizeWithPrecision(float64(img.Size), 3),
		Dangling:  img.Dangling(),
	}
	if img.Dangling() {
		base.Repository, base.Tag = "<none>", "<none>"
		return []imageRow{base}
	}
	rows := make([]imageRow, 0, len(img.Names))
	for _, name := range img.Names {
		r := base
		r.Repository, r.Tag = storage.SplitName(name)
		if r.Tag == "" {
			r.Tag = "<none>"
		}
		rows = append(rows, r)
	}
	return rows
}

func newImageJSON(img *storage.Image) imageJSON {
	names := img.Names
	if names == nil {
		names = []string{}
	}
	return imageJSON{
		ID: img.ID, Names: names, RepoTags: names, Digest: img.Digest,
		Created: img.Created.Unix(), CreatedAt: img.Created.Format(time.RFC3339Nano),
		Size: img.Size, VirtualSize: img.Size, Labels: img.Config.Labels, Dangling: img.Dangling(),
	}
}

// displayID is an image ID as `images` shows it: 12 hex digits, or the
// whole "sha256:…" with --no-trunc.
func displayID(id string, noTrunc bool) string {
	if noTrunc {
		return "sha256:" + id
	}
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
