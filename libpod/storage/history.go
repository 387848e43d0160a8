package storage

import (
	"context"
	"fmt"
	"time"

	cstorage "go.podman.io/storage"
)

// HistoryLayer is one step of an image's history, newest first, in the
// JSON shape of podman's `image history --format json`.
type HistoryLayer struct {
	// ID is the ID of the image whose top layer this step made, or
	// "<missing>" for a step that is no image's top.
	ID        string    `json:"id"`
	Created   time.Time `json:"created,omitempty"`
	CreatedBy string    `json:",omitempty"`
	Tags      []string  `json:"tags,omitempty"`
	// Size is the step's layer's uncompressed size, 0 for a step that
	// made no layer.
	Size    int64  `json:"size"`
	Comment string `json:"comment,omitempty"`
}

// History returns the steps that built the image nameOrID, newest first,
// walking its OCI config's history down its layer chain as podman does.
func (s *Store) History(ctx context.Context, nameOrID string) ([]HistoryLayer, error) {
	stored, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	cfg, err := s.ociConfig(ctx, stored.ID)
	if err != nil {
		return nil, err
	}
	tops, err := s.imagesByTopLayer()
	if err != nil {
		return nil, err
	}
	var layer *cstorage.Layer
	if stored.TopLayer != "" {
		if layer, err = s.store.Layer(stored.TopLayer); err != nil {
			return nil, fmt.Errorf("reading top layer of image %s: %w", stored.ID, err)
		}
	}
	used := map[string]bool{}
	out := make([]HistoryLayer, 0, len(cfg.History))
	for x := len(cfg.History) - 1; x >= 0; x-- {
		h := cfg.History[x]
		step := HistoryLayer{ID: "<missing>", CreatedBy: h.CreatedBy, Comment: h.Comment}
		if h.Created != nil {
			step.Created = *h.Created
		}
		if layer != nil {
			if !h.EmptyLayer {
				step.Size = layer.UncompressedSize
			}
			if imgs := tops[layer.ID]; len(imgs) > 0 {
				if id := imgs[0].ID; !used[id] {
					step.ID, used[id] = id, true
				}
				for _, img := range imgs {
					step.Tags = append(step.Tags, img.Names...)
				}
			}
			if layer.Parent == "" {
				layer = nil
			} else if !h.EmptyLayer {
				if layer, err = s.store.Layer(layer.Parent); err != nil {
					return nil, fmt.Errorf("reading layers of image %s: %w", stored.ID, err)
				}
			}
		}
		out = append(out, step)
	}
	return out, nil
}

// imagesByTopLayer maps each layer that is an image's top to its images.
func (s *Store) imagesByTopLayer() (map[string][]cstorage.Image, error) {
	all, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	tops := map[string][]cstorage.Image{}
	for _, img := range all {
		tops[img.TopLayer] = append(tops[img.TopLayer], img)
	}
	return tops, nil
}

// HasChildren reports whether another image is built on img: its top layer
// sits on img's, or it shares img's top layer and is newer (a step that
// added no layer).
func (s *Store) HasChildren(img *Image) (bool, error) {
	if img.TopLayer == "" {
		return false, nil
	}
	all, err := s.store.Images()
	if err != nil {
		return false, fmt.Errorf("listing images: %w", err)
	}
	for _, other := range all {
		if other.ID == img.ID || other.TopLayer == "" {
			continue
		}
		if other.TopLayer == img.TopLayer && other.Created.After(img.Created) {
			return true, nil
		}
		layer, err := s.store.Layer(other.TopLayer)
		if err != nil {
			return false, fmt.Errorf("reading top layer of image %s: %w", other.ID, err)
		}
		if layer.Parent == img.TopLayer {
			return true, nil
		}
	}
	return false, nil
}

// TreeLayer is one layer of an image, for `image tree`.
type TreeLayer struct {
	ID   string
	Size int64
	// TopOf names the images whose top layer this is.
	TopOf []string
}

// Layers returns the layers of image nameOrID, bottom first.
func (s *Store) Layers(nameOrID string) ([]TreeLayer, error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	images, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	var out []TreeLayer
	for id := img.TopLayer; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, s.imageError(img.ID, "reading a layer of", err)
		}
		tl := TreeLayer{ID: l.ID, Size: l.UncompressedSize}
		for _, other := range images {
			if other.TopLayer == l.ID {
				tl.TopOf = append(tl.TopOf, other.Names...)
			}
		}
		out = append([]TreeLayer{tl}, out...)
		id = l.Parent
	}
	return out, nil
}
