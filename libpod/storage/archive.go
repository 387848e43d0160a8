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
	"strings"

	"go.podman.io/image/v5/docker/reference"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/archive"
	"go.podman.io/storage/pkg/idtools"

	"github.com/podlite/podlite/libpod/define"
)

// Formats of Load and Save: two archives and two directories.
const (
	FormatDockerArchive = "docker-archive"
	FormatOCIArchive    = "oci-archive"
	FormatOCIDir        = "oci-dir"
	// FormatDockerDir is containers/image's dir: transport with Docker
	// v2s2 manifests.
	FormatDockerDir = "docker-dir"
)

// SaveFormats are Save's formats in podman's order.
var SaveFormats = []string{FormatOCIDir, FormatOCIArchive, FormatDockerDir, FormatDockerArchive}

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
