package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	imgspecv1 "github.com/opencontainers/image-spec/specs-go/v1"
	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/tarball"

	"github.com/podlite/podlite/libpod/define"
)

// ImportOptions tune Import.
type ImportOptions struct {
	// Reference names the new image ("app" means localhost/app:latest);
	// empty leaves it without a name.
	Reference string
	// Changes are Dockerfile instructions applied to the image config:
	// CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME,
	// WORKDIR ("CMD [\"sh\"]", "ENV A=1", also "CMD=sh").
	Changes []string
	// Message is the history comment of the image's layer.
	Message string
	// Arch, OS and Variant are the image's platform; empty ones are the
	// host's (Variant: none).
	Arch, OS, Variant string
}

// Import creates a one-layer image from a tarball of a root filesystem
// (possibly compressed; "-" reads it from os.Stdin, an http(s) URL is
// downloaded) and returns it.
func (s *Store) Import(ctx context.Context, tarballPath string, o ImportOptions) (*Image, error) {
	var named reference.Named
	if o.Reference != "" {
		n, err := localName(o.Reference)
		if err != nil {
			return nil, err
		}
		named = n
	}
	now := time.Now().UTC()
	// The tarball transport fills an empty architecture and OS in.
	cfg := imgspecv1.Image{Created: &now, Platform: imgspecv1.Platform{Architecture: o.Arch, OS: o.OS, Variant: o.Variant}}
	if err := applyChanges(&cfg.Config, o.Changes); err != nil {
		return nil, err
	}
	if o.Message != "" {
		// The tarball transport takes its layer comment from here.
		cfg.History = []imgspecv1.History{{Comment: o.Message}}
	}
	local, cleanup, err := localInput(ctx, tarballPath)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if _, err := os.Stat(local); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("importing %s: %w", tarballPath, define.ErrNotFound)
	}
	ref, err := tarball.NewReference([]string{local}, nil)
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w: %w", tarballPath, err, define.ErrInvalidArg)
	}
	if err := ref.(tarball.ConfigUpdater).ConfigUpdate(cfg, nil); err != nil {
		return nil, fmt.Errorf("importing %s: %w", tarballPath, err)
	}
	sys := s.systemContext(nil)
	id, err := s.copyIn(ctx, ref, named, copyOptions{sourceCtx: sys, destCtx: sys})
	if err != nil {
		return nil, fmt.Errorf("importing %s: %w: %w", tarballPath, err, define.ErrInvalidArg)
	}
	return s.Image(id)
}

// spoolStdin copies os.Stdin to a temp file, which archive readers can
// seek in and read twice without holding it in memory.
func spoolStdin() (string, error) {
	name, err := toTempFile(os.Stdin)
	if err != nil {
		return "", fmt.Errorf("buffering stdin: %w", err)
	}
	return name, nil
}

// toTempFile copies r into a new file in bigTempDir and returns its name;
// on failure no file is left.
func toTempFile(r io.Reader) (string, error) {
	f, err := os.CreateTemp(bigTempDir(), "podlite-input-")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}
