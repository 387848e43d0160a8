package storage

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"go.podman.io/image/v5/directory"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"

	"github.com/podlite/podlite/libpod/define"
)

// SaveOptions tune Save.
type SaveOptions struct {
	// Format is one of SaveFormats; empty means FormatDockerArchive.
	Format string
	// MultiImage takes every name as an image (docker-archive only).
	// Without it, as podman's save, the first name is the image and the
	// others are more names (tags) it is saved under.
	MultiImage bool
	// Compress compresses the layers of a docker-dir.
	Compress bool
	// Uncompressed keeps the layers of the OCI formats uncompressed.
	Uncompressed bool
}

// Save writes images into file ("-" for os.Stdout), replacing it: an
// archive, or a directory for the two dir formats. An image given by name
// is saved under that name, one given by ID without a name. Refusals carry
// podman's messages.
func (s *Store) Save(ctx context.Context, names []string, file string, o SaveOptions) error {
	if o.Format == "" {
		o.Format = FormatDockerArchive
	}
	if err := checkSave(names, file, o); err != nil {
		return err
	}
	var images []*savedImage
	var err error
	if o.MultiImage {
		images, err = s.savedImages(names)
	} else {
		images, err = s.taggedImage(names[0], names[1:])
	}
	if err != nil {
		return err
	}
	sys := s.systemContext(nil)
	sys.OCIAcceptUncompressedLayers = o.Uncompressed
	sys.DirForceCompress = o.Compress
	switch o.Format {
	case FormatOCIDir:
		err = s.saveOCILayout(ctx, sys, images, file)
	case FormatDockerDir:
		err = s.saveDockerDir(ctx, sys, images[0], file)
	case FormatOCIArchive:
		err = writeReplacing(file, func(tmp string) error { return s.saveOCIArchive(ctx, sys, images, tmp) })
	default:
		err = writeReplacing(file, func(tmp string) error { return s.saveDockerArchive(ctx, images, tmp) })
	}
	if err != nil {
		return fmt.Errorf("saving %s %s: %w", o.Format, file, err)
	}
	return nil
}

// checkSave refuses what podman's save refuses, in its words.
func checkSave(names []string, file string, o SaveOptions) error {
	refuse := func(format string, args ...any) error {
		return define.Worded(define.ErrInvalidArg, fmt.Sprintf(format, args...))
	}
	switch {
	case len(names) == 0:
		return refuse("need at least 1 argument")
	case !slices.Contains(SaveFormats, o.Format):
		return refuse("format value must be one of %s", strings.Join(SaveFormats, " "))
	case o.Compress && o.Format != FormatDockerDir:
		return refuse("--compress can only be set when --format is 'docker-dir'")
	case strings.Contains(file, ":"):
		return refuse("invalid filename (should not contain ':') %q", file)
	case o.MultiImage && len(names) > 1 && o.Format != FormatDockerArchive:
		return refuse("unsupported format %q for saving multiple images (only docker-archive)", o.Format)
	case !o.MultiImage && len(names) > 1 && o.Format == FormatDockerDir:
		// podman drops the names here; a dir: image holds none.
		return refuse("%s holds no image names: save %s alone", o.Format, names[0])
	case file == "-" && (o.Format == FormatOCIDir || o.Format == FormatDockerDir):
		return refuse("%s is a directory: give it with --output", o.Format)
	}
	return nil
}

// savedImage is one image going into an archive, under every name the user
// gave it (none when given by ID).
type savedImage struct {
	id   string
	src  types.ImageReference
	tags []reference.NamedTagged
}

// addTag adds tag once.
func (si *savedImage) addTag(tag reference.NamedTagged) {
	if tag != nil && !slices.ContainsFunc(si.tags, func(t reference.NamedTagged) bool { return t.String() == tag.String() }) {
		si.tags = append(si.tags, tag)
	}
}

// savedImages looks every name up: one savedImage per image, with the
// names it was given by.
func (s *Store) savedImages(names []string) ([]*savedImage, error) {
	var images []*savedImage
	for _, name := range names {
		img, err := s.lookup(name)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(images, func(si *savedImage) bool { return si.id == img.ID })
		if i < 0 {
			src, err := s.idReference(img.ID)
			if err != nil {
				return nil, err
			}
			images = append(images, &savedImage{id: img.ID, src: src})
			i = len(images) - 1
		}
		images[i].addTag(savedName(name, img.Names))
	}
	return images, nil
}

// taggedImage is image name saved under its own name and under tags,
// which are image names ("app:2" is localhost/app:2) that need not exist.
func (s *Store) taggedImage(name string, tags []string) ([]*savedImage, error) {
	images, err := s.savedImages([]string{name})
	if err != nil {
		return nil, err
	}
	for _, t := range tags {
		named, err := localName(t)
		if err != nil {
			return nil, err
		}
		images[0].addTag(named.(reference.NamedTagged))
	}
	return images, nil
}

// saveDockerArchive writes each image once, with all its names: the
// archive writer cannot take the same image twice.
func (s *Store) saveDockerArchive(ctx context.Context, images []*savedImage, file string) error {
	w, err := dockerarchive.NewWriter(s.systemContext(nil), file)
	if err != nil {
		return err
	}
	for _, img := range images {
		var first reference.NamedTagged
		destCtx := s.systemContext(nil)
		if len(img.tags) > 0 {
			first, destCtx.DockerArchiveAdditionalTags = img.tags[0], img.tags[1:]
		}
		dest, err := w.NewReference(first)
		if err != nil {
			_ = w.Close()
			return err
		}
		if _, err := copyImage(ctx, dest, img.src, copyOptions{sourceCtx: s.systemContext(nil), destCtx: destCtx}); err != nil {
			_ = w.Close()
			return err
		}
	}
	return w.Close()
}

// saveOCIArchive writes an OCI layout and tars it.
func (s *Store) saveOCIArchive(ctx context.Context, sys *types.SystemContext, images []*savedImage, file string) error {
	dir, err := os.MkdirTemp(bigTempDir(), "podlite-save-")
	if err != nil {
		return fmt.Errorf("creating temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	if err := s.saveOCILayout(ctx, sys, images, dir); err != nil {
		return err
	}
	return tarDirectory(dir, file)
}

// saveOCILayout writes an OCI layout into dir with one index entry per
// name (one unnamed entry for an image without names).
func (s *Store) saveOCILayout(ctx context.Context, sys *types.SystemContext, images []*savedImage, dir string) error {
	for _, img := range images {
		refNames := []string{""}
		if len(img.tags) > 0 {
			refNames = refNames[:0]
			for _, t := range img.tags {
				refNames = append(refNames, t.String())
			}
		}
		for _, name := range refNames {
			dest, err := ocilayout.NewReference(dir, name)
			if err != nil {
				return err
			}
			if _, err := copyImage(ctx, dest, img.src, copyOptions{sourceCtx: s.systemContext(nil), destCtx: sys}); err != nil {
				return err
			}
		}
	}
	return nil
}

// saveDockerDir writes one image as containers/image's dir: layout with a
// Docker v2s2 manifest, as podman's docker-dir.
func (s *Store) saveDockerDir(ctx context.Context, sys *types.SystemContext, img *savedImage, dir string) error {
	dest, err := directory.NewReference(dir)
	if err != nil {
		return err
	}
	_, err = copyImage(ctx, dest, img.src, copyOptions{sourceCtx: s.systemContext(nil), destCtx: sys, manifestType: dockerV2s2})
	return err
}
