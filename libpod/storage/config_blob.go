package storage

import (
	"context"

	"go.podman.io/image/v5/types"
)

// ConfigBlob is image id's config as stored, in its own format (Docker or
// OCI): what the OCI conversion drops, such as HEALTHCHECK, is still in it.
func (s *Store) ConfigBlob(ctx context.Context, id string) ([]byte, error) {
	img, err := s.openImage(ctx, id)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	b, err := img.ConfigBlob(ctx)
	if err != nil {
		return nil, s.imageError(id, "reading config of", err)
	}
	return b, nil
}

// openImage opens stored image id through containers/image; the caller
// closes it.
func (s *Store) openImage(ctx context.Context, id string) (types.ImageCloser, error) {
	ref, err := s.idReference(id)
	if err != nil {
		return nil, err
	}
	img, err := ref.NewImage(ctx, s.systemContext(nil))
	if err != nil {
		return nil, s.imageError(id, "opening", err)
	}
	return img, nil
}
