package storage

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/idtools"

	"github.com/podlite/podlite/libpod/define"
)

// Archive formats of Load and Save.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
)

// Load copies every image of a docker-archive or oci-archive (detected,
// possibly compressed; "-" reads it from os.Stdin) into the store. It
// returns the loaded images' names; an image without a name is reported as
// "sha256:ID".
//
// A docker-archive image takes the names in its RepoTags. An oci-archive
// image takes its org.opencontainers.image.ref.name annotation when that is
// an image name ("localhost/app:1"); a bare tag ("latest") names nothing.
func (s *Store) Load(ctx context.Context, file string) ([]string, error) {
	if file == "-" {
		tmp, err := spoolStdin()
		if err != nil {
			return nil, err
		}
		defer os.Remove(tmp)
		file = tmp
	}
	format, err := archiveFormat(file)
	if err != nil {
		return nil, err
	}
	sys := s.systemContext(nil)
	var loaded []string
	if format == FormatDockerArchive {
		loaded, err = s.loadDockerArchive(ctx, sys, file)
	} else {
		loaded, err = s.loadOCIArchive(ctx, sys, file)
	}
	if err != nil {
		return nil, fmt.Errorf("loading %s %s: %w", format, file, err)
	}
	return loaded, nil
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
	entries, err := ocilayout.List(dir)
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

// Save writes the named images into one archive at file ("-" for
// os.Stdout), replacing it.
// format is FormatDockerArchive or FormatOCIArchive; both hold several
// images. An image given by name is saved under that name, one given by
// ID without a name.
func (s *Store) Save(ctx context.Context, names []string, format, file string) error {
	if len(names) == 0 {
		return fmt.Errorf("saving images: no image given: %w", define.ErrInvalidArg)
	}
	if format != FormatDockerArchive && format != FormatOCIArchive {
		return fmt.Errorf("saving images: unknown format %q (want %s or %s): %w", format, FormatDockerArchive, FormatOCIArchive, define.ErrInvalidArg)
	}
	var images []*savedImage
	for _, name := range names {
		img, err := s.lookup(name)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(images, func(si *savedImage) bool { return si.id == img.ID })
		if i < 0 {
			src, err := s.idReference(img.ID)
			if err != nil {
				return err
			}
			images = append(images, &savedImage{id: img.ID, src: src})
			i = len(images) - 1
		}
		if tag := savedName(name, img.Names); tag != nil && !slices.ContainsFunc(images[i].tags, func(t reference.NamedTagged) bool { return t.String() == tag.String() }) {
			images[i].tags = append(images[i].tags, tag)
		}
	}
	write := func(tmp string) error { return s.saveDockerArchive(ctx, images, tmp) }
	if format == FormatOCIArchive {
		write = func(tmp string) error { return s.saveOCIArchive(ctx, images, tmp) }
	}
	if err := writeReplacing(file, write); err != nil {
		return fmt.Errorf("saving %s %s: %w", format, file, err)
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

// saveOCIArchive writes an OCI layout with one index entry per name (one
// unnamed entry for an image without names) and tars it.
func (s *Store) saveOCIArchive(ctx context.Context, images []*savedImage, file string) error {
	dir, err := os.MkdirTemp(bigTempDir(), "podlite-save-")
	if err != nil {
		return fmt.Errorf("creating temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	sys := s.systemContext(nil)
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
			if _, err := copyImage(ctx, dest, img.src, copyOptions{sourceCtx: sys, destCtx: sys}); err != nil {
				return err
			}
		}
	}
	return tarDirectory(dir, file)
}

// tarDirectory writes the contents of dir as an uncompressed tar to file,
// with every entry owned by root, as containers/image's oci-archive does.
func tarDirectory(dir, file string) error {
	rc, err := archive.TarWithOptions(dir, &archive.TarOptions{
		Compression: archive.Uncompressed,
		ChownOpts:   &idtools.IDPair{UID: 0, GID: 0},
	})
	if err != nil {
		return err
	}
	defer rc.Close()
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, rc); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeReplacing has write fill a new file that then replaces file: a
// failed save leaves no half-written archive behind. "-" means os.Stdout.
// A file that is not a regular one (a pipe, a device, a symlink such as
// /dev/stdout) is not replaced: the finished archive is copied into it.
func writeReplacing(file string, write func(tmp string) error) error {
	dir := filepath.Dir(file)
	special := file == "-"
	if fi, err := os.Lstat(file); special || err == nil && !fi.Mode().IsRegular() {
		dir, special = bigTempDir(), true
	}
	f, err := os.CreateTemp(dir, ".podlite-save-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	err = f.Chmod(0o644)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := write(tmp); err != nil {
		return err
	}
	if !special {
		return os.Rename(tmp, file)
	}
	return copyInto(file, tmp)
}

// copyInto copies file src into dst ("-" for os.Stdout).
func copyInto(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if dst == "-" {
		_, err = io.Copy(os.Stdout, in)
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyIn copies the image src into the store, named named (nil for no
// name), and returns its ID.
func (s *Store) copyIn(ctx context.Context, src types.ImageReference, named reference.Named, o copyOptions) (string, error) {
	id := ""
	if named == nil {
		// The store needs a name or an ID to create an image: use
		// the ID the image would get anyway, its config's digest.
		img, err := src.NewImage(ctx, o.sourceCtx)
		if err != nil {
			return "", err
		}
		id = img.ConfigInfo().Digest.Encoded()
		_ = img.Close()
	}
	dest, err := storageTransport.NewStoreReference(s.store, named, id)
	if err != nil {
		return "", fmt.Errorf("referring to the new image: %w", err)
	}
	resolved, err := copyImage(ctx, dest, src, o)
	if err != nil {
		return "", err
	}
	return resolvedImageID(resolved)
}

// addNames adds full names to image id.
func (s *Store) addNames(id string, names []string) error {
	if len(names) == 0 {
		return nil
	}
	if err := s.store.AddNames(id, names); err != nil {
		return s.imageError(id, "naming", err)
	}
	return nil
}

// loadedNames is how Load reports one image: its names, or its ID.
func loadedNames(id string, names []string) []string {
	if len(names) == 0 {
		return []string{"sha256:" + id}
	}
	return names
}

// archiveName turns a name found in an archive (an OCI ref.name
// annotation, a docker-archive RepoTag) into a full image name, or nil when
// it is a bare tag ("latest", "v1") or no valid name.
func archiveName(s string) reference.Named {
	if !strings.ContainsAny(s, "/:") {
		return nil
	}
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return nil
	}
	return reference.TagNameOnly(named)
}

// savedName is the name an image goes into an archive under: the stored
// name that input stands for, or nil when input is an ID.
func savedName(input string, names []string) reference.NamedTagged {
	for _, cand := range localCandidates(input) {
		for _, n := range names {
			if tagged, ok := cand.(reference.NamedTagged); ok && n == cand.String() {
				return tagged
			}
		}
	}
	for _, n := range names {
		if matchesShortName(n, input) {
			if named, err := reference.ParseNormalizedNamed(n); err == nil {
				if tagged, ok := named.(reference.NamedTagged); ok {
					return tagged
				}
			}
		}
	}
	return nil
}

// archiveFormat tells a docker-archive from an oci-archive by its members.
// docker save output of Docker ≥ 25 is both; it reads as a docker-archive,
// which keeps its RepoTags.
func archiveFormat(file string) (string, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("archive %s: %w", file, define.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("opening archive %s: %w", file, err)
	}
	defer f.Close()
	r, err := archive.DecompressStream(f)
	if err != nil {
		return "", fmt.Errorf("reading archive %s: %w: %w", file, err, define.ErrInvalidArg)
	}
	defer r.Close()
	tr := tar.NewReader(r)
	var index, layout bool
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("%s is not a tar archive: %w: %w", file, err, define.ErrInvalidArg)
		}
		switch path.Clean(h.Name) {
		case "manifest.json":
			return FormatDockerArchive, nil
		case "index.json":
			index = true
		case "oci-layout":
			layout = true
		}
	}
	if index && layout {
		return FormatOCIArchive, nil
	}
	return "", fmt.Errorf("%s is neither a docker-archive nor an oci-archive: %w", file, define.ErrInvalidArg)
}

// bigTempDir is where archives are unpacked: $TMPDIR, else /var/tmp, which
// unlike /tmp is rarely a small tmpfs.
func bigTempDir() string {
	if d := os.Getenv("TMPDIR"); d != "" {
		return d
	}
	return "/var/tmp"
}
