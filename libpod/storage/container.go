package storage

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/chrootarchive"
	"go.podman.io/storage/pkg/directory"
	"go.podman.io/storage/pkg/idtools"

	"github.com/podlite/podlite/libpod/define"
)

// CreateContainer creates the read-write rootfs of podlite container id,
// layered on image imageID ("" for an empty rootfs), and returns its
// storage ID, which is id itself.
func (s *Store) CreateContainer(id, imageID string) (string, error) {
	return s.CreateContainerMapped(id, imageID, nil, nil)
}

// CreateContainerMapped is CreateContainer for a container in a user
// namespace with these ID mappings: its rootfs is a copy of the image's
// owned by the mapped IDs (empty mappings: the host's IDs).
func (s *Store) CreateContainerMapped(id, imageID string, uids, gids []specs.LinuxIDMapping) (string, error) {
	opts := &cstorage.ContainerOptions{}
	if len(uids) > 0 {
		opts.UIDMap, opts.GIDMap = idMaps(uids), idMaps(gids)
	}
	c, err := s.store.CreateContainer(id, nil, imageID, "", "", opts)
	switch {
	case errors.Is(err, cstorage.ErrDuplicateID), errors.Is(err, cstorage.ErrDuplicateName):
		return "", fmt.Errorf("creating rootfs of container %s: %w", id, define.ErrExists)
	case errors.Is(err, cstorage.ErrImageUnknown):
		return "", fmt.Errorf("creating rootfs of container %s: image %s: %w", id, imageID, define.ErrNotFound)
	case err != nil:
		return "", fmt.Errorf("creating rootfs of container %s: %w", id, err)
	}
	return c.ID, nil
}

// Mount mounts a container's rootfs and returns where. Mounts are counted
// across processes: each Mount needs an Unmount.
func (s *Store) Mount(storageID string) (string, error) {
	dir, err := s.store.Mount(storageID, "")
	if err != nil {
		return "", containerError(storageID, "mounting rootfs of", err)
	}
	return dir, nil
}

// Unmount undoes one Mount of a container's rootfs, or with force all of
// them. Unmounting a rootfs that is not mounted, or no longer exists (a
// removal interrupted after deleting it), is not an error.
func (s *Store) Unmount(storageID string, force bool) error {
	_, err := s.store.Unmount(storageID, force)
	if err != nil && !errors.Is(err, cstorage.ErrLayerNotMounted) && !errors.Is(err, cstorage.ErrContainerUnknown) &&
		!errors.Is(err, cstorage.ErrLayerUnknown) {
		return containerError(storageID, "unmounting rootfs of", err)
	}
	return nil
}

// Mounted reports whether a container's rootfs is mounted.
func (s *Store) Mounted(storageID string) (bool, error) {
	n, err := s.store.Mounted(storageID)
	if err != nil {
		return false, containerError(storageID, "checking mounts of", err)
	}
	return n > 0, nil
}

// DeleteContainer unmounts and deletes a container's rootfs. Deleting one
// that does not exist is not an error.
func (s *Store) DeleteContainer(storageID string) error {
	if _, err := s.store.Container(storageID); errors.Is(err, cstorage.ErrContainerUnknown) {
		return nil
	} else if err != nil {
		return containerError(storageID, "looking up rootfs of", err)
	}
	if err := s.Unmount(storageID, true); err != nil {
		return err
	}
	if err := s.store.DeleteContainer(storageID); err != nil && !errors.Is(err, cstorage.ErrContainerUnknown) {
		return containerError(storageID, "deleting rootfs of", err)
	}
	return nil
}

// ExportRootfs writes the container's whole rootfs to w as a tar stream.
func (s *Store) ExportRootfs(storageID string, w io.Writer) error {
	return s.withMounted(storageID, func(dir string) error {
		if err := TarDir(dir, w); err != nil {
			return fmt.Errorf("exporting rootfs of container %s: %w", storageID, err)
		}
		return nil
	})
}

// TarDir writes dir's tree to w as an uncompressed tar stream.
func TarDir(dir string, w io.Writer) error {
	rc, err := archive.Tar(dir, archive.Uncompressed)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}

// withMounted runs fn on the container's mounted rootfs, unmounted again
// after it.
func (s *Store) withMounted(storageID string, fn func(mnt string) error) (retErr error) {
	mnt, err := s.Mount(storageID)
	if err != nil {
		return err
	}
	defer func() {
		if err := s.Unmount(storageID, false); err != nil && retErr == nil {
			retErr = err
		}
	}()
	return fn(mnt)
}

// RootfsDiff writes the container's changes to its image as an
// uncompressed tar in the layer format (deletions as .wh. whiteouts), for
// checkpoint archives.
func (s *Store) RootfsDiff(storageID string, w io.Writer) error {
	c, err := s.store.Container(storageID)
	if err != nil {
		return fmt.Errorf("diffing rootfs of container %s: %w", storageID, err)
	}
	uncompressed := archive.Uncompressed
	rc, err := s.store.Diff("", c.LayerID, &cstorage.DiffOptions{Compression: &uncompressed})
	if err != nil {
		return fmt.Errorf("diffing rootfs of container %s: %w", storageID, err)
	}
	defer rc.Close()
	if _, err := io.Copy(w, rc); err != nil {
		return fmt.Errorf("diffing rootfs of container %s: %w", storageID, err)
	}
	return nil
}

