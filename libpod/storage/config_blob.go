package storage

import "context"

// ConfigBlob is image id's config as stored, in its own format (Docker or
// OCI): what the OCI conversion drops, such as HEALTHCHECK, is still in it.
func (s *Store) ConfigBlob(ctx context.Context, id string) ([]byte, error) {
	ref, err := s.idReference(id)
	if err != nil {
		return nil, err
	}
	img, err := ref.NewImage(ctx, s.systemContext(nil))
	if err != nil {
		return nil, s.imageError(id, "opening", err)
	}
	defer img.Close()
	b, err := img.ConfigBlob(ctx)
	if err != nil {
		return nil, s.imageError(id, "reading config of", err)
	}
	return b, nil
}
