package libpod

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/names"
	"github.com/podlite/podlite/libpod/netconf"
	"github.com/podlite/podlite/libpod/spec"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/crashpoint"
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
	crashpoint.Hit(crashpoint.ExportStarted)
	dir := c.userDir()
	members := []string{checkpointConfig, checkpointSpec, networkStatus, criu.MemberStats, checkpointDir, logMember, secretsMember}
	pending := criu.Pending{}
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
		// The diff is written while CRIU's images, which precede it in
		// the archive, are compressed.
		written := make(chan error, 1)
		go func() {
			err := store.RootfsDiff(c.config.StorageID, f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			written <- err
		}()
		wait := sync.OnceValue(func() error { return <-written })
		defer func() { _ = wait() }() // runs before the diff is removed
		pending[rootfsDiffMember] = wait
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
		return err
	}
	defer func() {
		// Discards the archive unless committed.
		if cerr := f.Close(); retErr == nil {
			retErr = cerr
		}
	}()
	manifest := criu.Manifest{ID: c.config.ID, Name: c.config.Name, Image: c.config.ImageName, ImageID: c.config.ImageID, Created: time.Now()}
	hostManifest(&manifest)
	if err := criu.PackPending(f, dir, present, pending, manifest, compression); err != nil {
		return fmt.Errorf("writing checkpoint archive %s: %w", path, err)
	}
	if err := f.Commit(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.ExportArchiveComplete)
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
	// IP, when set, is the address the container asks for on its one
	// network (restore --ip), in place of the one it had.
	IP string
	// Publish, when set, replaces the container's published ports (-p
	// values, as for run).
	Publish []string
	// infraRootfs is the empty rootfs of the pod infra container being
	// imported (pod restore --import): it has no image.
	infraRootfs string
}

