package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/tarball"
	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"

	"github.com/podlite/podlite/libpod/define"
)

// FreeImageName returns the full name a new local image called name gets
// ("ck" → "localhost/ck:latest"), or an error wrapping define.ErrExists
// when an image holds that name already: a new image must not take the
// name away from another.
func (s *Store) FreeImageName(name string) (string, error) {
	named, err := s.freeName(name)
	if err != nil {
		return "", err
	}
	return named.String(), nil
}

func (s *Store) freeName(name string) (reference.Named, error) {
	named, err := localName(name)
	if err != nil {
		return nil, err
	}
	img, err := s.lookupName(named)
	if err != nil {
		return nil, fmt.Errorf("looking up image %s: %w", named, err)
	}
	if img != nil {
		return nil, fmt.Errorf("image %s exists already (ID %s): %w", named, shortID(img.ID), define.ErrExists)
	}
	return named, nil
}

// LayerImageOptions describe the image CreateLayerImage makes.
type LayerImageOptions struct {
	// Name is the image's name, which must be free (see FreeImageName).
	Name string
	// Annotations go on the image's OCI manifest, where `image inspect`
	// shows them and registries keep them.
	Annotations map[string]string
	// Comment is the history comment of the layer.
	Comment string
}

// CreateLayerImage makes a one-layer OCI image from the uncompressed tar
// at layerTar, with no command, entrypoint or environment: an image that
// carries data, not a root filesystem (checkpoint --create-image). The
// layer keeps the tar byte for byte: WriteLayer gives it back in the
// same order, with the same headers. A failed copy leaves no image.
func (s *Store) CreateLayerImage(ctx context.Context, layerTar string, o LayerImageOptions) (*Image, error) {
	named, err := s.freeName(o.Name)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	cfg := imgspecv1.Image{Created: &now}
	if o.Comment != "" {
		cfg.History = []imgspecv1.History{{Comment: o.Comment}}
	}
	ref, err := tarball.NewReference([]string{layerTar}, nil)
	if err != nil {
		return nil, fmt.Errorf("creating image %s from %s: %w: %w", named, layerTar, err, define.ErrInvalidArg)
	}
	if err := ref.(tarball.ConfigUpdater).ConfigUpdate(cfg, o.Annotations); err != nil {
		return nil, fmt.Errorf("creating image %s: %w", named, err)
	}
	sys := s.systemContext(nil)
	id, err := s.copyIn(ctx, ref, named, copyOptions{sourceCtx: sys, destCtx: sys})
	if err != nil {
		return nil, fmt.Errorf("creating image %s: %w", named, err)
	}
	return s.Image(id)
}

// WriteLayer writes the only layer of image nameOrID, uncompressed, to w.
// containers/storage keeps each layer's tar headers beside its files, so
// this is the tar the layer was created or pulled from, in its order. An
// image with no layer or with several is refused with an error wrapping
// define.ErrInvalidArg.
func (s *Store) WriteLayer(nameOrID string, w io.Writer) error {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	if img.TopLayer == "" {
		return fmt.Errorf("image %s has no layer: %w", nameOrID, define.ErrInvalidArg)
	}
	layer, err := s.store.Layer(img.TopLayer)
	if errors.Is(err, cstorage.ErrLayerUnknown) {
		return fmt.Errorf("reading the layer of image %s: %w", nameOrID, define.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("reading the layer of image %s: %w", nameOrID, err)
	}
	if layer.Parent != "" {
		return fmt.Errorf("image %s has more than one layer: %w", nameOrID, define.ErrInvalidArg)
	}
	uncompressed := archive.Uncompressed
	rc, err := s.store.Diff("", layer.ID, &cstorage.DiffOptions{Compression: &uncompressed})
	if err != nil {
		return fmt.Errorf("reading the layer of image %s: %w", nameOrID, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("reading the layer of image %s: %w", nameOrID, err)
	}
	return nil
}
