package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"go.podman.io/image/v5/directory"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/archive"

	"github.com/podlite/podlite/libpod/define"
)

// notAnImage starts podman's message for a load input it cannot read.
const notAnImage = "payload does not match any of the supported image formats"

// Load copies every image of input into the store and returns the loaded
// images' names; an image without a name is reported as "sha256:ID".
// input is a docker-archive or oci-archive file (detected, possibly
// compressed), an oci-dir or docker-dir directory, "-" for os.Stdin, or
// an http:// or https:// URL of an archive, downloaded first.
//
// A docker-archive image takes the names in its RepoTags. An OCI image
// takes its org.opencontainers.image.ref.name annotation when that is
// an image name ("localhost/app:1"); a bare tag ("latest") names nothing.
func (s *Store) Load(ctx context.Context, input string) ([]string, error) {
	file, cleanup, err := localInput(ctx, input)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	fi, err := os.Stat(file)
	if err != nil {
		return nil, define.Worded(define.ErrNotFound, err.Error())
	}
	sys := s.systemContext(nil)
	var format string
	var loaded []string
	if fi.IsDir() {
		format, err = dirFormat(file)
		if err != nil {
			return nil, err
		}
		loaded, err = s.loadDir(ctx, sys, format, file)
	} else {
		format, err = archiveFormat(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", notAnImage, err)
		}
		if format == FormatDockerArchive {
			loaded, err = s.loadDockerArchive(ctx, sys, file)
		} else {
			loaded, err = s.loadOCIArchive(ctx, sys, file)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("loading %s %s: %w", format, input, err)
	}
	return loaded, nil
}

// localInput makes input a local path: stdin and URLs go to a temp file
// that cleanup removes.
func localInput(ctx context.Context, input string) (string, func(), error) {
	var tmp string
	var err error
	switch {
	case input == "-":
		tmp, err = spoolStdin()
	case strings.HasPrefix(input, "http://") || strings.HasPrefix(input, "https://"):
		tmp, err = download(ctx, input)
	default:
		return input, func() {}, nil
	}
	if err != nil {
		return "", nil, err
	}
	return tmp, func() { os.Remove(tmp) }, nil
}

// download fetches url into a temp file.
func download(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %v: %w", url, err, define.ErrInvalidArg)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w: %w", url, err, define.ErrUnavailable)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		class := define.ErrUnavailable
		if resp.StatusCode == http.StatusNotFound {
			class = define.ErrNotFound
		}
		return "", fmt.Errorf("downloading %s: %s: %w", url, resp.Status, class)
	}
	name, err := toTempFile(resp.Body)
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w: %w", url, err, define.ErrUnavailable)
	}
	return name, nil
}

// dirFormat tells an OCI layout from a dir: image by their files.
func dirFormat(dir string) (string, error) {
	exists := func(name string) bool {
		_, err := os.Stat(filepath.Join(dir, name))
		return err == nil
	}
	switch {
	case exists("index.json") && exists("oci-layout"):
		return FormatOCIDir, nil
	case exists("manifest.json"):
		return FormatDockerDir, nil
	}
	return "", fmt.Errorf("%s: directory %s holds neither an OCI layout nor a dir: image: %w", notAnImage, dir, define.ErrInvalidArg)
}

// loadDir loads an oci-dir (every image of its index) or a docker-dir
// (one image, which has no name).
func (s *Store) loadDir(ctx context.Context, sys *types.SystemContext, format, dir string) ([]string, error) {
	if format == FormatOCIDir {
		return s.loadOCILayout(ctx, sys, dir)
	}
	src, err := directory.NewReference(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, define.ErrInvalidArg)
	}
	id, err := s.copyIn(ctx, src, nil, copyOptions{sourceCtx: sys, destCtx: sys})
	if err != nil {
		return nil, err
	}
	return loadedNames(id, nil), nil
}

func (s *Store) loadDockerArchive(ctx context.Context, sys *types.SystemContext, file string) ([]string, error) {
	reader, err := dockerarchive.NewReader(sys, file)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, define.ErrInvalidArg)
	}
	defer func() { _ = reader.Close() }()
	images, err := reader.List()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, define.ErrInvalidArg)
	}
	var loaded []string
	for _, refs := range images {
		var names []string
		for _, ref := range refs {
			if named := ref.DockerReference(); named != nil {
				names = append(names, named.String())
			}
		}
		var first reference.Named
		if len(names) > 0 {
			first = refs[0].DockerReference()
		}
		id, err := s.copyIn(ctx, refs[0], first, copyOptions{sourceCtx: sys, destCtx: sys})
		if err != nil {
			return loaded, err
		}
		if err := s.addNames(id, names); err != nil {
			return loaded, err
		}
		loaded = append(loaded, loadedNames(id, names)...)
	}
	return loaded, nil
}

func (s *Store) loadOCIArchive(ctx context.Context, sys *types.SystemContext, file string) ([]string, error) {
	dir, err := os.MkdirTemp(bigTempDir(), "podlite-load-")
	if err != nil {
		return nil, fmt.Errorf("creating temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := archive.Untar(f, dir, &archive.TarOptions{NoLchown: true}); err != nil {
		return nil, fmt.Errorf("extracting: %w: %w", err, define.ErrInvalidArg)
	}
	return s.loadOCILayout(ctx, sys, dir)
}

// loadOCILayout loads every image of the OCI layout in dir.
func (s *Store) loadOCILayout(ctx context.Context, sys *types.SystemContext, dir string) ([]string, error) {
	entries, err := ocilayout.List(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading index.json: %w: %w", err, define.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("reading index.json: %w: %w", err, define.ErrInvalidArg)
	}
	var loaded []string
	for _, e := range entries {
		named := archiveName(e.ManifestDescriptor.Annotations["org.opencontainers.image.ref.name"])
		id, err := s.copyIn(ctx, e.Reference, named, copyOptions{sourceCtx: sys, destCtx: sys})
		if err != nil {
			return loaded, err
		}
		var names []string
		if named != nil {
			names = []string{named.String()}
		}
		loaded = append(loaded, loadedNames(id, names)...)
	}
	return loaded, nil
}
