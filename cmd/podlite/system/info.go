package system

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/sysinfo"
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
			info.Version = buildVersion()
			if format == "" {
				return writeInfo(os.Stdout, info)
			}
			if common.IsJSON(format) {
				return common.WriteJSON(os.Stdout, info)
			}
			return common.Write(os.Stdout, format, "", []*sysinfo.Info{info}, nil)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print as json or with a Go template")
	return cmd
}

// writeInfo prints info in podman's default YAML-like layout: every field
// of the JSON form, keys sorted, nested blocks indented.
func writeInfo(w io.Writer, i *sysinfo.Info) error {
	b, err := json.Marshal(i)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	var out strings.Builder
	writeYAML(&out, tree, "")
	_, err = io.WriteString(w, out.String())
	return err
}

func writeYAML(out *strings.Builder, v map[string]any, indent string) {
	for _, k := range slices.Sorted(maps.Keys(v)) {
		switch val := v[k].(type) {
		case map[string]any:
			fmt.Fprintf(out, "%s%s:\n", indent, k)
			writeYAML(out, val, indent+"  ")
		case []any:
			fmt.Fprintf(out, "%s%s:\n", indent, k)
			for _, item := range val {
				fmt.Fprintf(out, "%s- %v\n", indent+"  ", item)
			}
		case nil:
			fmt.Fprintf(out, "%s%s: null\n", indent, k)
		default:
			fmt.Fprintf(out, "%s%s: %v\n", indent, k, val)
		}
	}
}
