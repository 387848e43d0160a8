package storage

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/manifest"
)

// ImageInspect is everything `image inspect` shows of an image, in the
// JSON shape of podman's output.
type ImageInspect struct {
	ID           string                 `json:"Id"`
	Digest       string                 `json:"Digest"`
	RepoTags     []string               `json:"RepoTags"`
	RepoDigests  []string               `json:"RepoDigests"`
	Parent       string                 `json:"Parent"`
	Comment      string                 `json:"Comment"`
	Created      *time.Time             `json:"Created"`
	Config       *imgspecv1.ImageConfig `json:"Config"`
	Version      string                 `json:"Version"`
	Author       string                 `json:"Author"`
	Architecture string                 `json:"Architecture"`
	OS           string                 `json:"Os"`
	Size         int64                  `json:"Size"`
	VirtualSize  int64                  `json:"VirtualSize"`
	GraphDriver  GraphDriver            `json:"GraphDriver"`
	RootFS       RootFS                 `json:"RootFS"`
	Labels       map[string]string      `json:"Labels"`
	Annotations  map[string]string      `json:"Annotations"`
	ManifestType string                 `json:"ManifestType"`
	User         string                 `json:"User"`
	History      []imgspecv1.History    `json:"History"`
	NamesHistory []string               `json:"NamesHistory"`
}

// GraphDriver names the driver holding an image and its driver-specific
// paths (overlay: LowerDir, UpperDir, WorkDir).
type GraphDriver struct {
	Name string            `json:"Name"`
	Data map[string]string `json:"Data"`
}

// RootFS lists an image's layers by uncompressed digest, bottom first.
type RootFS struct {
	Type   string   `json:"Type"`
	Layers []string `json:"Layers"`
}

// Inspect returns the full description of the image nameOrID stands for;
// see Image for the accepted forms and errors.
func (s *Store) Inspect(ctx context.Context, nameOrID string) (*ImageInspect, error) {
	stored, err := s.lookup(nameOrID)
	if err != nil {
		return nil, err
	}
	ref, err := s.idReference(stored.ID)
	if err != nil {
		return nil, err
	}
	img, err := ref.NewImage(ctx, s.systemContext(nil))
	if err != nil {
		return nil, s.imageError(stored.ID, "opening", err)
	}
	defer img.Close()
	cfg, err := img.OCIConfig(ctx)
	if err != nil {
		return nil, s.imageError(stored.ID, "reading config of", err)
	}
	rawManifest, manifestType, err := img.Manifest(ctx)
	if err != nil {
		return nil, s.imageError(stored.ID, "reading manifest of", err)
	}
	size, err := s.store.ImageSize(stored.ID)
	if err != nil {
		return nil, s.imageError(stored.ID, "reading size of", err)
	}
	out := &ImageInspect{
		ID:           stored.ID,
		Digest:       stored.Digest.String(),
		RepoTags:     nonNil(stored.Names),
		RepoDigests:  repoDigests(stored.Names, stored.Digests),
		Created:      cfg.Created,
		Config:       &cfg.Config,
		Author:       cfg.Author,
		Architecture: cfg.Architecture,
		OS:           cfg.OS,
		Size:         size,
		VirtualSize:  size,
		GraphDriver:  GraphDriver{Name: s.Driver()},
		RootFS:       RootFS{Type: cfg.RootFS.Type, Layers: []string{}},
		Labels:       cfg.Config.Labels,
		ManifestType: manifestType,
		User:         cfg.Config.User,
		History:      cfg.History,
		NamesHistory: nonNil(stored.NamesHistory),
	}
	for _, d := range cfg.RootFS.DiffIDs {
		out.RootFS.Layers = append(out.RootFS.Layers, d.String())
	}
	if len(cfg.History) > 0 {
		out.Comment = cfg.History[len(cfg.History)-1].Comment
	}
	if manifestType == manifest.DockerV2Schema2MediaType {
		// A Docker config has a comment of its own (commit -m).
		var d struct{ Comment string }
		if blob, err := img.ConfigBlob(ctx); err == nil && json.Unmarshal(blob, &d) == nil && d.Comment != "" {
			out.Comment = d.Comment
		}
	}
	if manifestType == imgspecv1.MediaTypeImageManifest {
		if m, err := manifest.OCI1FromManifest(rawManifest); err == nil {
			out.Annotations = m.Annotations
		}
	}
	if out.Annotations == nil {
		out.Annotations = map[string]string{} // podman's {}
	}
	if driver, err := s.store.GraphDriver(); err == nil && stored.TopLayer != "" {
		out.GraphDriver.Data, _ = driver.Metadata(stored.TopLayer)
		// An image is never mounted as such: podman shows no MergedDir.
		delete(out.GraphDriver.Data, "MergedDir")
	}
	return out, nil
}

// repoDigests spells each manifest digest of an image under each of its
// repositories: "docker.io/library/busybox@sha256:…".
func repoDigests(names []string, digests []digest.Digest) []string {
	out := []string{}
	for _, n := range names {
		repo := repository(n)
		if repo == "" {
			continue
		}
		for _, d := range digests {
			rd := repo + "@" + d.String()
			if !slices.Contains(out, rd) {
				out = append(out, rd)
			}
		}
	}
	return out
}

// nonNil returns s, or an empty slice for nil, so JSON shows [] not null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}
