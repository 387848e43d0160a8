package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/manifest"
	cstorage "go.podman.io/storage"
	"go.podman.io/storage/pkg/archive"

	"github.com/podlite/podlite/libpod/define"
)

// Image formats of Commit.
const (
	CommitFormatOCI    = "oci"
	CommitFormatDocker = "docker"
)

// CommitOptions describe the image Commit makes of a container.
type CommitOptions struct {
	// Name names the image ("app" is localhost/app:latest), taking the
	// name from any image holding it; "" leaves it without a name.
	Name string
	// Format is CommitFormatOCI (default) or CommitFormatDocker.
	Format string
	// Author and Message (docker format only) describe the image.
	Author, Message string
	// Container is the container's part of the config: its non-empty
	// fields replace the base image's (as podman's commit carries the
	// container's command, environment, labels and work dir over).
	Container imgspecv1.ImageConfig
	// Override is --config's image config, merged in after the
	// container's part and before Changes (see applyOverride).
	Override *imgspecv1.ImageConfig
	// Changes are --change instructions (see applyChanges), applied last.
	Changes []string
	// Squash makes one layer of the whole root filesystem.
	Squash bool
	// BaseName names the base image in the history entry ("FROM name").
	BaseName string
}

// Commit creates an image of container storageID's root filesystem: the
// base image's layers plus one layer of the container's changes (with
// Squash, one layer of everything), and returns it.
func (s *Store) Commit(ctx context.Context, storageID string, o CommitOptions) (*Image, error) {
	if err := checkCommit(&o); err != nil {
		return nil, err
	}
	ctr, err := s.store.Container(storageID)
	if err != nil {
		return nil, containerError(storageID, "committing", err)
	}
	if ctr.ImageID == "" {
		return nil, fmt.Errorf("committing container %s: it has no image: %w", storageID, define.ErrNotSupported)
	}
	base, chain, err := s.commitBase(ctx, ctr.ImageID)
	if err != nil {
		return nil, err
	}
	layer, err := s.commitLayer(ctr, chain, o.Squash)
	if err != nil {
		return nil, fmt.Errorf("committing container %s: %w", storageID, err)
	}
	id, err := s.commitImage(base, chain, layer, o)
	if err != nil {
		if derr := s.store.DeleteLayer(layer.ID); derr != nil {
			err = fmt.Errorf("%w (and removing its new layer: %v)", err, derr)
		}
		return nil, fmt.Errorf("committing container %s: %w", storageID, err)
	}
	if o.Name != "" {
		named, _ := localName(o.Name) // checked by checkCommit
		if err := s.addNames(id, []string{named.String()}); err != nil {
			return nil, err
		}
	}
	return s.Image(id)
}

// checkCommit refuses bad options before anything is written.
func checkCommit(o *CommitOptions) error {
	switch o.Format {
	case "":
		o.Format = CommitFormatOCI
	case CommitFormatOCI, CommitFormatDocker:
	default:
		return fmt.Errorf("unrecognized image type %q: %w", o.Format, define.ErrInvalidArg)
	}
	if o.Message != "" && o.Format != CommitFormatDocker {
		return define.Worded(define.ErrInvalidArg, "messages are only compatible with the docker image format (-f docker)")
	}
	if o.Name != "" {
		if _, err := localName(o.Name); err != nil {
			return err
		}
	}
	var probe imgspecv1.ImageConfig
	return applyChanges(&probe, o.Changes)
}

// commitBase reads the base image's config and its layers, bottom first.
func (s *Store) commitBase(ctx context.Context, imageID string) (*imgspecv1.Image, []*cstorage.Layer, error) {
	ref, err := s.idReference(imageID)
	if err != nil {
		return nil, nil, err
	}
	img, err := ref.NewImage(ctx, s.systemContext(nil))
	if err != nil {
		return nil, nil, s.imageError(imageID, "opening", err)
	}
	defer img.Close()
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return nil, nil, s.imageError(imageID, "reading config of", err)
	}
	stored, err := s.store.Image(imageID)
	if err != nil {
		return nil, nil, s.imageError(imageID, "reading", err)
	}
	var chain []*cstorage.Layer
	for id := stored.TopLayer; id != ""; {
		l, err := s.store.Layer(id)
		if err != nil {
			return nil, nil, s.imageError(imageID, "reading a layer of", err)
		}
		if l.UncompressedDigest == "" {
			return nil, nil, fmt.Errorf("layer %s of image %s has no recorded digest: %w", l.ID, imageID, define.ErrNotSupported)
		}
		chain = append([]*cstorage.Layer{l}, chain...)
		id = l.Parent
	}
	return cfg, chain, nil
}

