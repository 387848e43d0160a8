package images

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
)

// imageRow is one line of `images`; its fields and methods are podman's
// template names.
type imageRow struct {
	libpod.ImageRow
	noTrunc bool
}

// ID is the image ID, 12 hex digits or "sha256:…" with --no-trunc.
func (r imageRow) ID() string { return displayID(r.ImageSummary.ID, r.noTrunc) }

// Id is the full image ID.
func (r imageRow) Id() string { return r.ImageSummary.ID } //nolint:revive // podman's name

func (r imageRow) Created() string {
	return units.HumanDuration(time.Since(r.Image.Created)) + " ago"
}
func (r imageRow) CreatedSince() string { return r.Created() }
func (r imageRow) CreatedAt() string    { return r.Image.Created.Truncate(time.Second).UTC().String() }
func (r imageRow) CreatedTime() string  { return r.CreatedAt() }
func (r imageRow) Size() string         { return podmanSize(r.ImageSummary.Size) }
func (r imageRow) History() string      { return strings.Join(r.ImageSummary.History, ", ") }

// HistoryOrNone is the default table's HISTORY column.
func (r imageRow) HistoryOrNone() string {
	if h := r.History(); h != "" {
		return h
	}
	return "<none>"
}
func (r imageRow) IsDangling() bool { return r.Dangling }
func (r imageRow) IsReadOnly() bool { return r.ReadOnly }

// imageJSON is one image of `images --format json`: podman prints
// RepoTags as null and adds the creation time twice.
type imageJSON struct {
	libpod.ImageSummary
	Created   int64
	CreatedAt string
}

func newListCommand(g *common.Globals) *cobra.Command {
	var all, quiet, noTrunc, noHeading, digests, history bool
	var format, sortKey string
	var filters []string
	cmd := &cobra.Command{
		Use:               "images [options] [IMAGE]",
		Short:             "List images",
		Args:              common.RangeArgs(0, 1),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite images
  podlite images -q --filter dangling=true
  podlite images --sort repository --format '{{.Repository}}:{{.Tag}} {{.Size}}'
  podlite image ls --format json busybox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				if len(filters) > 0 {
					return define.Worded(define.ErrInvalidArg, "cannot specify an image and a filter(s)")
				}
				filters = append(filters, "reference="+args[0])
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			sums, err := rt.ImageSummaries(cmd.Context(), filters)
			if err != nil {
				return err
			}
			rows, err := libpod.ImageRows(sums, sortKey)
			if err != nil {
				return err
			}
			switch {
			case common.IsJSON(format):
				return writeImagesJSON(rows)
			case quiet:
				writeImageIDs(rows, noTrunc)
				return nil
			}
			if format == "" {
				format = imagesTable(digests, history, sums)
			}
			return writeImageRows(rows, format, noTrunc, noHeading)
		},
	}
	f := cmd.Flags()
	// Podman hides intermediate build images without -a; podlite has none.
	f.BoolVarP(&all, "all", "a", false, "show all images (podlite keeps no intermediate images, so all are shown anyway)")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only image IDs")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate image IDs")
	f.BoolVarP(&noHeading, "noheading", "n", false, "do not print column headings")
	f.BoolVar(&digests, "digests", false, "show digests")
	f.BoolVar(&history, "history", false, "show the names each image has had")
	f.StringVar(&sortKey, "sort", "created", "sort by "+strings.Join(libpod.ImageSortKeys, ", "))
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	f.StringArrayVarP(&filters, "filter", "f", nil, "filter KEY=VALUE: reference, id, digest, dangling, label, label!, before, since, after, until, readonly, containers, intermediate, manifest")
	return cmd
}

// imagesTable is podman's default table for the flags given; it shows a
// R/O column when an image is read-only.
func imagesTable(digests, history bool, sums []*libpod.ImageSummary) string {
	cols := []string{"{{.Repository}}", "{{.Tag}}"}
	if digests {
		cols = append(cols, "{{.Digest}}")
	}
	cols = append(cols, "{{.ID}}", "{{.Created}}", "{{.Size}}")
	if history {
		cols = append(cols, "{{.HistoryOrNone}}")
	}
	for _, s := range sums {
		if s.ReadOnly {
			cols = append(cols, "{{.ReadOnly}}")
			break
		}
	}
	return "table " + strings.Join(cols, "\t")
}

func writeImageRows(rows []libpod.ImageRow, format string, noTrunc, noHeading bool) error {
	out := make([]imageRow, 0, len(rows))
	for _, r := range rows {
		out = append(out, imageRow{ImageRow: r, noTrunc: noTrunc})
	}
	var buf bytes.Buffer
	headers := map[string]string{"ID": "IMAGE ID", "ReadOnly": "R/O", "HistoryOrNone": "HISTORY"}
	if err := common.Write(&buf, format, "", out, headers); err != nil {
		return err
	}
	text := buf.String()
	if noHeading && strings.HasPrefix(strings.TrimSpace(format), "table") {
		_, text, _ = strings.Cut(text, "\n")
	}
	_, err := os.Stdout.WriteString(text)
	return err
}

// writeImageIDs prints each image's ID once, in row order.
func writeImageIDs(rows []libpod.ImageRow, noTrunc bool) {
	seen := map[string]bool{}
	for _, r := range rows {
		if id := displayID(r.ImageSummary.ID, noTrunc); !seen[id] {
			seen[id] = true
			fmt.Println(id)
		}
	}
}

// writeImagesJSON prints one object per row, as podman does (an image
// with two names appears twice).
func writeImagesJSON(rows []libpod.ImageRow) error {
	out := make([]imageJSON, 0, len(rows))
	for _, r := range rows {
		j := imageJSON{ImageSummary: *r.ImageSummary, Created: r.Image.Created.Unix(), CreatedAt: r.Image.Created.UTC().Format(time.RFC3339Nano)}
		j.RepoTags = nil
		out = append(out, j)
	}
	return common.WriteJSON(os.Stdout, out)
}

// podmanSize spells a size as podman does: "2.13 MB".
func podmanSize(n int64) string {
	s := units.HumanSizeWithPrecision(float64(n), 3)
	j := strings.LastIndexFunc(s, unicode.IsNumber)
	return s[:j+1] + " " + s[j+1:]
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
