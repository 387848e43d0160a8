package storage

import (
	"fmt"
	"strings"

	"go.podman.io/image/v5/docker/reference"

	"github.com/podlite/podlite/libpod/define"
)

// How podlite spells image names. Local names (tag, import, save) of a short
// name go to "localhost/"; pulls of a short name go to Docker Hub, as
// podman does without a registries.conf. A name without tag or digest
// means ":latest".
const (
	localDomain  = "localhost"
	remoteDomain = "docker.io"
)

// hasDomain reports whether name starts with a registry host: a first path
// component holding a dot or a port, or "localhost".
func hasDomain(name string) bool {
	first, _, ok := strings.Cut(name, "/")
	if !ok {
		return false
	}
	return strings.ContainsAny(first, ".:") || first == localDomain
}

// localName turns a name given to tag, import or load into a full tagged
// name: "busybox" → "localhost/busybox:latest".
func localName(name string) (reference.Named, error) {
	full := name
	if !hasDomain(name) {
		full = localDomain + "/" + name
	}
	named, err := reference.ParseNormalizedNamed(full)
	if err != nil {
		return nil, fmt.Errorf("image name %q: %v: %w", name, err, define.ErrInvalidArg)
	}
	if _, ok := named.(reference.Digested); ok {
		return nil, fmt.Errorf("image name %q: a local name cannot hold a digest: %w", name, define.ErrInvalidArg)
	}
	return reference.TagNameOnly(named), nil
}

// remoteName turns a name given to pull or push into a full name:
// "busybox" → "docker.io/library/busybox:latest".
func remoteName(name string) (reference.Named, error) {
	named, err := reference.ParseNormalizedNamed(name)
	if err != nil {
		return nil, fmt.Errorf("image name %q: %v: %w", name, err, define.ErrInvalidArg)
	}
	return reference.TagNameOnly(named), nil
}

// localCandidates lists the full names a user's image name may stand for in
// local storage, most specific first: the name itself when it has a
// registry, else its localhost/ and docker.io/ spellings.
func localCandidates(name string) []reference.Named {
	if hasDomain(name) {
		if n, err := remoteName(name); err == nil {
			return []reference.Named{n}
		}
		return nil
	}
	var out []reference.Named
	if n, err := localName(name); err == nil {
		out = append(out, n)
	} else if n, err := reference.ParseNormalizedNamed(localDomain + "/" + name); err == nil {
		out = append(out, n) // a digested short name: localName refuses digests
	}
	if n, err := remoteName(name); err == nil {
		out = append(out, n)
	}
	return out
}

// matchesShortName reports whether the stored full name ends with the short
// name the user gave, so that "fedora" finds
// "registry.fedoraproject.org/fedora:latest" when nothing closer exists.
func matchesShortName(stored, short string) bool {
	if hasDomain(short) {
		return false
	}
	want, err := localName(short)
	if err != nil {
		return false
	}
	have, err := reference.ParseNormalizedNamed(stored)
	if err != nil {
		return false
	}
	haveTagged, ok := have.(reference.NamedTagged)
	if !ok || haveTagged.Tag() != want.(reference.NamedTagged).Tag() {
		return false
	}
	path, wantPath := reference.Path(have), reference.Path(want)
	return path == wantPath || strings.HasSuffix(path, "/"+wantPath)
}

// isIDPrefix reports whether s could be an image ID or a prefix of one.
func isIDPrefix(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// isFullID reports whether s is a full image ID.
func isFullID(s string) bool { return len(s) == 64 && isIDPrefix(s) }

// SplitName splits a stored name into repository and tag:
// "quay.io:443/org/app:1" → "quay.io:443/org/app", "1". The tag is ""
// when the name has none.
func SplitName(name string) (repo, tag string) {
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		return name[:i], name[i+1:]
	}
	return name, ""
}