// ImportCheckpoint creates a checkpointed container from an archive
// written by `checkpoint --export`, ready for Restore. A failed import
// leaves no container, layer, volume or file behind. One killed midway
// leaves, under an ID without a record, what `rm --all` removes
// (RemoveOrphans), the volumes it made included: they are written down in
// the container's directory (importVolumesJournal) before they are made.
func (r *Runtime) ImportCheckpoint(ctx context.Context, path string, opts ImportOptions) (_ *Container, retErr error) {
	meta, err := readArchiveMetadata(path)
	if err != nil {
		return nil, err
	}
	cfg, err := r.importedConfig(meta, path, opts)
	if err != nil {
		return nil, err
	}
	// Held until the record is stored, as by CreateContainer: RemoveOrphans
	// must not take this import's rootfs for a crashed one's.
	unlock, err := r.lockNewContainer(cfg.ID)
	if err != nil {
		return nil, err
	}
	defer func() { unlock(retErr != nil) }()
	if _, err := r.store.LookupContainer(cfg.Name); err == nil {
		return nil, fmt.Errorf("a container named %s exists already: use --name: %w", cfg.Name, define.ErrExists)
	}
	store, err := r.Storage()
	if err != nil {
		return nil, err
	}
	storageID, err := r.importRootfs(ctx, store, cfg, opts)
	if err != nil {
		return nil, err
	}
	userDir := filepath.Join(r.cfg.Root, "containers", cfg.ID)
	defer func() {
		if retErr != nil {
			_ = os.RemoveAll(userDir)
			if storageID != "" {
				_ = store.DeleteContainer(storageID)
			}
		}
	}()
	created, err := r.fillImportedContainer(store, path, userDir, storageID, meta.Podman, cfg, opts)
	defer func() {
		if retErr != nil {
			for _, v := range created {
				_ = r.RemoveVolume(v, false, nil)
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	st := &define.ContainerState{Status: define.StatusExited, Checkpointed: true, CheckpointedAt: time.Now(),
		CheckpointPath: filepath.Join(userDir, checkpointDir), CheckpointLog: filepath.Join(userDir, dumpLog)}
	crashpoint.Hit(crashpoint.ImportBeforeRecord)
	if err := r.store.AddContainer(cfg, st); err != nil {
		return nil, err
	}
	crashpoint.Hit(crashpoint.ImportRecordStored)
	// The volumes are the container's now; a leftover journal is ignored.
	if err := os.Remove(filepath.Join(userDir, importVolumesJournal)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.Warn("removing the import's volume journal", "container", cfg.Name, "error", err)
	}
	return r.containerByID(cfg.ID)
}

// importRootfs makes the imported container's rootfs: a new one from its
// image, or for a pod's infra the empty directory it was given (no
// storage ID then).
func (r *Runtime) importRootfs(ctx context.Context, store *storage.Store, cfg *define.ContainerConfig, opts ImportOptions) (storageID string, _ error) {
	if opts.infraRootfs == "" {
		img, err := r.checkpointImage(ctx, store, cfg)
		if err != nil {
			return "", err
		}
		cfg.ImageID = img.ID
	}
	// An import of this archive killed before left what it made under
	// this ID: it goes first, or the ID would be taken.
	if err := r.removeOrphanLocked(cfg.ID); err != nil {
		return "", err
	}
	if opts.infraRootfs != "" {
		cfg.IO.Rootfs = opts.infraRootfs
		return "", os.MkdirAll(opts.infraRootfs, 0o755)
	}
	storageID, err := store.CreateContainer(cfg.ID, cfg.ImageID)
	if err != nil {
		return "", err
	}
	cfg.StorageID = storageID
	return storageID, nil
}

// fillImportedContainer unpacks the archive into the imported container's
// directory, applies its rootfs changes to the new rootfs and makes its
// volumes. It returns the volumes it created, which the caller removes
// should the import fail later.
func (r *Runtime) fillImportedContainer(store *storage.Store, path, userDir, storageID string, podman bool, cfg *define.ContainerConfig, opts ImportOptions) (created []string, _ error) {
	if err := ensureDir(userDir); err != nil {
		return nil, err
	}
	if err := r.fillImportDir(path, userDir, podman, cfg); err != nil {
		return nil, err
	}
	crashpoint.Hit(crashpoint.ImportUnpacked)
	diff, deleted := filepath.Join(userDir, rootfsDiffMember), filepath.Join(userDir, criu.MemberDeletedFiles)
	if !opts.IgnoreRootfs {
		if err := applyRootfsChanges(store, storageID, diff, deleted); err != nil {
			return nil, err
		}
	}
	crashpoint.Hit(crashpoint.ImportRootfsApplied)
	for _, p := range []string{diff, deleted, filepath.Join(userDir, criu.MemberDevShm)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	vdir := filepath.Join(userDir, volumesMember)
	if !opts.IgnoreVolumes {
		var err error
		if created, err = r.untarVolumes(cfg.Volumes, vdir, filepath.Join(userDir, importVolumesJournal)); err != nil {
			return created, err
		}
	}
	crashpoint.Hit(crashpoint.ImportVolumesRestored)
	return created, os.RemoveAll(vdir)
}

// importVolumesJournal, in an imported container's directory, lists the
// volumes the import created, one name a line, each written before the
// volume is made: if the import dies before storing the container's
// record, RemoveOrphans removes them with the rest.
const importVolumesJournal = "import-volumes"

// fillImportDir unpacks the archive at path into the imported container's
// directory, adopts what a podman archive left there, and writes this
// host's /etc/hostname, hosts and resolv.conf for the container, and for
// a podlite one its /run/.containerenv and --tz's /etc/localtime.
func (r *Runtime) fillImportDir(path, userDir string, podman bool, cfg *define.ContainerConfig) error {
	if err := unpackArchive(path, userDir); err != nil {
		return err
	}
	if podman {
		if _, err := r.adoptPodmanFiles(cfg, userDir); err != nil {
			return err
		}
	}
	hostname := ""
	if cfg.Spec != nil {
		hostname = cfg.Spec.Hostname
	}
	c := &Container{rt: r, config: cfg}
	if _, err := c.writeEtcFiles(hostname); err != nil {
		return err
	}
	if err := c.ownSecretFiles(); err != nil {
		return err
	}
	if podman {
		return nil
	}
	_, err := c.runFileMounts()
	return err
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
	decoded, err := checkpoint.DecodeConfig(meta, path)
	if err != nil {
		return nil, err
	}
	cfg := *decoded
	oldID, oldUserDir := cfg.ID, filepath.Join("containers", cfg.ID)
	if opts.Name != "" {
		name, err := names.Clean(opts.Name)
		if err != nil {
			return nil, err
		}
		cfg.ID, cfg.Name = names.NewID(), name
	}
	newDir := filepath.Join(r.cfg.Root, "containers", cfg.ID)
	if meta.Podman {
		checkpoint.AdoptPodmanSpec(&cfg, newDir, r.cfg.Volumes())
	} else {
		checkpoint.Retarget(&cfg, oldID, oldUserDir, newDir, r.cfg.Volumes())
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
	if opts.IP != "" {
		if err := setImportIP(&cfg, opts.IP); err != nil {
			return nil, err
		}
	}
	return &cfg, nil
}

// setImportIP makes the container ask for ip on its network.
func setImportIP(cfg *define.ContainerConfig, ip string) error {
	if net.ParseIP(ip) == nil {
		return fmt.Errorf("--ip %q is not an IP address: %w", ip, define.ErrInvalidArg)
	}
	if len(cfg.Network.Networks) != 1 {
		return fmt.Errorf("--ip needs a container on exactly one CNI network; %s is on %d: %w", cfg.Name, len(cfg.Network.Networks), define.ErrInvalidArg)
	}
	for name, att := range cfg.Network.Networks {
		att.StaticIPs = []string{ip}
		cfg.Network.Networks[name] = att
	}
	return nil
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

// adoptPodmanFiles prepares what podman's archive left in the container's
// directory here: network.status under podlite's network names, without
// addresses those networks cannot give (another subnet), /dev/shm's
// contents and the .containerenv file podman mounts.
func (r *Runtime) adoptPodmanFiles(cfg *define.ContainerConfig, dir string) (notes []string, _ error) {
	st, err := r.podmanNetworkStatus(filepath.Join(dir, networkStatus))
	if err != nil {
		return nil, err
	}
	for name, ns := range st {
		kept, dropped := r.addressesInSubnet(name, ns.Addresses)
		for _, a := range dropped {
			notes = append(notes, fmt.Sprintf("address %s is outside network %s here: the container gets a new one", a.IP, name))
		}
		ns.Addresses = kept
		st[name] = ns
		if att, ok := cfg.Network.Networks[name]; ok && len(kept) == 0 {
			att.StaticIPs = nil
			cfg.Network.Networks[name] = att
		}
	}
	raw, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, networkStatus), raw); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, checkpoint.PodmanCRIUConfig), []byte("skip-file-rwx-check\n"), 0o600); err != nil {
		return nil, err
	}
	shm := filepath.Join(dir, "shm")
	if err := ensureDir(shm); err != nil {
		return nil, err
	}
	if f, err := os.Open(filepath.Join(dir, criu.MemberDevShm)); err == nil {
		err = storage.UntarDirectory(f, shm)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("restoring /dev/shm of %s: %w", cfg.Name, err)
		}
	}
	env := fmt.Sprintf("engine=\"podlite\"\nname=%q\nid=%q\nimage=%q\nimageid=%q\nrootless=0\n", cfg.Name, cfg.ID, cfg.ImageName, cfg.ImageID)
	if err := os.WriteFile(filepath.Join(dir, ".containerenv"), []byte(env), 0o644); err != nil {
		return nil, err
	}
	return notes, nil
}

// podmanNetworkStatus reads podman's network.status with its network names
// mapped to podlite's.
func (r *Runtime) podmanNetworkStatus(path string) (network.Status, error) {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return network.Status{}, nil
	}
	if err != nil {
		return nil, err
	}
	return checkpoint.RenamePodmanNetworks(b)
}

