package libpod

import (
	"context"

	"github.com/podlite/podlite/libpod/storage"
)

// PullImage copies an image from a registry (or another transport, see
// storage.Store.Pull) into local storage and returns it.
func (r *Runtime) PullImage(ctx context.Context, ref string, opts storage.PullOptions) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Pull(ctx, ref, opts)
}

// PushImage copies a local image to dest, by default to the registry its
// name points at.
func (r *Runtime) PushImage(ctx context.Context, nameOrID, dest string, opts storage.PushOptions) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	return store.Push(ctx, nameOrID, dest, opts)
}