// commitLayer stores the container's changes (its layer's diff) as a new
// read-only layer on the image's top layer, or with squash the whole
// root filesystem as a layer of its own.
func (s *Store) commitLayer(ctr *cstorage.Container, chain []*cstorage.Layer, squash bool) (*cstorage.Layer, error) {
	if !squash {
		uncompressed := archive.Uncompressed
		diff, err := s.store.Diff("", ctr.LayerID, &cstorage.DiffOptions{Compression: &uncompressed})
		if err != nil {
			return nil, fmt.Errorf("reading the rootfs changes: %w", err)
		}
		// The diff holds the layer store's lock until closed, and
		// PutLayer needs it: spool the diff first.
		spooled, err := spool(diff)
		if err != nil {
			return nil, fmt.Errorf("reading the rootfs changes: %w", err)
		}
		parent := ""
		if len(chain) > 0 {
			parent = chain[len(chain)-1].ID
		}
		return s.putLayer(parent, spooled)
	}
	dir, err := s.store.Mount(ctr.ID, "")
	if err != nil {
		return nil, fmt.Errorf("mounting the rootfs: %w", err)
	}
	tar, err := archive.Tar(dir, archive.Uncompressed)
	var layer *cstorage.Layer
	if err == nil {
		layer, err = s.putLayer("", tar)
	}
	if _, uerr := s.store.Unmount(ctr.ID, false); uerr != nil && !errors.Is(uerr, cstorage.ErrLayerNotMounted) {
		err = errors.Join(err, fmt.Errorf("unmounting the rootfs: %w", uerr))
	}
	if err != nil && layer != nil {
		err = errors.Join(err, s.store.DeleteLayer(layer.ID))
	}
	return layer, err
}

// spool copies r, then closes it, into an unlinked temp file and returns
// the file, read from its start; closing it frees it.
func spool(r io.ReadCloser) (io.ReadCloser, error) {
	defer r.Close()
	f, err := os.CreateTemp(bigTempDir(), "podlite-commit-")
	if err != nil {
		return nil, err
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// putLayer stores diff, an uncompressed tar, as a read-only layer on
// parent and closes it.
func (s *Store) putLayer(parent string, diff io.ReadCloser) (*cstorage.Layer, error) {
	defer diff.Close()
	layer, _, err := s.store.PutLayer("", parent, nil, "", false, nil, diff)
	if err != nil {
		return nil, fmt.Errorf("storing the new layer: %w", err)
	}
	return layer, nil
}

// commitImage writes the new image's config and manifest and creates it
// on layer; it returns the image's ID, its config's digest.
func (s *Store) commitImage(base *imgspecv1.Image, chain []*cstorage.Layer, layer *cstorage.Layer, o CommitOptions) (string, error) {
	cfg := commitConfig(base, o)
	layers := append(chain, layer)
	if o.Squash {
		layers = []*cstorage.Layer{layer}
	}
	cfg.RootFS = imgspecv1.RootFS{Type: "layers"}
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.UncompressedDigest)
	}
	applyOverride(&cfg.Config, o.Override)
	if err := applyChanges(&cfg.Config, o.Changes); err != nil {
		return "", err
	}
	configBlob, manifestBlob, err := encodeImage(cfg, layers, o)
	if err != nil {
		return "", err
	}
	configDigest, manifestDigest := digest.FromBytes(configBlob), digest.FromBytes(manifestBlob)
	img, err := s.store.CreateImage(configDigest.Encoded(), nil, layer.ID, "", &cstorage.ImageOptions{
		CreationDate: *cfg.Created,
		Digest:       manifestDigest,
		BigData: []cstorage.ImageBigDataOption{
			{Key: configDigest.String(), Data: configBlob, Digest: configDigest},
			{Key: cstorage.ImageDigestManifestBigDataNamePrefix + "-" + manifestDigest.String(), Data: manifestBlob, Digest: manifestDigest},
			{Key: cstorage.ImageDigestBigDataKey, Data: manifestBlob, Digest: manifestDigest},
		},
	})
	if err != nil {
		return "", fmt.Errorf("creating the image: %w", err)
	}
	return img.ID, nil
}

// commitConfig is the base image's config with the container's part, the
// author and a history entry for the new layer.
func commitConfig(base *imgspecv1.Image, o CommitOptions) *imgspecv1.Image {
	now := time.Now().UTC()
	cfg := *base
	cfg.Created, cfg.Author = &now, o.Author
	c, ctr := &cfg.Config, o.Container
	if ctr.Entrypoint != nil || ctr.Cmd != nil {
		c.Entrypoint, c.Cmd = ctr.Entrypoint, ctr.Cmd
	}
	if ctr.Env != nil {
		c.Env = ctr.Env
	}
	if ctr.User != "" {
		c.User = ctr.User
	}
	if ctr.WorkingDir != "" {
		c.WorkingDir = ctr.WorkingDir
	}
	c.Labels = mergeSets(c.Labels, ctr.Labels)
	c.ExposedPorts = mergeSets(c.ExposedPorts, ctr.ExposedPorts)
	c.Volumes = mergeSets(c.Volumes, ctr.Volumes)
	entry := imgspecv1.History{Created: &now, CreatedBy: "/bin/sh", Author: o.Author}
	if o.BaseName != "" {
		entry.Comment = "FROM " + o.BaseName
	}
	if o.Squash {
		cfg.History = nil
	}
	cfg.History = append(append([]imgspecv1.History(nil), cfg.History...), entry)
	return &cfg
}

