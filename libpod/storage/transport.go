package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/opencontainers/go-digest"
	"go.podman.io/image/v5/copy"
	"go.podman.io/image/v5/directory"
	"go.podman.io/image/v5/docker"
	dockerarchive "go.podman.io/image/v5/docker/archive"
	"go.podman.io/image/v5/manifest"
	ociarchive "go.podman.io/image/v5/oci/archive"
	ocilayout "go.podman.io/image/v5/oci/layout"
	"go.podman.io/image/v5/signature"
	istorage "go.podman.io/image/v5/storage"
	"go.podman.io/image/v5/transports"
	"go.podman.io/image/v5/types"
	"go.podman.io/storage/pkg/configfile"

	"github.com/podlite/podlite/libpod/define"
)

// storageTransport is containers/image's view of the store.
var storageTransport = istorage.Transport

// remoteTransports are the transports pull and push accept, by the prefix
// that names them ("oci-archive:/tmp/x.tar"). A reference without one of
// these prefixes is a registry reference (docker://).
var remoteTransports = []string{
	docker.Transport.Name(),
	ocilayout.Transport.Name(),
	ociarchive.Transport.Name(),
	dockerarchive.Transport.Name(),
	directory.Transport.Name(),
}

// parseReference parses what a user gave pull or push: a registry name
// ("busybox", "127.0.0.1:5000/app:1") or a reference with one of the
// remoteTransports ("docker://…", "oci:/dir:name", "dir:/path").
func parseReference(s string) (types.ImageReference, error) {
	if name, rest, ok := transportPrefix(s); ok {
		ref, err := transports.Get(name).ParseReference(rest)
		if err != nil {
			return nil, fmt.Errorf("parsing image reference %q: %v: %w", s, err, define.ErrInvalidArg)
		}
		return ref, nil
	}
	named, err := remoteName(s)
	if err != nil {
		return nil, err
	}
	ref, err := docker.NewReference(named)
	if err != nil {
		return nil, fmt.Errorf("parsing image reference %q: %v: %w", s, err, define.ErrInvalidArg)
	}
	return ref, nil
}

// transportPrefix splits "oci-archive:/tmp/x.tar" into one of the
// remoteTransports and the rest.
func transportPrefix(s string) (transport, rest string, ok bool) {
	transport, rest, ok = strings.Cut(s, ":")
	return transport, rest, ok && slices.Contains(remoteTransports, transport)
}

// isShortName reports whether a pull reference is a registry name without
// a registry, which podlite resolves to docker.io.
func isShortName(s string) bool {
	_, _, hasTransport := transportPrefix(s)
	return !hasTransport && !hasDomain(s)
}

// systemContext is the containers/image configuration for one operation.
// tlsVerify nil keeps the default (verify, except for registries marked
// insecure in a registries.conf).
func (s *Store) systemContext(tlsVerify *bool) *types.SystemContext {
	sys := &types.SystemContext{
		// Keep the blob-info cache with the store instead of in
		// /var/lib/containers.
		BlobInfoCacheDir:        filepath.Join(s.root, "cache"),
		DockerRegistryUserAgent: "podlite",
	}
	if tlsVerify != nil {
		sys.DockerInsecureSkipTLSVerify = types.NewOptionalBool(!*tlsVerify)
		sys.OCIInsecureSkipTLSVerify = !*tlsVerify
	}
	return sys
}

// policyContext returns the signature policy: the containers policy.json
// when one exists, else accept anything (podlite ships no policy file).
func policyContext(sys *types.SystemContext) (*signature.PolicyContext, error) {
	policy, err := signature.DefaultPolicy(sys)
	if errors.Is(err, configfile.ErrConfigFileNotFound) {
		policy = &signature.Policy{Default: signature.PolicyRequirements{signature.NewPRInsecureAcceptAnything()}}
	} else if err != nil {
		return nil, fmt.Errorf("reading signature policy: %v: %w", err, define.ErrInvalidArg)
	}
	pc, err := signature.NewPolicyContext(policy)
	if err != nil {
		return nil, fmt.Errorf("reading signature policy: %v: %w", err, define.ErrInvalidArg)
	}
	return pc, nil
}

// copyOptions are the knobs of copyImage.
type copyOptions struct {
	sourceCtx, destCtx *types.SystemContext
	// report receives containers/image's progress output; nil for none.
	report io.Writer
	// manifestType forces the destination's manifest type; "" keeps
	// the source's where the destination takes it.
	manifestType string
	// removeSignatures drops the source's signatures; forceCompression
	// recompresses layers compressed otherwise than destCtx says.
	removeSignatures, forceCompression bool
	// digest, when not nil, receives the written manifest's digest.
	digest *digest.Digest
}

// dockerV2s2 is the Docker schema 2 manifest type.
const dockerV2s2 = manifest.DockerV2Schema2MediaType

// copyImage copies one image from src to dest under the signature policy
// and returns the destination's resolved reference (for the storage
// transport: one naming the image ID), which may be nil.
func copyImage(ctx context.Context, dest, src types.ImageReference, o copyOptions) (types.ImageReference, error) {
	pc, err := policyContext(o.sourceCtx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = pc.Destroy() }()
	var resolved types.ImageReference
	written, err := copy.Image(ctx, pc, dest, src, &copy.Options{
		ReportWriter:            o.report,
		SourceCtx:               o.sourceCtx,
		DestinationCtx:          o.destCtx,
		ReportResolvedReference: &resolved,
		ForceManifestMIMEType:   o.manifestType,
		RemoveSignatures:        o.removeSignatures,
		ForceCompressionFormat:  o.forceCompression,
	})
	if err != nil {
		return nil, err
	}
	if o.digest != nil {
		if *o.digest, err = manifest.Digest(written); err != nil {
			return nil, fmt.Errorf("digest of the written manifest: %w", err)
		}
	}
	return resolved, nil
}

// resolvedImageID returns the ID of the stored image a copy into the store
// created.
func resolvedImageID(ref types.ImageReference) (string, error) {
	if ref == nil {
		return "", fmt.Errorf("copy into the store reported no image: %w", define.ErrUnavailable)
	}
	_, img, err := istorage.ResolveReference(ref)
	if err != nil {
		return "", fmt.Errorf("resolving copied image %s: %w", transports.ImageName(ref), err)
	}
	return img.ID, nil
}
