package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
)

// CopyUp fills dir, a new volume, with what container storageID's rootfs
// (its image) holds at path, as podman fills the anonymous volumes of an
// image's VOLUME paths. The rootfs is read chrooted, so that links in it
// resolve inside it; a path the image lacks, or that is no directory,
// copies nothing.
func (s *Store) CopyUp(storageID, path, dir string) error {
	return s.withMounted(storageID, func(mnt string) error { return copyUp(mnt, path, dir) })
}

func copyUp(mnt, path, dir string) error {
	src := filepath.Join(mnt, filepath.Clean("/"+path))
	st, err := os.Lstat(src)
	if errors.Is(err, fs.ErrNotExist) || err == nil && !st.IsDir() {
		return nil
	}
	if err != nil {
		return fmt.Errorf("copying %s of the image into its volume: %w", path, err)
	}
	rc, err := chrootarchive.Tar(src, &archive.TarOptions{}, mnt)
	if err != nil {
		return fmt.Errorf("copying %s of the image into its volume: %w", path, err)
	}
	defer rc.Close()
	if err := chrootarchive.Untar(rc, dir, &archive.TarOptions{}); err != nil {
		return fmt.Errorf("copying %s of the image into its volume: %w", path, err)
	}
	return nil
}
