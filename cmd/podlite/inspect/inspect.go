// Package inspect holds the top-level `podlite inspect`, which shows
// containers, images and volumes alike, as podman's does.
package inspect

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/cmd/podlite/networks"
	"github.com/podlite/podlite/cmd/podlite/volumes"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/network"
)

// Register adds `podlite inspect` to root.
func Register(root *cobra.Command, g *common.Globals) {
	root.AddCommand(newInspectCommand(g))
}

var kinds = []string{"container", "image", "network", "pod", "volume", "all"}

func newInspectCommand(g *common.Globals) *cobra.Command {
	var format, kind string
	var latest, size bool
	cmd := &cobra.Command{
		Use:   "inspect [options] NAME [NAME...]",
		Short: "Show the configuration and state of containers, images, volumes, networks or pods",
		Long: `Print each named object as JSON, or through a Go template applied to its
JSON form. With --type all (the default) a name is looked up as a container,
then an image, a volume, a network, a pod.`,
		Args: common.MinArgs(0),
		Example: `  podlite inspect web
  podlite inspect --type image --format '{{.Id}}' localhost/busybox
  podlite inspect --format '{{.State.Pid}}' -l`,
		ValidArgsFunction: common.Complete(g, common.ContainerNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !validKind(kind) {
				return define.Worded(define.ErrInvalidArg, fmt.Sprintf(`invalid type %q: must be "image", "container", "pod", "network", "volume", or "all"`, kind))
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if latest {
				if len(args) > 0 {
					return fmt.Errorf("--latest takes no names: %w", define.ErrInvalidArg)
				}
				c, err := rt.LatestContainer()
				if err != nil {
					return err
				}
				args, kind = []string{c.ID()}, "container"
			}
			if len(args) == 0 {
				return fmt.Errorf("specify at least one name or ID: %w", define.ErrInvalidArg)
			}
			var out []any
			var errs []error
			for _, name := range args {
				data, err := lookup(cmd.Context(), rt, kind, name, size)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				out = append(out, data)
			}
			if out == nil {
				out = []any{}
			}
			if err := common.WriteInspect(os.Stdout, format, out); err != nil {
				return err
			}
			return common.ReportEach(os.Stderr, errs)
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "Go template or json")
	cmd.Flags().StringVarP(&kind, "type", "t", "all", "kind of object: container, image, network, pod, volume or all")
	cmd.Flags().BoolVarP(&size, "size", "s", false, "show a container's sizes (SizeRw, SizeRootFs)")
	cmd.Flags().BoolVarP(&latest, "latest", "l", false, "inspect the latest container")
	_ = cmd.RegisterFlagCompletionFunc("type", cobra.FixedCompletions(kinds, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func validKind(k string) bool {
	for _, v := range kinds {
		if k == v {
			return true
		}
	}
	return false
}

// lookup finds name as the given kind, or as each kind in turn, as
// podman does: container, image, volume, network, pod.
func lookup(ctx context.Context, rt *libpod.Runtime, kind, name string, size bool) (any, error) {
	finders := []struct {
		kind string
		find func() (any, error)
	}{
		{"container", func() (any, error) {
			c, err := rt.LookupContainer(name)
			if err != nil {
				return nil, err
			}
			return inspectContainer(c, size)
		}},
		{"image", func() (any, error) { return rt.InspectImage(ctx, name) }},
		{"volume", func() (any, error) {
			v, err := rt.Volume(name)
			if err != nil {
				return nil, err
			}
			return volumes.Reports([]*define.Volume{v})[0], nil
		}},
		{"network", func() (any, error) {
			n, err := rt.NetworkByName(name)
			if err != nil {
				return nil, err
			}
			return networks.Reports([]*network.Network{n})[0], nil
		}},
		{"pod", func() (any, error) {
			p, err := rt.LookupPod(name)
			if err != nil {
				return nil, err
			}
			return p.Inspect()
		}},
	}
	for _, f := range finders {
		if kind != "all" && kind != f.kind {
			continue
		}
		if data, err := f.find(); err == nil || kind == f.kind {
			return data, err
		}
	}
	return nil, define.Worded(define.ErrNotFound, fmt.Sprintf("no such object: %q", name))
}

func inspectContainer(c *libpod.Container, size bool) (*libpod.InspectData, error) {
	d, err := c.Inspect()
	if err == nil && size {
		err = c.AddSize(d)
	}
	return d, err
}
