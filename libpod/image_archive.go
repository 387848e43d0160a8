package libpod

import (
	"context"

	"github.com/podlite/podlite/libpod/storage"
)

// LoadImages copies every image of a docker-archive or oci-archive file
// ("-" for stdin) into local storage and returns their names ("sha256:ID" for an image
// without a name).
func (r *Runtime) LoadImages(ctx context.Context, path string) ([]string, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Load(ctx, path)
}

// SaveImages writes local images into one archive file ("-" for stdout);
// format is storage.FormatDockerArchive or storage.FormatOCIArchive.
func (r *Runtime) SaveImages(ctx context.Context, names []string, format, path string) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	return store.Save(ctx, names, format, path)
}

// ImportImage creates an image from a rootfs tarball ("-" for stdin).
func (r *Runtime) ImportImage(ctx context.Context, path string, opts storage.ImportOptions) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.Import(ctx, path, opts)
}
