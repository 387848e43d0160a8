package storage

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"
	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"

	"github.com/podlite/podlite/libpod/define"
)

// Change is a path a layer changed: Kind is 'A' (added), 'C' (changed)
// or 'D' (deleted), as podman's diff prints them.
type Change struct {
	Kind byte
	Path string
}

// ContainerLayer returns the layer of container rootfs storageID.
func (s *Store) ContainerLayer(storageID string) (string, error) {
	c, err := s.store.Container(storageID)
	if err != nil {
		return "", containerError(storageID, "finding the layer of", err)
	}
	return c.LayerID, nil
}

// Changes lists what layer to changes against layer from ("" for to's
// parent), sorted by path.
func (s *Store) Changes(from, to string) ([]Change, error) {
	changes, err := s.store.Changes(from, to)
	if errors.Is(err, cstorage.ErrLayerUnknown) {
		return nil, fmt.Errorf("diffing layer %s: %w", to, define.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("diffing layer %s: %w", to, err)
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		kind := byte('C')
		switch c.Kind {
		case archive.ChangeAdd:
			kind = 'A'
		case archive.ChangeDelete:
			kind = 'D'
		}
		out = append(out, Change{Kind: kind, Path: c.Path})
	}
	slices.SortFunc(out, func(a, b Change) int { return strings.Compare(a.Path, b.Path) })
	return out, nil
}

// MountedImage is an image mounted by MountImage.
type MountedImage struct {
	*Image
	Mountpoint string
}

// MountImage mounts image nameOrID's rootfs read-only and returns it.
// Mounts are counted across processes: each needs an UnmountImage.
func (s *Store) MountImage(nameOrID string) (*MountedImage, error) {
	img, err := s.Image(nameOrID)
	if err != nil {
		return nil, err
	}
	dir, err := s.store.MountImage(img.ID, nil, "")
	if err != nil {
		return nil, s.imageError(img.ID, "mounting", err)
	}
	return &MountedImage{Image: img, Mountpoint: dir}, nil
}

// ReadImageFile returns the content of path in image id's rootfs (an
// fs.ErrNotExist error when there is none).
func (s *Store) ReadImageFile(id, path string) (_ []byte, retErr error) {
	mi, err := s.MountImage(id)
	if err != nil {
		return nil, err
	}
	defer func() {
		if _, err := s.UnmountImage(id, false); err != nil && retErr == nil {
			retErr = err
		}
	}()
	full, err := securejoin.SecureJoin(mi.Mountpoint, path)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(full)
}

// UnmountImage undoes one MountImage of image nameOrID, or every one with
// force; it returns the image, or nil when it was not mounted.
func (s *Store) UnmountImage(nameOrID string, force bool) (*Image, error) {
	img, err := s.Image(nameOrID)
	if err != nil {
		return nil, err
	}
	n, err := s.store.Mounted(img.TopLayer)
	if err != nil {
		return nil, s.imageError(img.ID, "checking the mount of", err)
	}
	if n == 0 {
		return nil, nil
	}
	if _, err := s.store.UnmountImage(img.ID, force); err != nil {
		return nil, s.imageError(img.ID, "unmounting", err)
	}
	return img, nil
}

// MountedImages lists the images MountImage mounted.
func (s *Store) MountedImages() ([]*MountedImage, error) {
	all, err := s.Images()
	if err != nil {
		return nil, err
	}
	var out []*MountedImage
	for _, img := range all {
		if img.TopLayer == "" {
			continue
		}
		n, err := s.store.Mounted(img.TopLayer)
		if err != nil {
			return nil, s.imageError(img.ID, "checking the mount of", err)
		}
		if n == 0 {
			continue
		}
		layer, err := s.store.Layer(img.TopLayer)
		if err != nil {
			return nil, s.imageError(img.ID, "finding the mount of", err)
		}
		out = append(out, &MountedImage{Image: img, Mountpoint: layer.MountPoint})
	}
	return out, nil
}