// addressesInSubnet splits addresses into those inside a subnet of the
// network name here and the others (all of them when the network does not
// exist; the default one is created on first use, as by a run).
func (r *Runtime) addressesInSubnet(name string, addrs []network.Address) (kept, dropped []network.Address) {
	var subnets []string
	if mgr, err := r.Network(); err == nil {
		n, err := mgr.Network(name)
		if err != nil && name == network.DefaultName {
			n, err = mgr.EnsureDefault()
		}
		if err == nil {
			for _, s := range n.Subnets {
				subnets = append(subnets, s.Subnet)
			}
		}
	}
	for _, a := range addrs {
		ip, _, err := net.ParseCIDR(a.IP)
		in := false
		for _, s := range subnets {
			if _, sn, perr := net.ParseCIDR(s); err == nil && perr == nil && sn.Contains(ip) {
				in = true
			}
		}
		if in {
			kept = append(kept, a)
		} else {
			dropped = append(dropped, a)
		}
	}
	return kept, dropped
}

// tarVolumes writes each named volume's data to dir/NAME.tar.
func (r *Runtime) tarVolumes(names []string, dir string) error {
	if err := ensureDir(dir); err != nil {
		return err
	}
	for _, name := range names {
		v, err := r.store.Volume(name)
		if err != nil {
			return err
		}
		f, err := os.OpenFile(filepath.Join(dir, name+".tar"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		err = storage.TarDirectory(v.Mountpoint, f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("archiving volume %s: %w", name, err)
		}
	}
	return nil
}

// untarVolumes creates the named volumes an imported container uses that
// do not exist here, filled from dir/NAME.tar when the archive carries it;
// each name is appended to journal first.
func (r *Runtime) untarVolumes(names []string, dir, journal string) (created []string, retErr error) {
	jf, err := os.OpenFile(journal, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err := jf.Close(); err != nil && retErr == nil {
			retErr = err
		}
	}()
	for _, name := range names {
		if !spec.ValidVolumeName(name) {
			return created, fmt.Errorf("invalid volume name %q in the archive: %w", name, define.ErrInvalidArg)
		}
		// An existing volume is used as it is: its data may belong to
		// other containers (a copy restored beside the original).
		if _, err := r.store.Volume(name); err == nil {
			continue
		} else if !errors.Is(err, define.ErrNotFound) {
			return created, err
		}
		if _, err := jf.WriteString(name + "\n"); err != nil {
			return created, err
		}
		if err := jf.Sync(); err != nil {
			return created, err
		}
		v, err := r.CreateVolume(name, nil, nil)
		if err != nil {
			return created, err
		}
		created = append(created, name)
		f, err := os.Open(filepath.Join(dir, name+".tar"))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return created, err
		}
		err = storage.UntarDirectory(f, v.Mountpoint)
		f.Close()
		if err != nil {
			return created, fmt.Errorf("restoring volume %s: %w", name, err)
		}
	}
	return created, nil
}
