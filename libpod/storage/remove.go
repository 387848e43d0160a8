package storage

import (
	"errors"
	"fmt"
	"slices"

	"go.podman.io/image/v5/docker/reference"
	cstorage "go.podman.io/storage"

	"github.com/podlite/podlite/libpod/define"
)

// Tag adds newName to an image; a short name goes under localhost/ and a
// missing tag means :latest. The name moves off any image that had it.
// It returns the full name.
func (s *Store) Tag(nameOrID, newName string) (string, error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return "", err
	}
	// podman's wording (its libimage wraps the parse error twice).
	if _, err := reference.Parse(newName); err != nil {
		return "", define.Worded(define.ErrInvalidArg, fmt.Sprintf("normalizing name %q: normalizing name %q: %v", newName, newName, err))
	}
	named, err := localName(newName)
	if err != nil {
		return "", err
	}
	if err := s.addNames(img.ID, []string{named.String()}); err != nil {
		return "", err
	}
	return named.String(), nil
}

// Untag removes fullName from image id; the image stays.
func (s *Store) Untag(id, fullName string) error {
	if err := s.store.RemoveNames(id, []string{fullName}); err != nil {
		return s.imageError(id, "untagging", err)
	}
	return nil
}

// NameOf returns which of an image's stored names the user's name stands
// for, or "" when it names the image by ID.
func (s *Store) NameOf(input string, img *Image) string {
	if tagged := savedName(input, img.Names); tagged != nil {
		return tagged.String()
	}
	return ""
}

// RemoveImage deletes image id and the layers no other image or container
// uses. An image used by a storage container is refused with an error
// wrapping define.ErrInvalidState, unless force, which deletes those
// containers' rootfs first (the caller removes the podlite containers
// themselves before).
func (s *Store) RemoveImage(id string, force bool) error {
	users, err := s.ContainersOfImage(id)
	if err != nil {
		return err
	}
	if len(users) > 0 && !force {
		return fmt.Errorf("image %s is in use by container %s: %w", shortID(id), users[0], define.ErrInvalidState)
	}
	for _, c := range users {
		if err := s.DeleteContainer(c); err != nil {
			return err
		}
	}
	if _, err := s.store.DeleteImage(id, true); err != nil {
		if errors.Is(err, cstorage.ErrImageUsedByContainer) {
			return fmt.Errorf("image %s is in use by a container: %w", shortID(id), define.ErrInvalidState)
		}
		return s.imageError(id, "removing", err)
	}
	return nil
}

// Prune removes dangling images (no name), or with all every image, that
// no container uses and that only (when not nil) accepts, and returns
// their IDs.
func (s *Store) Prune(all bool, only func(id string) bool) ([]string, error) {
	removed, _, err := s.PruneSized(all, only)
	return removed, err
}

// PruneSized is Prune that also adds up the sizes of the images it removed
// (each image's whole size, as podman's system prune counts it).
func (s *Store) PruneSized(all bool, only func(id string) bool) ([]string, int64, error) {
	images, err := s.store.Images()
	if err != nil {
		return nil, 0, fmt.Errorf("listing images: %w", err)
	}
	containers, err := s.store.Containers()
	if err != nil {
		return nil, 0, fmt.Errorf("listing containers: %w", err)
	}
	var removed []string
	var total int64
	for _, img := range images {
		if (!all && len(img.Names) > 0) || (only != nil && !only(img.ID)) || slices.ContainsFunc(containers, func(c cstorage.Container) bool { return c.ImageID == img.ID }) {
			continue
		}
		size, err := s.store.ImageSize(img.ID)
		if err != nil {
			return removed, total, s.imageError(img.ID, "reading size of", err)
		}
		if _, err := s.store.DeleteImage(img.ID, true); err != nil {
			return removed, total, s.imageError(img.ID, "pruning", err)
		}
		removed = append(removed, img.ID)
		total += size
	}
	return removed, total, nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
