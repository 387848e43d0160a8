package libpod

import (
	"context"

	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/storage"
)

// LookupImage resolves a name, short name, digest reference, ID or unique
// ID prefix to a local image.
func (r *Runtime) LookupImage(nameOrID string) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Image(nameOrID)
}

// InspectImage returns the full description of a local image.
func (r *Runtime) InspectImage(ctx context.Context, nameOrID string) (*storage.ImageInspect, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Inspect(ctx, nameOrID)
}

// ListImages returns the local images that pass every filter, newest
// first. Filters are KEY=VALUE:
//
//	reference=PATTERN    a name matches the glob, in full
//	                     ("docker.io/library/busybox:latest"), without tag,
//	                     or without registry ("busybox", "busybox:latest")
//	dangling=true|false  the image has no name (or has one)
//	label=KEY[=VALUE]    the image config has the label (with VALUE)
//
// Several values of one key match if any does.
func (r *Runtime) ListImages(ctx context.Context, filters []string) ([]*storage.Image, error) {
	match, err := filter.Images(filters)
	if err != nil {
		return nil, err
	}
	store, err := r.Storage()
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

// TagImage gives a local image another name and returns the full name
// ("app" becomes "localhost/app:latest").
func (r *Runtime) TagImage(nameOrID, newName string) (string, error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	return store.Tag(nameOrID, newName)
}