// ApplyRootfsDiff applies a tar of rootfs changes (a layer diff from
// RootfsDiff, whiteouts included, or a plain tar of files) to the
// container's rootfs, on import before the restore. It writes through the
// mounted rootfs, confined to it by a chroot, as a container's own writes
// go: the layer needs no digest or tar-split of the change, which is what
// makes containers/storage's ApplyDiff slow on large diffs.
func (s *Store) ApplyRootfsDiff(storageID string, r io.Reader) error {
	return s.withMounted(storageID, func(mnt string) error {
		if _, err := chrootarchive.ApplyUncompressedLayer(mnt, r, &archive.TarOptions{}); err != nil {
			return fmt.Errorf("applying rootfs changes to container %s: %w", storageID, err)
		}
		return nil
	})
}

// ContainersOfImage returns the storage IDs of the containers whose rootfs
// is layered on image imageID.
func (s *Store) ContainersOfImage(imageID string) ([]string, error) {
	all, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing container rootfs: %w", err)
	}
	var ids []string
	for _, c := range all {
		if c.ImageID == imageID {
			ids = append(ids, c.ID)
		}
	}
	return ids, nil
}

// ContainerIDs returns the storage IDs of every container rootfs.
func (s *Store) ContainerIDs() ([]string, error) {
	all, err := s.Containers()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.ID
	}
	return ids, nil
}

// containerError wraps a storage error about container rootfs id.
func containerError(id, doing string, err error) error {
	if errors.Is(err, cstorage.ErrContainerUnknown) || errors.Is(err, cstorage.ErrLayerUnknown) {
		return fmt.Errorf("%s container %s: %w", doing, id, define.ErrNotFound)
	}
	return fmt.Errorf("%s container %s: %w", doing, id, err)
}

// TarDirectory writes the contents of dir as an uncompressed tar (named
// volumes in checkpoint archives).
func TarDirectory(dir string, w io.Writer) error {
	rc, err := archive.Tar(dir, archive.Uncompressed)
	if err != nil {
		return fmt.Errorf("archiving %s: %w", dir, err)
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}

// UntarDirectory unpacks a tar from TarDirectory into dir, keeping every
// entry inside it.
func UntarDirectory(r io.Reader, dir string) error {
	if err := archive.Untar(r, dir, &archive.TarOptions{}); err != nil {
		return fmt.Errorf("unpacking into %s: %w", dir, err)
	}
	return nil
}

// DeletePaths removes paths (relative to the rootfs, as podman's
// deleted.files lists them) from the container's rootfs layer, by
// applying a diff of whiteouts: the layer records the deletions as its own
// changes would.
func (s *Store) DeletePaths(storageID string, paths []string) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, p := range paths {
		clean := path.Clean("/" + p)
		if clean == "/" {
			continue
		}
		dir, base := path.Split(clean)
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(dir, "/") + archive.WhiteoutPrefix + base, Mode: 0o600}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return s.ApplyRootfsDiff(storageID, &buf)
}

// StorageContainer is a container rootfs as storage records it.
type StorageContainer struct {
	ID, ImageID string
	Names       []string
	Created     time.Time
}

// Containers lists every container rootfs in storage.
func (s *Store) Containers() ([]StorageContainer, error) {
	all, err := s.store.Containers()
	if err != nil {
		return nil, fmt.Errorf("listing container rootfs: %w", err)
	}
	out := make([]StorageContainer, len(all))
	for i, c := range all {
		out[i] = StorageContainer{ID: c.ID, ImageID: c.ImageID, Names: c.Names, Created: c.Created}
	}
	return out, nil
}

// ContainerSizes measures container storageID's rootfs as podman's
// `ps --size` does: rootfs is the size of the image layers below the
// container's own, rw the size of its read-write layer.
func (s *Store) ContainerSizes(storageID string) (rootfs, rw int64, _ error) {
	c, err := s.store.Container(storageID)
	if err != nil {
		return 0, 0, containerError(storageID, "measuring", err)
	}
	top, err := s.store.Layer(c.LayerID)
	if err != nil {
		return 0, 0, containerError(storageID, "measuring", err)
	}
	if rw, err = s.store.DiffSize(top.Parent, top.ID); err != nil {
		return 0, 0, containerError(storageID, "measuring", err)
	}
	for id := top.Parent; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			return 0, 0, containerError(storageID, "measuring", err)
		}
		n, err := s.store.DiffSize(l.Parent, l.ID)
		if err != nil {
			return 0, 0, containerError(storageID, "measuring", err)
		}
		rootfs += n
		id = l.Parent
	}
	return rootfs, rw, nil
}

func idMaps(m []specs.LinuxIDMapping) []idtools.IDMap {
	out := make([]idtools.IDMap, len(m))
	for i, e := range m {
		out[i] = idtools.IDMap{ContainerID: int(e.ContainerID), HostID: int(e.HostID), Size: int(e.Size)}
	}
	return out
}

// DirSize is the disk space the files under path take, as podman counts
// a volume's for prune's reclaimed space.
func DirSize(path string) (int64, error) { return directory.Size(path) }
