package storage

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/opencontainers/go-digest"
	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/manifest"
	"go.podman.io/image/v5/pkg/compression"
	"go.podman.io/image/v5/transports"
	"go.podman.io/image/v5/types"

	"github.com/podlite/podlite/libpod/define"
)

// PushOptions tune Push; TLSVerify, Quiet, Progress, Auth and Retry mean
// what they mean in PullOptions.
type PushOptions struct {
	TLSVerify *bool
	Quiet     bool
	Progress  io.Writer
	Auth      Auth
	Retry     Retry
	// DigestFile receives the digest of the pushed manifest.
	DigestFile string
	// Format is the manifest type to write: oci, v2s2 or v2s1; "" keeps
	// the image's where the destination takes it.
	Format string
	// Compression is gzip, zstd or zstd:chunked for the layers the push
	// compresses; "" for containers/image's default (gzip).
	Compression string
	// CompressionLevel is the level of Compression; nil for its default.
	CompressionLevel *int
	// ForceCompression recompresses layers already compressed otherwise.
	ForceCompression bool
	// RemoveSignatures drops the image's signatures.
	RemoveSignatures bool
	// DirCompress compresses the layers a dir: destination would keep as
	// the store has them (uncompressed); other transports ignore it, as
	// in podman.
	DirCompress bool
}

// manifestTypes are push --format's names of manifest MIME types.
var manifestTypes = map[string]string{
	"oci":  imgspecv1.MediaTypeImageManifest,
	"v2s2": manifest.DockerV2Schema2MediaType,
	"v2s1": manifest.DockerV2Schema1SignedMediaType,
}

// Push copies a stored image to dest, by default the image's name as the
// user gave it. dest takes the same forms as Pull's ref.
func (s *Store) Push(ctx context.Context, nameOrID, dest string, o PushOptions) error {
	img, err := s.lookup(nameOrID)
	if err != nil {
		return err
	}
	if dest == "" {
		if isIDPrefix(strings.TrimPrefix(nameOrID, "sha256:")) && savedName(nameOrID, img.Names) == nil {
			return fmt.Errorf("pushing image %s: give a destination to push an image by ID: %w", nameOrID, define.ErrInvalidArg)
		}
		dest = nameOrID
	}
	destRef, err := parseReference(dest)
	if err != nil {
		return err
	}
	srcRef, err := s.idReference(img.ID)
	if err != nil {
		return err
	}
	sys, err := s.remoteContext(o.TLSVerify, o.Auth)
	if err != nil {
		return err
	}
	co, err := o.copyOptions(sys)
	if err != nil {
		return err
	}
	err = o.Retry.do(ctx, func() error {
		_, err := copyImage(ctx, destRef, srcRef, co)
		return err
	})
	if err != nil {
		return fmt.Errorf("pushing image %s to %s: %w: %w", nameOrID, transports.ImageName(destRef), err, remoteErrorClass(err))
	}
	if o.DigestFile != "" {
		if err := os.WriteFile(o.DigestFile, []byte(co.digest.String()), 0o644); err != nil {
			return fmt.Errorf("writing the digest file: %w", err)
		}
	}
	return nil
}

// copyOptions turns o into the copy's options; the destination context
// is a copy of sys with the compression choices.
func (o PushOptions) copyOptions(sys *types.SystemContext) (copyOptions, error) {
	co := copyOptions{sourceCtx: sys, report: o.Progress, removeSignatures: o.RemoveSignatures, forceCompression: o.ForceCompression}
	if o.Quiet {
		co.report = nil
	}
	if o.Format != "" {
		mt, ok := manifestTypes[o.Format]
		if !ok {
			return co, fmt.Errorf("unknown format %q: choose one of oci, v2s2, v2s1: %w", o.Format, define.ErrInvalidArg)
		}
		co.manifestType = mt
	}
	dest := *sys
	dest.CompressionLevel = o.CompressionLevel
	dest.DirForceCompress = o.DirCompress
	if o.Compression != "" {
		algo, err := compression.AlgorithmByName(o.Compression)
		if err != nil {
			return co, fmt.Errorf("--compression-format %q: choose gzip, zstd or zstd:chunked: %w", o.Compression, define.ErrInvalidArg)
		}
		dest.CompressionFormat = &algo
	}
	if o.ForceCompression && dest.CompressionFormat == nil {
		gzip := compression.Gzip
		dest.CompressionFormat = &gzip
	}
	co.destCtx = &dest
	co.digest = new(digest.Digest)
	return co, nil
}
