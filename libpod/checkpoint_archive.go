package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/criu"
	"github.com/podlite/podlite/pkg/network"
)

// Members a podlite archive carries besides the metadata and CRIU's images.
const (
	rootfsDiffMember = criu.MemberRootfsDiff
	volumesMember    = criu.MemberVolumes
	logMember        = criu.MemberLog
)

// exportCheckpoint writes the container's checkpoint (taken just before,
// under the lock) to an archive at path: metadata first, then CRIU's
// images, the rootfs changes and the named volumes' contents.
func (c *Container) exportCheckpointLocked(path string, compression criu.Compression, ignoreRootfs, ignoreVolumes bool) (retErr error) {
	dir := c.userDir()
	members := []string{checkpointConfig, checkpointSpec, networkStatus, criu.MemberStats, checkpointDir, logMember}
	var cleanup []string
	defer func() {
		for _, p := range cleanup {
			_ = os.RemoveAll(p)
		}
	}()
	if !ignoreRootfs && c.config.StorageID != "" {
		store, err := c.rt.Storage()
		if err != nil {
			return err
		}
		diff := filepath.Join(dir, rootfsDiffMember)
		f, err := os.OpenFile(diff, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		cleanup = append(cleanup, diff)
		err = store.RootfsDiff(c.config.StorageID, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		members = append(members, rootfsDiffMember)
	}
	if !ignoreVolumes && len(c.config.Volumes) > 0 {
		vdir := filepath.Join(dir, volumesMember)
		cleanup = append(cleanup, vdir)
		if err := c.rt.tarVolumes(c.config.Volumes, vdir); err != nil {
			return err
		}
		members = append(members, volumesMember)
	}
	// checkpointctl needs network.status even when there is no network.
	if ns := filepath.Join(dir, networkStatus); fileMissing(ns) {
		if err := writeFileAtomic(ns, []byte("{}")); err != nil {
			return err
		}
	}
	var present []string
	for _, m := range members {
		if _, err := os.Stat(filepath.Join(dir, m)); err == nil {
			present = append(present, m)
		}
	}
	f, err := criu.CreateArchive(path)
	if err != nil {
		return fmt.Errorf("creating checkpoint archive %s: %w", path, err)
	}
	defer func() {
		if cerr := f.Close(); retErr == nil {
			retErr = cerr
		}
		if retErr != nil {
			_ = os.Remove(path)
		}
	}()
	manifest := criu.Manifest{ID: c.config.ID, Name: c.config.Name, Image: c.config.ImageName, ImageID: c.config.ImageID, Created: time.Now()}
	hostManifest(&manifest)
	if err := criu.Pack(f, dir, present, manifest, compression); err != nil {
		return fmt.Errorf("writing checkpoint archive %s: %w", path, err)
	}
	return nil
}

// ImportOptions shape `container restore --import`.
type ImportOptions struct {
	// Name restores a copy under a new name and ID (with new addresses
	// unless RestoreOptions asks otherwise).
	Name          string
	IgnoreRootfs  bool
	IgnoreVolumes bool
	// IgnoreStaticIP: the restore will not ask for the saved addresses
	// (restore --ignore-static-ip), so the preflight does not check them.
	IgnoreStaticIP bool
	// Publish, when set, replaces the container's published ports (-p
	// values, as for run).
	Publish []string
}

// ImportCheckpoint creates a checkpointed container from an archive
// written by `checkpoint --export`, ready for Restore. A failed import
// leaves no container, layer, volume or file behind.
func (r *Runtime) ImportCheckpoint(ctx context.Context, path string, opts ImportOptions) (_ *Container, retErr error) {
	meta, err := readArchiveMetadata(path)
	if err != nil {
		return nil, err
	}
	cfg, err := r.importedConfig(meta, path, opts)
	if err != nil {
		return nil, err
	}
	if _, err := r.store.LookupContainer(cfg.Name); err == nil {
		return nil, fmt.Errorf("a container named %s exists already: use --name: %w", cfg.Name, define.ErrExists)
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	img, err := r.checkpointImage(ctx, store, cfg)
	if err != nil {
		return nil, err
	}
	cfg.ImageID = img.ID
	userDir := filepath.Join(r.cfg.Root, "containers", cfg.ID)
	if err := ensureDir(userDir); err != nil {
		return nil, err
	}
	defer func() {
		if retErr != nil {
			_ = os.RemoveAll(userDir)
		}
	}()
	if err := unpackArchive(path, userDir); err != nil {
		return nil, err
	}
	if meta.Podman {
		if _, err := r.adoptPodmanFiles(cfg, userDir); err != nil {
			return nil, err
		}
	}
	// /etc/hostname, hosts and resolv.conf are this host's to write.
	hostname := ""
	if cfg.Spec != nil {
		hostname = cfg.Spec.Hostname
	}
	if _, err := (&Container{rt: r, config: cfg}).writeEtcFiles(hostname); err != nil {
		return nil, err
	}
	storageID, err := store.CreateContainer(cfg.ID, img.ID)
	if err != nil {
		return nil, err
	}
	cfg.StorageID = storageID
	defer func() {
		if retErr != nil {
			_ = store.DeleteContainer(storageID)
		}
	}()
	diff, deleted := filepath.Join(userDir, rootfsDiffMember), filepath.Join(userDir, criu.MemberDeletedFiles)
	if !opts.IgnoreRootfs {
		if err := applyRootfsChanges(store, storageID, diff, deleted); err != nil {
			return nil, err
		}
	}
	_ = os.Remove(diff)
	_ = os.Remove(deleted)
	_ = os.Remove(filepath.Join(userDir, criu.MemberDevShm))
	vdir := filepath.Join(userDir, volumesMember)
	if !opts.IgnoreVolumes {
		created, err := r.untarVolumes(cfg.Volumes, vdir)
		defer func() {
			if retErr != nil {
				for _, v := range created {
					_ = r.RemoveVolume(v, false)
				}
			}
		}()
		if err != nil {
			return nil, err
		}
	}
	_ = os.RemoveAll(vdir)
	st := &define.ContainerState{Status: define.StatusExited, Checkpointed: true, CheckpointedAt: time.Now(),
		CheckpointPath: filepath.Join(userDir, checkpointDir), CheckpointLog: filepath.Join(userDir, dumpLog)}
	if err := r.store.AddContainer(cfg, st); err != nil {
		return nil, err
	}
	return r.containerByID(cfg.ID)
}

// checkpointImage finds the image an imported container was created from,
// by ID, then by name; failing both, it pulls the image by name.
func (r *Runtime) checkpointImage(ctx context.Context, store *storage.Store, cfg *define.ContainerConfig) (*storage.Image, error) {
	if img, err := store.Image(cfg.ImageID); err == nil {
		return img, nil
	}
	if img, err := store.Image(cfg.ImageName); err == nil {
		return img, nil
	}
	img, err := r.PullImage(ctx, cfg.ImageName, storage.PullOptions{})
	if err != nil {
		return nil, fmt.Errorf("the checkpoint needs image %s, which is not here and cannot be pulled: %w", cfg.ImageName, err)
	}
	return img, nil
}

// importedConfig is the config of the container an archive creates here:
// podlite's or podman's, under its new name and ID with --name, its paths
// moved to this runtime's directories.
func (r *Runtime) importedConfig(meta *criu.Metadata, path string, opts ImportOptions) (*define.ContainerConfig, error) {
	decoded, err := decodeConfig(meta, path)
	if err != nil {
		return nil, err
	}
	cfg := *decoded
	oldID, oldUserDir := cfg.ID, filepath.Join("containers", cfg.ID)
	if opts.Name != "" {
		if err := names.Check(opts.Name); err != nil {
			return nil, err
		}
		cfg.ID, cfg.Name = names.NewID(), opts.Name
	}
	if meta.Podman {
		r.adoptPodmanSpec(&cfg)
	} else {
		retargetConfig(&cfg, oldID, oldUserDir, r)
	}
	if len(opts.Publish) > 0 {
		ports, err := netconf.ParsePorts(opts.Publish)
		if err != nil {
			return nil, err
		}
		if len(cfg.Network.Networks) == 0 {
			return nil, fmt.Errorf("--publish needs a container on a CNI network; %s has network mode %s: %w", cfg.Name, cfg.NetworkMode, define.ErrInvalidArg)
		}
		cfg.Network.Ports = ports
	}
	return &cfg, nil
}

// applyRootfsChanges applies the archive's rootfs changes to the new
// container's layer: rootfs-diff.tar (a layer diff from podlite, a plain
// tar of changed files from podman), then podman's deleted.files.
func applyRootfsChanges(store *storage.Store, storageID, diff, deleted string) error {
	if f, err := os.Open(diff); err == nil {
		err = store.ApplyRootfsDiff(storageID, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	b, err := os.ReadFile(deleted)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var paths []string
	if err := json.Unmarshal(b, &paths); err != nil {
		return fmt.Errorf("reading %s of the archive: %v: %w", criu.MemberDeletedFiles, err, define.ErrInvalidArg)
	}
	return store.DeletePaths(storageID, paths)
}

// retargetConfig moves the paths a config (and its spec) names from the
// exporting host's container directory and ID to this runtime's.
func retargetConfig(cfg *define.ContainerConfig, oldID, oldUserDir string, r *Runtime) {
	newDir := filepath.Join(r.cfg.Root, "containers", cfg.ID)
	fix := func(p string) string {
		if i := strings.Index(p, oldUserDir+"/"); i >= 0 {
			return filepath.Join(newDir, p[i+len(oldUserDir)+1:])
		}
		return p
	}
	cfg.LogPath = fix(cfg.LogPath)
	if s := cfg.Spec; s != nil {
		for i := range s.Mounts {
			s.Mounts[i].Source = fix(s.Mounts[i].Source)
		}
		if s.Linux != nil {
			s.Linux.CgroupsPath = strings.ReplaceAll(s.Linux.CgroupsPath, oldID, cfg.ID)
		}
		for _, name := range cfg.Volumes {
			for i := range s.Mounts {
				if strings.HasSuffix(s.Mounts[i].Source, "/"+name+"/_data") {
					s.Mounts[i].Source = filepath.Join(r.cfg.Volumes(), name, "_data")
				}
			}
		}
	}
}

func fileMissing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, fs.ErrNotExist)
}

func readArchiveMetadata(path string) (*criu.Metadata, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("checkpoint archive %s: %w", path, define.ErrNotFound)
		}
		return nil, err
	}
	defer f.Close()
	return criu.ReadMetadata(f)
}

func unpackArchive(path, dir string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return criu.Unpack(f, dir, criu.DefaultLimits())
}

// ArchiveInfo is what `checkpoint inspect` shows of an archive, read from
// its metadata alone (the rest is never decompressed).
type ArchiveInfo struct {
	Manifest    criu.Manifest        `json:"manifest"`
	Created     time.Time            `json:"containerCreated"`
	Command     []string             `json:"command,omitempty"`
	NetworkMode string               `json:"networkMode,omitempty"`
	Networks    map[string][]string  `json:"networks,omitempty"`
	Ports       []define.PortMapping `json:"ports,omitempty"`
}

// InspectArchive reads a checkpoint archive's metadata.
func InspectArchive(path string) (*ArchiveInfo, error) {
	meta, err := readArchiveMetadata(path)
	if err != nil {
		return nil, err
	}
	info := &ArchiveInfo{Manifest: meta.Manifest}
	var cfg define.ContainerConfig
	if err := json.Unmarshal(meta.Config, &cfg); err == nil {
		info.Created, info.Command, info.NetworkMode, info.Ports = cfg.CreatedAt, cfg.Command, cfg.NetworkMode, cfg.Network.Ports
	}
	var st network.Status
	if err := json.Unmarshal(meta.NetworkStatus, &st); err == nil && len(st) > 0 {
		info.Networks = map[string][]string{}
		for name, ns := range st {
			for _, a := range ns.Addresses {
				info.Networks[name] = append(info.Networks[name], a.IP)
			}
		}
	}
	return info, nil
}
