package storage

import (
	"fmt"
	"slices"

	"github.com/podlite/podlite/libpod/define"
)

// UntagNames removes names from an image as podman's untag does: each
// name normalized as tag normalizes it ("app" is localhost/app:latest)
// and checked to be the image's before any is removed; no names means
// every name. The image stays, dangling when it has no name left.
func (s *Store) UntagNames(nameOrID string, names []string) error {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	full := slices.Clone(img.Names)
	if len(names) > 0 {
		full = full[:0:0]
		for _, n := range names {
			named, err := localName(n)
			if err != nil {
				return err
			}
			if !slices.Contains(img.Names, named.String()) {
				return define.Worded(define.ErrNotFound, fmt.Sprintf("%s: tag not known", named))
			}
			full = append(full, named.String())
		}
	}
	if len(full) == 0 {
		return nil
	}
	if err := s.store.RemoveNames(img.ID, full); err != nil {
		return s.imageError(img.ID, "untagging", err)
	}
	return nil
}
