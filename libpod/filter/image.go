package filter

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// Image reports whether a local image passes a filter.
type Image func(img *storage.Image) bool

// Images turns `images --filter KEY=VALUE` strings into one predicate:
//
//	reference=PATTERN    a name matches the glob, in full
//	                     ("docker.io/library/busybox:latest"), without tag,
//	                     or without registry ("busybox", "busybox:latest")
//	dangling=true|false  the image has no name (or has one)
//	label=KEY[=VALUE]    the image config has the label (with VALUE)
func Images(filters []string) (Image, error) {
	all, err := compile("image", filters, imageFilter)
	if err != nil {
		return nil, err
	}
	return every[*storage.Image](all), nil
}

// imageFilter builds the predicate for one filter key.
func imageFilter(key string, vals []string) (Image, error) {
	switch key {
	case "reference":
		for _, v := range vals {
			if _, err := path.Match(v, ""); err != nil {
				return nil, fmt.Errorf("image filter reference=%s: %v: %w", v, err, define.ErrInvalidArg)
			}
		}
		return anyValue(vals, matchReference), nil
	case "dangling":
		for _, v := range vals {
			if _, err := strconv.ParseBool(v); err != nil {
				return nil, fmt.Errorf("image filter dangling=%s: want true or false: %w", v, define.ErrInvalidArg)
			}
		}
		return anyValue(vals, func(img *storage.Image, val string) bool {
			want, _ := strconv.ParseBool(val)
			return img.Dangling() == want
		}), nil
	case "label":
		return anyValue(vals, func(img *storage.Image, val string) bool { return hasKeyValue(img.Config.Labels, val) }), nil
	}
	return nil, fmt.Errorf("image filter %q: unknown key (want reference, dangling or label): %w", key, define.ErrInvalidArg)
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
