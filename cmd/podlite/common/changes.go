package common

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// changesJSON is podman's `diff --format json` shape.
type changesJSON struct {
	Changed []string `json:"changed,omitempty"`
	Added   []string `json:"added,omitempty"`
	Deleted []string `json:"deleted,omitempty"`
}

// Diff prints what to changed against from ("" for its parent layer),
// to a container or an image as kind allows, as podman's diff does.
func Diff(w io.Writer, g *Globals, format, to, from string, kind libpod.DiffKind) error {
	if format != "" && format != "json" {
		return define.Worded(define.ErrInvalidArg, "only supported value for '--format' is 'json'")
	}
	rt, err := g.Runtime()
	if err != nil {
		return err
	}
	changes, err := rt.Diff(to, from, kind)
	if err != nil {
		return err
	}
	return writeChanges(w, format, changes)
}

// writeChanges prints a diff as podman does: "A /path" lines, or json.
func writeChanges(w io.Writer, format string, changes []storage.Change) error {
	if format != "json" {
		for _, c := range changes {
			if _, err := fmt.Fprintf(w, "%c %s\n", c.Kind, c.Path); err != nil {
				return err
			}
		}
		return nil
	}
	var body changesJSON
	for _, c := range changes {
		switch c.Kind {
		case 'A':
			body.Added = append(body.Added, c.Path)
		case 'D':
			body.Deleted = append(body.Deleted, c.Path)
		default:
			body.Changed = append(body.Changed, c.Path)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "     ") // podman's indentation
	return enc.Encode(body)
}
