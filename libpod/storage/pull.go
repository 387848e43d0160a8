package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/docker/distribution/registry/api/errcode"
	v2 "github.com/docker/distribution/registry/api/v2"
	"go.podman.io/image/v5/docker"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/docker/reference"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/types"

	"github.com/podlite/podlite/libpod/define"
)

// PullOptions tune Pull.
type PullOptions struct {
	// TLSVerify nil keeps the default: verify TLS, except for registries
	// a registries.conf marks insecure. false also allows plain HTTP.
	TLSVerify *bool
	// Quiet suppresses progress output.
	Quiet bool
	// Progress receives progress bars (meant for a terminal); nil for none.
	Progress io.Writer
	// Arch, OS and Variant choose the image of a multi-platform image;
	// empty ones are the host's.
	Arch, OS, Variant string
	// Auth are the registry credentials to use.
	Auth Auth
	// Retry says how often a pull failing on the network is tried again.
	Retry Retry
}

// Auth are registry credentials: an auth file, or a user and password.
type Auth struct {
	// File is an auth.json in podman's format; "" is the default one
	// (see DefaultAuthFile).
	File string
	// Creds is "USER[:PASSWORD]", used instead of the auth file.
	Creds string
	// CertDir holds the client certificates and CAs for the registry
	// (containers/image's DockerCertPath); "" for the system's.
	CertDir string
}

// Pull copies an image into the store and returns it. ref is a registry
// name ("busybox" means docker.io/library/busybox:latest) or a reference
// with a transport ("docker://…", "oci:DIR[:NAME]",
// "oci-archive:FILE[:NAME]", "docker-archive:FILE[:NAME]", "dir:DIR").
func (s *Store) Pull(ctx context.Context, ref string, o PullOptions) (*Image, error) {
	src, err := parseReference(ref)
	if err != nil {
		return nil, err
	}
	sys, err := s.remoteContext(o.TLSVerify, o.Auth)
	if err != nil {
		return nil, err
	}
	sys.ArchitectureChoice, sys.OSChoice, sys.VariantChoice = o.Arch, o.OS, o.Variant
	report := o.Progress
	if o.Quiet {
		report = nil
	}
	var extra []string
	if src.Transport().Name() == dockerarchive.Transport.Name() && src.DockerReference() == nil {
		var closeReader func()
		src, extra, closeReader, err = dockerArchiveSource(sys, src)
		if err != nil {
			return nil, pullError(ref, err)
		}
		defer closeReader()
	}
	named := pullName(src)
	if named == nil && len(extra) > 0 {
		named = archiveName(extra[0])
		extra = extra[1:]
	}
	var id string
	err = o.Retry.do(ctx, func() (err error) {
		id, err = s.copyIn(ctx, src, named, copyOptions{sourceCtx: sys, destCtx: sys, report: report})
		return err
	})
	if err != nil {
		return nil, pullError(ref, err)
	}
	if err := s.addNames(id, extra); err != nil {
		return nil, err
	}
	return s.Image(id)
}

// pullName is the name an image pulled from src gets, nil for none: the
// registry name, the NAME of "oci:DIR:NAME", or the tag a docker-archive
// reference names.
func pullName(src types.ImageReference) reference.Named {
	if named := src.DockerReference(); named != nil {
		return named
	}
	switch src.Transport().Name() {
	case ocilayout.Transport.Name(), ociarchive.Transport.Name():
		_, name, _ := strings.Cut(src.StringWithinTransport(), ":")
		return archiveName(name)
	}
	return nil
}

// dockerArchiveSource opens a docker-archive reference that names no image
// and returns a reference to its image plus the image's tags as full names.
func dockerArchiveSource(sys *types.SystemContext, ref types.ImageReference) (types.ImageReference, []string, func(), error) {
	reader, readerRef, err := dockerarchive.NewReaderForReference(sys, ref)
	if err != nil {
		return nil, nil, nil, err
	}
	tags, err := reader.ManifestTagsForReference(readerRef)
	if err != nil {
		_ = reader.Close()
		return nil, nil, nil, err
	}
	var names []string
	for _, tag := range tags {
		if named := archiveName(tag); named != nil {
			names = append(names, named.String())
		}
	}
	return readerRef, names, func() { _ = reader.Close() }, nil
}

// pullError explains a failed pull, naming the registry a short name went
// to, in the error class that fits.
func pullError(ref string, err error) error {
	what := ref
	if isShortName(ref) {
		if named, nerr := remoteName(ref); nerr == nil {
			what = fmt.Sprintf("%s (short name %q resolves to %s)", named, ref, reference.Domain(named))
		}
	}
	return fmt.Errorf("pulling %s: %w: %w", what, err, remoteErrorClass(err))
}

// remoteErrorClass maps a containers/image error to a define class.
func remoteErrorClass(err error) error {
	var coder errcode.ErrorCoder
	if errors.As(err, &coder) {
		switch coder.ErrorCode() {
		case v2.ErrorCodeManifestUnknown, v2.ErrorCodeNameUnknown:
			return define.ErrNotFound
		}
	}
	var noImage ocilayout.ImageNotFoundError
	if errors.Is(err, fs.ErrNotExist) || errors.As(err, &noImage) {
		return define.ErrNotFound
	}
	var unauthorized docker.ErrUnauthorizedForCredentials
	if errors.As(err, &unauthorized) {
		return define.ErrInvalidArg
	}
	return define.ErrUnavailable
}

// PullAllTags pulls every tag of the registry repository ref, which names
// no tag or digest, and returns the images in the registry's tag order.
func (s *Store) PullAllTags(ctx context.Context, ref string, o PullOptions) ([]*Image, error) {
	src, err := parseReference(ref)
	if err != nil {
		return nil, err
	}
	named := src.DockerReference()
	if src.Transport().Name() != docker.Transport.Name() || named == nil {
		return nil, fmt.Errorf("pulling all tags of %s: only a registry repository has tags: %w", ref, define.ErrInvalidArg)
	}
	last := ref[strings.LastIndex(ref, "/")+1:]
	if strings.ContainsAny(last, ":@") {
		return nil, define.Worded(define.ErrInvalidArg, "tag can't be used with --all-tags/-a")
	}
	sys, err := s.remoteContext(o.TLSVerify, o.Auth)
	if err != nil {
		return nil, err
	}
	tags, err := docker.GetRepositoryTags(ctx, sys, src)
	if err != nil {
		return nil, pullError(ref, err)
	}
	var images []*Image
	for _, tag := range tags {
		img, err := s.Pull(ctx, reference.TrimNamed(named).String()+":"+tag, o)
		if err != nil {
			return images, err
		}
		images = append(images, img)
	}
	return images, nil
}
