package filter

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// Image reports whether a local image passes a filter.
type Image func(img *storage.Image) bool

// ImageContext is what the filters about other objects need: before and
// since look images up, containers counts their users, intermediate asks
// for children. A nil ImageContext refuses those keys.
type ImageContext struct {
	// Lookup resolves a name or ID to a local image.
	Lookup func(nameOrID string) (*storage.Image, error)
	// Users returns how many containers use an image, and how many of
	// them podlite does not know (external).
	Users func(img *storage.Image) (all, external int)
	// HasChildren reports whether another image is built on img.
	HasChildren func(img *storage.Image) bool
}

// Images turns `images --filter KEY=VALUE` strings into one predicate,
// with podman's keys:
//
//	reference=PATTERN    a name matches the glob, in full
//	                     ("docker.io/library/busybox:latest"), without tag,
//	                     or without registry ("busybox", "busybox:latest")
//	id=ID                the image ID starts with ID
//	digest=DIGEST        the image has that manifest digest
//	dangling=true|false  the image has no name (or has one)
//	label=KEY[=VALUE]    the image config has the label (with VALUE);
//	label!=KEY[=VALUE]   or has not
//	before=IMAGE         created before IMAGE
//	since=IMAGE          created after IMAGE (after= too)
//	until=TIME           created before TIME (duration, RFC 3339, Unix)
//	readonly=true|false  the image is in a read-only store
//	containers=true|false|external  used by a container (one podlite
//	                     does not know)
//	intermediate=true|false  dangling and without children
//	manifest=true|false  the image is a manifest list (never, here)
func Images(filters []string, ictx *ImageContext) (Image, error) {
	all, err := compile("image", filters, func(key string, vals []string) (Image, error) {
		return imageFilter(key, vals, ictx)
	})
	if err != nil {
		return nil, err
	}
	return every[*storage.Image](all), nil
}

// imageFilter builds the predicate for one filter key.
func imageFilter(key string, vals []string, ictx *ImageContext) (Image, error) {
	switch key {
	case "reference":
		for _, v := range vals {
			if _, err := path.Match(v, ""); err != nil {
				return nil, fmt.Errorf("image filter reference=%s: %v: %w", v, err, define.ErrInvalidArg)
			}
		}
		return anyValue(vals, matchReference), nil
	case "id":
		return anyValue(vals, func(img *storage.Image, val string) bool {
			return strings.HasPrefix(img.ID, strings.TrimPrefix(val, "sha256:"))
		}), nil
	case "digest":
		return anyValue(vals, func(img *storage.Image, val string) bool { return img.HasDigest(val) }), nil
	case "dangling", "readonly", "manifest", "intermediate":
		return boolFilter(key, vals, ictx)
	case "label":
		return func(img *storage.Image) bool { return labelsHold(img.Config.Labels, vals, true) }, nil
	case "label!":
		return func(img *storage.Image) bool { return labelsHold(img.Config.Labels, vals, false) }, nil
	case "before", "since", "after", "until":
		return timeFilter(key, vals, ictx)
	case "containers":
		return containersFilter(vals, ictx)
	}
	return nil, define.Worded(define.ErrInvalidArg, fmt.Sprintf("unsupported image filter %q", key))
}

// boolFilter builds the KEY=true|false filters.
func boolFilter(key string, vals []string, ictx *ImageContext) (Image, error) {
	var prop func(img *storage.Image) bool
	switch key {
	case "dangling":
		prop = (*storage.Image).Dangling
	case "readonly":
		prop = func(img *storage.Image) bool { return img.ReadOnly }
	case "manifest":
		// podlite stores no manifest lists: pull resolves them.
		prop = func(*storage.Image) bool { return false }
	case "intermediate":
		if ictx == nil || ictx.HasChildren == nil {
			return nil, fmt.Errorf("image filter %s: %w", key, define.ErrNotSupported)
		}
		prop = func(img *storage.Image) bool { return img.Dangling() && !ictx.HasChildren(img) }
	}
	wants := make([]bool, 0, len(vals))
	for _, v := range vals {
		want, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("image filter %s=%s: want true or false: %w", key, v, define.ErrInvalidArg)
		}
		wants = append(wants, want)
	}
	return func(img *storage.Image) bool {
		got := prop(img)
		for _, w := range wants {
			if got == w {
				return true
			}
		}
		return false
	}, nil
}

// timeFilter builds before, since/after (relative to another image) and
// until (a time); several values must all hold, as in podman.
func timeFilter(key string, vals []string, ictx *ImageContext) (Image, error) {
	bounds := make([]time.Time, 0, len(vals))
	for _, v := range vals {
		if key == "until" {
			t, err := parseTime(v)
			if err != nil {
				return nil, fmt.Errorf("image filter until=%s: want a duration, an RFC 3339 time or Unix seconds: %w", v, define.ErrInvalidArg)
			}
			bounds = append(bounds, t)
			continue
		}
		if ictx == nil || ictx.Lookup == nil {
			return nil, fmt.Errorf("image filter %s: %w", key, define.ErrNotSupported)
		}
		ref, err := ictx.Lookup(v)
		if err != nil {
			return nil, fmt.Errorf("image filter %s=%s: %w", key, v, err)
		}
		bounds = append(bounds, ref.Created)
	}
	after := key == "since" || key == "after"
	return func(img *storage.Image) bool {
		for _, b := range bounds {
			if after && !img.Created.After(b) || !after && !img.Created.Before(b) {
				return false
			}
		}
		return true
	}, nil
}

// containersFilter builds containers=true|false|external.
func containersFilter(vals []string, ictx *ImageContext) (Image, error) {
	if ictx == nil || ictx.Users == nil {
		return nil, fmt.Errorf("image filter containers: %w", define.ErrNotSupported)
	}
	for _, v := range vals {
		if _, err := strconv.ParseBool(v); err != nil && v != "external" {
			return nil, fmt.Errorf("image filter containers=%s: want true, false or external: %w", v, define.ErrInvalidArg)
		}
	}
	return anyValue(vals, func(img *storage.Image, val string) bool {
		all, external := ictx.Users(img)
		if val == "external" {
			return external > 0
		}
		want, _ := strconv.ParseBool(val)
		return (all > 0) == want
	}), nil
}

// matchReference reports whether one of the image's names matches the glob
// pattern in any of the spellings Images documents.
func matchReference(img *storage.Image, pattern string) bool {
	for _, name := range img.Names {
		for _, spelling := range nameSpellings(name) {
			if ok, _ := path.Match(pattern, spelling); ok {
				return true
			}
		}
	}
	return false
}

// nameSpellings returns a full stored name, without tag, without registry,
// and (for Docker Hub's library) without "library/", each with and without
// the tag.
func nameSpellings(name string) []string {
	repo, tag := storage.SplitName(name)
	if tag != "" {
		tag = ":" + tag
	}
	repos := []string{repo}
	if _, rest, ok := strings.Cut(repo, "/"); ok {
		repos = append(repos, rest)
		if short, ok := strings.CutPrefix(rest, "library/"); ok {
			repos = append(repos, short)
		}
	}
	out := make([]string, 0, 2*len(repos))
	for _, r := range repos {
		out = append(out, r+tag, r)
	}
	return out
}
