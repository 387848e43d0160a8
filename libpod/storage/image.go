package storage

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"
	cstorage "go.podman.io/storage"

	"github.com/podlite/podlite/libpod/define"
)

// Image is an image in the store.
type Image struct {
	// ID is the full image ID (hex, no "sha256:").
	ID string
	// Names are the image's full tagged names, e.g.
	// "docker.io/library/busybox:latest". An image without names is
	// dangling.
	Names []string
	// Digest is the digest of the image's manifest ("sha256:…").
	Digest string
	// Digests are every manifest digest the image is known by.
	Digests []string
	// RepoDigests spell each digest under each repository
	// ("docker.io/library/busybox@sha256:…").
	RepoDigests []string
	// NamesHistory are the names the image has had, newest first.
	NamesHistory []string
	// ReadOnly is set for an image of a read-only additional store.
	ReadOnly bool
	// TopLayer is the ID of the image's top storage layer.
	TopLayer string
	// Size is what the image takes on disk: its layers and metadata.
	Size    int64
	Created time.Time
	Config  ImageConfig
}

// HasDigest reports whether d ("sha256:…") is one of the image's digests.
func (i *Image) HasDigest(d string) bool {
	return i.Digest == d || slices.Contains(i.Digests, d)
}

// ImageConfig is what a container's spec takes from its image's OCI config.
type ImageConfig struct {
	Env        []string
	Entrypoint []string
	Cmd        []string
	WorkingDir string
	User       string
	StopSignal string
	// ExposedPorts are "port/protocol", e.g. "80/tcp", sorted.
	ExposedPorts []string
	// Volumes are the container paths the image declares as volumes, sorted.
	Volumes      []string
	Labels       map[string]string
	Architecture string
	OS           string
}

// Dangling reports whether the image has no name.
func (i *Image) Dangling() bool { return len(i.Names) == 0 }

// Image resolves nameOrID to an image: a full name, a short name
// ("busybox" means "localhost/busybox:latest" or
// "docker.io/library/busybox:latest", whichever exists), a name with a
// digest, a full ID or a unique ID prefix (with or without "sha256:").
// A missing image is an error wrapping define.ErrNotFound; an ambiguous ID
// prefix wraps define.ErrInvalidArg.
func (s *Store) Image(nameOrID string) (*Image, error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	return s.newImage(context.Background(), img)
}

// ImageNames returns the full names of the image nameOrID, without reading
// its config or sizes.
func (s *Store) ImageNames(nameOrID string) ([]string, error) {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	return slices.Clone(img.Names), nil
}

// Images returns every image in the store, newest first.
func (s *Store) Images() ([]*Image, error) {
	all, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	out := make([]*Image, 0, len(all))
	for i := range all {
		img, err := s.newImage(context.Background(), &all[i])
		if errors.Is(err, define.ErrNotFound) {
			continue // removed while we were listing
		}
		if err != nil {
			return nil, err
		}
		out = append(out, img)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// lookup finds the stored image nameOrID stands for; see Image.
func (s *Store) lookup(nameOrID string) (*cstorage.Image, error) {
	if id, ok := strings.CutPrefix(nameOrID, "sha256:"); ok {
		if !isIDPrefix(id) {
			return nil, fmt.Errorf("image ID %q: not a hex digest: %w", nameOrID, define.ErrInvalidArg)
		}
		return s.lookupIDPrefix(nameOrID, id)
	}
	if isFullID(nameOrID) {
		if img, err := s.store.Image(nameOrID); err == nil {
			return img, nil
		}
	}
	for _, named := range localCandidates(nameOrID) {
		img, err := s.lookupName(named)
		if err != nil || img != nil {
			return img, err
		}
	}
	if isIDPrefix(nameOrID) {
		img, err := s.lookupIDPrefix(nameOrID, nameOrID)
		if !errors.Is(err, define.ErrNotFound) {
			return img, err
		}
	}
	return s.lookupShortName(nameOrID)
}

// lookupName returns the image holding a full name, or nil when none does.
func (s *Store) lookupName(named reference.Named) (*cstorage.Image, error) {
	digested, ok := named.(reference.Digested)
	if !ok {
		img, err := s.store.Image(named.String())
		if errors.Is(err, cstorage.ErrImageUnknown) {
			return nil, nil
		}
		return img, err
	}
	imgs, err := s.store.ImagesByDigest(digested.Digest())
	if err != nil && !errors.Is(err, cstorage.ErrImageUnknown) {
		return nil, fmt.Errorf("looking up image %s: %w", named, err)
	}
	for _, img := range imgs {
		if slices.ContainsFunc(img.Names, func(n string) bool { return repository(n) == named.Name() }) {
			return img, nil
		}
	}
	return nil, nil
}

// lookupIDPrefix returns the one image whose ID starts with prefix.
func (s *Store) lookupIDPrefix(input, prefix string) (*cstorage.Image, error) {
	all, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("looking up image %q: %w", input, err)
	}
	var found *cstorage.Image
	for i := range all {
		if !strings.HasPrefix(all[i].ID, prefix) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("image ID prefix %q is ambiguous: %w", input, define.ErrInvalidArg)
		}
		found = &all[i]
	}
	if found == nil {
		return nil, fmt.Errorf("%s: %w", input, define.ErrImageNotKnown)
	}
	return found, nil
}

