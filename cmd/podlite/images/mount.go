package images

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// mountedJSON is podman's `image mount --format json` item.
type mountedJSON struct {
	ID           string   `json:"id"`
	Names        []string `json:"Names"`
	Repositories []string `json:"Repositories"`
	Mountpoint   string   `json:"mountpoint"`
}

func newMountCommand(g *common.Globals) *cobra.Command {
	var all bool
	var format string
	cmd := &cobra.Command{
		Use:               "mount [options] [IMAGE...]",
		Short:             "Mount an image's root filesystem",
		Long:              "Mount images' root filesystems read-only and print where; without an image, list the mounted images.",
		Args:              common.MinArgs(0),
		Example:           "  podlite image mount busybox\n  podlite image mount --format json",
		ValidArgsFunction: completeImages(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "" && format != "json" {
				return define.Worded(define.ErrInvalidArg, fmt.Sprintf("unknown --format argument: %q", format))
			}
			if all && len(args) > 0 {
				return define.Worded(define.ErrInvalidArg, "when using the --all switch, you may not pass any image names or IDs")
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if all {
				if args, err = allImageIDs(rt); err != nil {
					return err
				}
			}
			var mounted []*storage.MountedImage
			for _, name := range args {
				m, err := rt.MountImage(name)
				if err != nil {
					return err
				}
				mounted = append(mounted, m)
			}
			if len(args) == 1 && !all {
				_, err := fmt.Fprintln(cmd.OutOrStdout(), mounted[0].Mountpoint)
				return err
			}
			if len(args) == 0 && !all {
				if mounted, err = rt.MountedImages(); err != nil {
					return err
				}
			}
			return writeMounted(cmd.OutOrStdout(), format, mounted)
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "mount all images")
	cmd.Flags().StringVar(&format, "format", "", "print the mounted images in json")
	return cmd
}

// writeMounted lists mounted images as podman does: "NAME  MOUNTPOINT"
// lines, or json.
func writeMounted(w io.Writer, format string, mounted []*storage.MountedImage) error {
	if format == "json" {
		items := make([]mountedJSON, 0, len(mounted))
		for _, m := range mounted {
			items = append(items, mountedJSON{ID: m.ID, Names: nonNil(m.Digests), Repositories: nonNil(m.Names), Mountpoint: m.Mountpoint})
		}
		b, err := json.MarshalIndent(items, "", " ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	for _, m := range mounted {
		name := m.ID
		if len(m.Names) > 0 {
			name = m.Names[0]
		}
		if _, err := fmt.Fprintf(w, "%s  %s\n", name, m.Mountpoint); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func newUnmountCommand(g *common.Globals) *cobra.Command {
	var all, force bool
	cmd := &cobra.Command{
		Use:               "unmount [options] IMAGE [IMAGE...]",
		Aliases:           []string{"umount"},
		Short:             "Unmount an image's root filesystem",
		Long:              "Undo one mount of each image (every mount with --force) and print the IDs of the images unmounted.",
		Args:              common.MinArgs(0),
		Example:           "  podlite image unmount busybox\n  podlite image unmount --all",
		ValidArgsFunction: completeImages(g),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return define.Worded(define.ErrInvalidArg, "when using the --all switch, you may not pass any image names or IDs")
			case !all && len(args) == 0:
				return define.Worded(define.ErrInvalidArg, "image name or ID must be specified")
			}
			rt, err := g.Runtime()
			if err != nil {
				return err
			}
			if all {
				mounted, err := rt.MountedImages()
				if err != nil {
					return err
				}
				for _, m := range mounted {
					args = append(args, m.ID)
				}
			}
			for _, name := range args {
				img, err := rt.UnmountImage(name, force)
				if err != nil {
					return err
				}
				if img != nil {
					fmt.Fprintln(cmd.OutOrStdout(), img.ID)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&all, "all", "a", false, "unmount all of the currently mounted images")
	cmd.Flags().BoolVarP(&force, "force", "f", false, "force the complete unmount of the specified mounted images")
	return cmd
}

// allImageIDs lists every image's ID, for --all.
func allImageIDs(rt *libpod.Runtime) ([]string, error) {
	store, err := rt.Storage()
	if err != nil {
		return nil, err
	}
	imgs, err := store.Images()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(imgs))
	for i, img := range imgs {
		ids[i] = img.ID
	}
	return ids, nil
}
