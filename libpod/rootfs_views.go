package libpod

import (
	"errors"
	"fmt"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// DiffKind says what a name given to Diff may be.
type DiffKind int

const (
	// DiffAny is an image or a container (podman's top-level diff).
	DiffAny DiffKind = iota
	// DiffContainer is a container only.
	DiffContainer
	// DiffImage is an image only.
	DiffImage
)

// diffHidden are the paths podlite (and podman) make in every container
// for its own use; a diff leaves them out, as podman's does.
var diffHidden = map[string]bool{
	"/dev": true, "/etc/hostname": true, "/etc/hosts": true, "/etc/resolv.conf": true, "/proc": true,
	"/run": true, "/run/notify": true, "/run/.containerenv": true, "/run/secrets": true, "/sys": true,
	"/etc/mtab": true,
}

// Diff lists what the rootfs of to (a container's, or an image's top
// layer) changed against from, or against its parent layer when from is
// "", sorted by path.
func (r *Runtime) Diff(to, from string, kind DiffKind) ([]storage.Change, error) {
	toLayer, err := r.diffLayer(to, kind)
	if err != nil {
		return nil, err
	}
	fromLayer := ""
	if from != "" {
		if fromLayer, err = r.diffLayer(from, DiffAny); err != nil {
			return nil, err
		}
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	changes, err := store.Changes(fromLayer, toLayer)
	if err != nil {
		return nil, err
	}
	out := changes[:0]
	for _, c := range changes {
		if !diffHidden[c.Path] {
			out = append(out, c)
		}
	}
	return out, nil
}

// diffLayer returns the layer of image or container name: an image first,
// as podman looks, with podman's messages when there is none.
func (r *Runtime) diffLayer(name string, kind DiffKind) (string, error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	if kind != DiffContainer {
		img, err := store.Image(name)
		switch {
		case err == nil:
			return img.TopLayer, nil
		case !errors.Is(err, define.ErrNotFound):
			return "", err
		case kind == DiffImage:
			return "", define.Worded(define.ErrNotFound, fmt.Sprintf("%s not found: %v", name, err))
		}
	}
	c, err := r.LookupContainer(name)
	switch {
	case err == nil && c.config.StorageID == "":
		return "", fmt.Errorf("container %s has no rootfs to diff: %w", c.config.Name, define.ErrNotSupported)
	case err == nil:
		return store.ContainerLayer(c.config.StorageID)
	case !errors.Is(err, define.ErrNotFound):
		return "", err
	case kind == DiffContainer:
		return "", define.Worded(define.ErrNotFound, name+" not found: container not known")
	}
	return "", define.Worded(define.ErrNotFound, name+" not found: layer not known")
}

// MountImage mounts image nameOrID's rootfs read-only.
func (r *Runtime) MountImage(nameOrID string) (*storage.MountedImage, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.MountImage(nameOrID)
}

// UnmountImage undoes one MountImage, or every one with force; it returns
// the image, or nil when it was not mounted.
func (r *Runtime) UnmountImage(nameOrID string, force bool) (*storage.Image, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.UnmountImage(nameOrID, force)
}

// MountedImages lists the mounted images.
func (r *Runtime) MountedImages() ([]*storage.MountedImage, error) {
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	return store.MountedImages()
}
