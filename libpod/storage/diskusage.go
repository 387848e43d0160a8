package storage

import (
	"fmt"
	"log/slog"

	cstorage "go.podman.io/storage"
)

// ImageUsage is what one image takes in the store, as podman 5's
// `system df` counts it: the layers no other image uses, and its
// metadata (manifest, config), are unique; layers other images use too
// are shared.
type ImageUsage struct {
	SharedSize, UniqueSize int64
}

// DiskUsage measures every image (by ID) and returns the store's total
// image size: each layer an image uses counted once, plus every image's
// metadata.
func (s *Store) DiskUsage() (map[string]ImageUsage, int64, error) {
	images, err := s.store.Images()
	if err != nil {
		return nil, 0, fmt.Errorf("listing images: %w", err)
	}
	layers, err := s.store.Layers()
	if err != nil {
		return nil, 0, fmt.Errorf("listing layers: %w", err)
	}
	byID := make(map[string]*cstorage.Layer, len(layers))
	for i := range layers {
		byID[layers[i].ID] = &layers[i]
	}
	uses := map[string]int{}
	for i := range images {
		walkImageLayers(&images[i], byID, func(l *cstorage.Layer) { uses[l.ID]++ })
	}
	var total int64
	for id := range uses {
		n, err := s.layerSize(byID[id])
		if err != nil {
			return nil, 0, err
		}
		total += n
	}
	out := make(map[string]ImageUsage, len(images))
	for i := range images {
		var u ImageUsage
		walkImageLayers(&images[i], byID, func(l *cstorage.Layer) {
			n, _ := s.layerSize(l) // measured above
			if uses[l.ID] > 1 {
				u.SharedSize += n
			} else {
				u.UniqueSize += n
			}
		})
		for _, n := range images[i].BigDataSizes {
			u.UniqueSize += n
			total += n
		}
		out[images[i].ID] = u
	}
	return out, total, nil
}

// layerSize is a layer's uncompressed size, measured when the store did
// not record it (and then kept on the layer).
func (s *Store) layerSize(l *cstorage.Layer) (int64, error) {
	if l.UncompressedSize >= 0 {
		return l.UncompressedSize, nil
	}
	n, err := s.store.DiffSize(l.Parent, l.ID)
	if err != nil {
		return 0, fmt.Errorf("measuring layer %s: %w", l.ID, err)
	}
	l.UncompressedSize = n
	return n, nil
}

// walkImageLayers calls fn once for each layer of img, from its top
// layers (the mapped copies too) down to the base.
func walkImageLayers(img *cstorage.Image, byID map[string]*cstorage.Layer, fn func(*cstorage.Layer)) {
	seen := map[string]bool{}
	for _, id := range append([]string{img.TopLayer}, img.MappedTopLayers...) {
		for id != "" && !seen[id] {
			l := byID[id]
			if l == nil {
				slog.Warn("the store misses a layer of an image", "image", img.ID, "layer", id)
				break
			}
			seen[id] = true
			fn(l)
			id = l.Parent
		}
	}
}
