package images

import (
	"os"
	"strings"
	"time"

	"github.com/docker/go-units"
	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/storage"
)

// historyRow is one step of `image history`; its fields and methods are
// podman's template names.
type historyRow struct {
	storage.HistoryLayer
	noTrunc, human bool
}

func (h historyRow) ID() string {
	if !h.noTrunc && len(h.HistoryLayer.ID) > 12 && h.HistoryLayer.ID != "<missing>" {
		return h.HistoryLayer.ID[:12]
	}
	return h.HistoryLayer.ID
}

func (h historyRow) Created() string {
	if h.human {
		return units.HumanDuration(time.Since(h.HistoryLayer.Created)) + " ago"
	}
	return h.HistoryLayer.Created.Format(time.RFC3339)
}

func (h historyRow) CreatedAt() string    { return h.HistoryLayer.Created.Format(time.RFC3339) }
func (h historyRow) CreatedSince() string { return h.Created() }

// CreatedBy is truncated to 45 characters, as podman does, unless --no-trunc.
func (h historyRow) CreatedBy() string {
	if !h.noTrunc && len(h.HistoryLayer.CreatedBy) > 45 {
		return h.HistoryLayer.CreatedBy[:42] + "..."
	}
	return h.HistoryLayer.CreatedBy
}

func (h historyRow) Size() string { return podmanSize(h.HistoryLayer.Size) }

func (h historyRow) Tags() string { return strings.Join(h.HistoryLayer.Tags, ", ") }

// historyJSON is podman's JSON step: Created once more as a string.
type historyJSON struct {
	storage.HistoryLayer
	Created string `json:"Created"`
}

const historyTable = "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"

func newHistoryCommand(g *common.Globals) *cobra.Command {
	var human, noTrunc, quiet bool
	var format string
	cmd := &cobra.Command{
		Use:               "history [options] IMAGE",
		Short:             "Show the history of an image",
		Args:              common.ExactArgs(1),
		ValidArgsFunction: common.CompleteFirst(g, common.ImageNames),
		Example: `  podlite image history busybox
  podlite history --no-trunc --format json busybox`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			steps, err := rt.ImageHistory(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			switch {
			case common.IsJSON(format):
				out := make([]historyJSON, 0, len(steps))
				for _, s := range steps {
					out = append(out, historyJSON{HistoryLayer: s, Created: s.Created.Format(time.RFC3339Nano)})
				}
				return common.WriteJSON(os.Stdout, out)
			case quiet:
				format = "{{.ID}}"
			}
			rows := make([]historyRow, 0, len(steps))
			for _, s := range steps {
				rows = append(rows, historyRow{HistoryLayer: s, noTrunc: noTrunc, human: human})
			}
			return common.Write(os.Stdout, format, historyTable, rows, map[string]string{"CreatedBy": "CREATED BY"})
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&human, "human", "H", true, "show dates in human-readable form")
	f.BoolVar(&noTrunc, "no-trunc", false, "do not truncate the output")
	f.BoolVarP(&quiet, "quiet", "q", false, "print only the IDs")
	f.StringVar(&format, "format", "", "Go template, json, or 'table …'")
	return cmd
}