// ReadOverride reads commit --config's file: a JSON container config
// in docker's shape (podman's Schema2Config), whose keys an OCI image
// config shares (User, Env, Cmd, Entrypoint, ExposedPorts, Volumes,
// WorkingDir, Labels, StopSignal) are merged; nil for no file.
func ReadOverride(path string) (*imgspecv1.ImageConfig, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading --config %s: %w", path, define.ErrNotFound)
	}
	var c imgspecv1.ImageConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("parsing --config %s: %v: %w", path, err, define.ErrInvalidArg)
	}
	return &c, nil
}

// applyOverride merges commit --config's config into c as podman's
// (buildah's) commit does: a user, work dir or stop signal set there
// replaces c's; a command or entrypoint set there replaces both; its
// environment, ports, volumes and labels are added, its entries winning.
func applyOverride(c *imgspecv1.ImageConfig, o *imgspecv1.ImageConfig) {
	if o == nil {
		return
	}
	if o.User != "" {
		c.User = o.User
	}
	if o.WorkingDir != "" {
		c.WorkingDir = o.WorkingDir
	}
	if o.StopSignal != "" {
		c.StopSignal = o.StopSignal
	}
	if len(o.Entrypoint) > 0 || len(o.Cmd) > 0 {
		c.Entrypoint, c.Cmd = o.Entrypoint, o.Cmd
	}
	for _, e := range o.Env {
		k, v, _ := strings.Cut(e, "=")
		c.Env = setEnv(c.Env, k, v)
	}
	c.ExposedPorts = mergeSets(c.ExposedPorts, o.ExposedPorts)
	c.Volumes = mergeSets(c.Volumes, o.Volumes)
	c.Labels = mergeSets(c.Labels, o.Labels)
}

// mergeSets returns base with add's keys added (add wins); nil if both
// are empty.
func mergeSets[V any](base, add map[string]V) map[string]V {
	if len(add) == 0 {
		return base
	}
	out := make(map[string]V, len(base)+len(add))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range add {
		out[k] = v
	}
	return out
}

// encodeImage serializes the config and a manifest listing layers
// uncompressed (the store keeps them so), in the chosen format. The
// docker format carries the message as the image's comment.
func encodeImage(cfg *imgspecv1.Image, layers []*cstorage.Layer, o CommitOptions) ([]byte, []byte, error) {
	configBlob, err := json.Marshal(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the image config: %w", err)
	}
	if o.Format == CommitFormatDocker {
		var d manifest.Schema2Image
		if err := json.Unmarshal(configBlob, &d); err != nil {
			return nil, nil, fmt.Errorf("converting the image config: %w", err)
		}
		d.Comment = o.Message
		if configBlob, err = json.Marshal(&d); err != nil {
			return nil, nil, fmt.Errorf("encoding the image config: %w", err)
		}
	}
	cd := digest.FromBytes(configBlob)
	var m manifest.Manifest
	if o.Format == CommitFormatDocker {
		descs := make([]manifest.Schema2Descriptor, len(layers))
		for i, l := range layers {
			descs[i] = manifest.Schema2Descriptor{MediaType: manifest.DockerV2SchemaLayerMediaTypeUncompressed, Digest: l.UncompressedDigest, Size: l.UncompressedSize}
		}
		m = manifest.Schema2FromComponents(manifest.Schema2Descriptor{
			MediaType: manifest.DockerV2Schema2ConfigMediaType, Digest: cd, Size: int64(len(configBlob))}, descs)
	} else {
		descs := make([]imgspecv1.Descriptor, len(layers))
		for i, l := range layers {
			descs[i] = imgspecv1.Descriptor{MediaType: imgspecv1.MediaTypeImageLayer, Digest: l.UncompressedDigest, Size: l.UncompressedSize}
		}
		m = manifest.OCI1FromComponents(imgspecv1.Descriptor{
			MediaType: imgspecv1.MediaTypeImageConfig, Digest: cd, Size: int64(len(configBlob))}, descs)
	}
	manifestBlob, err := m.Serialize()
	if err != nil {
		return nil, nil, fmt.Errorf("encoding the manifest: %w", err)
	}
	return configBlob, manifestBlob, nil
}
