package libpod

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/storage"
)

// ImageSummary is one image as `images` lists it, with podman's field
// names (its JSON keys are podman's ImageSummary's).
type ImageSummary struct {
	ID string `json:"Id"`
	// ParentId is always "": podlite builds no images on others.
	ParentId    string //nolint:revive // podman's key
	RepoTags    []string
	RepoDigests []string
	Size        int64
	// SharedSize is always 0, as in podman.
	SharedSize  int
	VirtualSize int64
	Labels      map[string]string
	// Containers counts the containers using the image.
	Containers int
	ReadOnly   bool     `json:",omitempty"`
	Dangling   bool     `json:",omitempty"`
	Names      []string `json:",omitempty"`
	Digest     string   `json:",omitempty"`
	// History are the names the image has had, newest first.
	History []string `json:",omitempty"`
	// Image is the stored image the summary describes.
	Image *storage.Image `json:"-"`
}

// ImageSortKeys are the keys `images --sort` takes, as podman's.
var ImageSortKeys = []string{"created", "id", "repository", "size", "tag"}

// ImageRow is one line of `images`: an image under one of its names, or
// under "<none>" when it has none.
type ImageRow struct {
	*ImageSummary
	Repository string
	Tag        string
}

// ListImages returns the local images that pass every filter (see
// filter.Images for the keys), newest first.
func (r *Runtime) ListImages(ctx context.Context, filters []string) ([]*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	match, err := filter.Images(filters, r.imageFilterContext(store))
	if err != nil {
		return nil, err
	}
	all, err := store.Images()
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, img := range all {
		if match(img) {
			out = append(out, img)
		}
	}
	return out, nil
}

// ImageSummaries is ListImages with each image summed up as podman's
// `images` shows it.
func (r *Runtime) ImageSummaries(ctx context.Context, filters []string) ([]*ImageSummary, error) {
	imgs, err := r.ListImages(ctx, filters)
	if err != nil {
		return nil, err
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	out := make([]*ImageSummary, 0, len(imgs))
	for _, img := range imgs {
		users, err := store.ContainersOfImage(img.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, &ImageSummary{
			ID: img.ID, RepoTags: nonNilStrings(img.Names), RepoDigests: nonNilStrings(img.RepoDigests),
			Size: img.Size, VirtualSize: img.Size, Labels: img.Config.Labels, Containers: len(users),
			ReadOnly: img.ReadOnly, Dangling: img.Dangling(), Names: img.Names, Digest: img.Digest,
			History: img.NamesHistory, Image: img,
		})
	}
	return out, nil
}

// imageFilterContext gives the image filters access to other images,
// containers and layers.
func (r *Runtime) imageFilterContext(store *storage.Store) *filter.ImageContext {
	return &filter.ImageContext{
		Lookup: store.Image,
		Users: func(img *storage.Image) (int, int) {
			ids, err := store.ContainersOfImage(img.ID)
			if err != nil {
				slog.Warn("image filter: listing containers", "image", img.ID, "err", err)
				return 0, 0
			}
			external := 0
			for _, id := range ids {
				if _, err := r.LookupContainer(id); errors.Is(err, define.ErrNotFound) {
					external++
				}
			}
			return len(ids), external
		},
		HasChildren: func(img *storage.Image) bool {
			has, err := store.HasChildren(img)
			if err != nil {
				slog.Warn("image filter intermediate: reading layers", "image", img.ID, "err", err)
			}
			return has
		},
	}
}

// ImageRows turns summaries into `images` lines, one per name with a
// tag, sorted by key (one of ImageSortKeys; "" is "created").
func ImageRows(summaries []*ImageSummary, key string) ([]ImageRow, error) {
	if key == "" {
		key = "created"
	}
	if !slices.Contains(ImageSortKeys, key) {
		return nil, define.Worded(define.ErrInvalidArg, fmt.Sprintf(
			"%q is not a valid field for sorting. Choose from: %s", key, strings.Join(ImageSortKeys, ", ")))
	}
	var rows []ImageRow
	for _, s := range summaries {
		if len(s.Names) == 0 {
			rows = append(rows, ImageRow{ImageSummary: s, Repository: "<none>", Tag: "<none>"})
			continue
		}
		for _, name := range s.Names {
			repo, tag := storage.SplitName(name)
			if tag == "" {
				tag = "<none>"
			}
			rows = append(rows, ImageRow{ImageSummary: s, Repository: repo, Tag: tag})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch key {
		case "id":
			return a.ID < b.ID
		case "repository":
			return a.Repository < b.Repository
		case "size":
			return a.Size < b.Size
		case "tag":
			return a.Tag < b.Tag
		}
		return a.Image.Created.After(b.Image.Created)
	})
	return rows, nil
}

// ImageHistory returns the steps that built an image, newest first.
func (r *Runtime) ImageHistory(ctx context.Context, nameOrID string) ([]storage.HistoryLayer, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	steps, err := store.History(ctx, nameOrID)
	if err != nil {
		return nil, imageNotKnown(nameOrID, err)
	}
	return steps, nil
}

// nonNilStrings returns s, or an empty slice for nil, so JSON shows [].
func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