// lookupShortName is the last resort: the one image with a name ending in
// the short name the user gave.
func (s *Store) lookupShortName(name string) (*cstorage.Image, error) {
	notFound := fmt.Errorf("%s: %w", name, define.ErrImageNotKnown)
	if hasDomain(name) {
		return nil, notFound
	}
	all, err := s.store.Images()
	if err != nil {
		return nil, fmt.Errorf("looking up image %q: %w", name, err)
	}
	var found *cstorage.Image
	for i := range all {
		if !slices.ContainsFunc(all[i].Names, func(n string) bool { return matchesShortName(n, name) }) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("short name %q matches several images, use a full name: %w", name, define.ErrInvalidArg)
		}
		found = &all[i]
	}
	if found == nil {
		return nil, notFound
	}
	return found, nil
}

// newImage reads a stored image's config and size.
func (s *Store) newImage(ctx context.Context, img *cstorage.Image) (*Image, error) {
	cfg, err := s.ociConfig(ctx, img.ID)
	if err != nil {
		return nil, err
	}
	size, err := s.store.ImageSize(img.ID)
	if err != nil {
		return nil, s.imageError(img.ID, "reading size of", err)
	}
	out := &Image{
		ID:           img.ID,
		Names:        slices.Clone(img.Names),
		Digest:       img.Digest.String(),
		RepoDigests:  repoDigests(img.Names, img.Digests),
		NamesHistory: slices.Clone(img.NamesHistory),
		ReadOnly:     img.ReadOnly,
		TopLayer:     img.TopLayer,
		Size:         size,
		Created:      img.Created,
		Config:       newImageConfig(cfg),
	}
	for _, d := range img.Digests {
		out.Digests = append(out.Digests, d.String())
	}
	if cfg.Created != nil && !cfg.Created.IsZero() {
		out.Created = *cfg.Created
	}
	return out, nil
}

// ociConfig reads an image's OCI config through containers/image, which
// converts Docker configs.
func (s *Store) ociConfig(ctx context.Context, id string) (*imgspecv1.Image, error) {
	img, err := s.openImage(ctx, id)
	if err != nil {
		return nil, err
	}
	defer img.Close()
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return nil, s.imageError(id, "reading config of", err)
	}
	return cfg, nil
}

// imageError wraps a storage error about image id in a define class.
func (s *Store) imageError(id, doing string, err error) error {
	if errors.Is(err, cstorage.ErrImageUnknown) {
		return fmt.Errorf("%s image %s: %w", doing, id, define.ErrNotFound)
	}
	return fmt.Errorf("%s image %s: %w", doing, id, err)
}

// idReference is a containers/image reference to a stored image by ID.
func (s *Store) idReference(id string) (types.ImageReference, error) {
	ref, err := storageTransport.NewStoreReference(s.store, nil, id)
	if err != nil {
		return nil, fmt.Errorf("referring to image %s: %w", id, err)
	}
	return ref, nil
}

func newImageConfig(c *imgspecv1.Image) ImageConfig {
	out := ImageConfig{
		Env:          slices.Clone(c.Config.Env),
		Entrypoint:   slices.Clone(c.Config.Entrypoint),
		Cmd:          slices.Clone(c.Config.Cmd),
		WorkingDir:   c.Config.WorkingDir,
		User:         c.Config.User,
		StopSignal:   c.Config.StopSignal,
		Architecture: c.Architecture,
		OS:           c.OS,
	}
	for p := range c.Config.ExposedPorts {
		out.ExposedPorts = append(out.ExposedPorts, p)
	}
	sort.Strings(out.ExposedPorts)
	for v := range c.Config.Volumes {
		out.Volumes = append(out.Volumes, v)
	}
	sort.Strings(out.Volumes)
	out.Labels = maps.Clone(c.Config.Labels)
	return out
}

// repository returns the repository part of a stored name
// ("docker.io/library/busybox" for "docker.io/library/busybox:latest"),
// or "" when it does not parse.
func repository(name string) string {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return ""
	}
	return named.Name()
}
