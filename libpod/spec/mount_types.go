package spec

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docker/go-units"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// ParseMounts parses one --mount value: the types of ParseMount, and
// ramfs, devpts and glob, which expands to a bind mount per host path
// matching its source.
func ParseMounts(s string) ([]Mount, error) {
	fields := map[string]string{}
	var order []string
	for _, field := range strings.Split(s, ",") {
		k, v, hasValue := strings.Cut(field, "=")
		k = strings.ToLower(k)
		if !hasValue {
			v = "true"
		}
		fields[k] = v
		order = append(order, k)
	}
	switch fields["type"] {
	case "ramfs":
		m, err := ramfsMount(s, fields, order)
		return []Mount{m}, err
	case "devpts":
		m, err := devptsMount(s, fields, order)
		return []Mount{m}, err
	case "glob":
		return globMounts(s, fields, order)
	case "image":
		m, err := imageMount(s, fields, order)
		return []Mount{m}, err
	}
	m, err := ParseMount(s)
	if err != nil {
		return nil, err
	}
	return []Mount{m}, nil
}

// mountTarget is the destination field of a --mount value.
func mountTarget(f map[string]string) string {
	for _, k := range []string{"target", "destination", "dst"} {
		if v, ok := f[k]; ok {
			return v
		}
	}
	return ""
}

func isTrue(v string) bool { return v == "true" || v == "1" }

// imageMount is a type=image mount: a Mount of Type "image" whose Source
// names the image, with "ro" or "rw" (an overlay whose writes go with the
// run) and Subpath; the caller resolves the image.
func imageMount(s string, f map[string]string, order []string) (Mount, error) {
	m := Mount{Mount: specs.Mount{Type: "image", Options: []string{"ro"}}}
	for _, k := range order {
		v := f[k]
		switch k {
		case "type", "target", "destination", "dst":
		case "source", "src":
			m.Source = v
		case "rw", "readwrite":
			if isTrue(v) {
				m.Options = []string{"rw"}
			}
		case "ro", "readonly":
			if !isTrue(v) {
				m.Options = []string{"rw"}
			}
		case "subpath":
			m.Subpath = v
		case "idmap":
			return Mount{}, fmt.Errorf("invalid mount %q: idmap is not supported: podlite has no idmapped mounts: %w", s, define.ErrNotSupported)
		default:
			return Mount{}, fmt.Errorf("invalid mount %q: unknown field %q for type=image: %w", s, k, define.ErrInvalidArg)
		}
	}
	dest := mountTarget(f)
	switch {
	case m.Source == "":
		return Mount{}, fmt.Errorf("invalid mount %q: type=image needs a source image: %w", s, define.ErrInvalidArg)
	case !filepath.IsAbs(dest):
		return Mount{}, fmt.Errorf("invalid mount %q: the target must be an absolute path: %w", s, define.ErrInvalidArg)
	case m.Subpath != "" && (!filepath.IsLocal(strings.TrimPrefix(m.Subpath, "/")) && filepath.Clean(m.Subpath) != "/"):
		return Mount{}, fmt.Errorf("invalid mount %q: the subpath must stay inside the image: %w", s, define.ErrInvalidArg)
	}
	m.Destination = filepath.Clean(dest)
	return m, nil
}

func ramfsMount(s string, f map[string]string, order []string) (Mount, error) {
	dest := mountTarget(f)
	if !filepath.IsAbs(dest) {
		return Mount{}, fmt.Errorf("invalid mount %q: the target must be an absolute path: %w", s, define.ErrInvalidArg)
	}
	opts := []string{"rw", "nosuid", "nodev"}
	for _, k := range order {
		v := f[k]
		switch k {
		case "type", "target", "destination", "dst", "tmpcopyup", "notmpcopyup":
		case "ro", "readonly":
			if isTrue(v) {
				opts[0] = "ro"
			}
		case "tmpfs-size":
			n, err := units.RAMInBytes(v)
			if err != nil {
				return Mount{}, fmt.Errorf("invalid mount %q: bad tmpfs-size: %w", s, define.ErrInvalidArg)
			}
			opts = append(opts, fmt.Sprintf("size=%d", n))
		case "tmpfs-mode":
			if _, err := strconv.ParseUint(v, 8, 32); err != nil {
				return Mount{}, fmt.Errorf("invalid mount %q: bad tmpfs-mode: %w", s, define.ErrInvalidArg)
			}
			opts = append(opts, "mode="+v)
		default:
			return Mount{}, fmt.Errorf("invalid mount %q: unknown field %q for type=ramfs: %w", s, k, define.ErrInvalidArg)
		}
	}
	return Mount{Mount: specs.Mount{Destination: filepath.Clean(dest), Type: "ramfs", Source: "ramfs", Options: opts}}, nil
}

func devptsMount(s string, f map[string]string, order []string) (Mount, error) {
	dest := mountTarget(f)
	if !filepath.IsAbs(dest) {
		return Mount{}, fmt.Errorf("invalid mount %q: the target must be an absolute path: %w", s, define.ErrInvalidArg)
	}
	opts := []string{"rw", "nosuid", "noexec", "newinstance", "ptmxmode=0666"}
	for _, k := range order {
		v := f[k]
		base := 10
		switch k {
		case "type", "target", "destination", "dst":
			continue
		case "uid", "gid", "max":
		case "mode":
			base = 8
		default:
			return Mount{}, fmt.Errorf("invalid mount %q: unknown field %q for type=devpts: %w", s, k, define.ErrInvalidArg)
		}
		if _, err := strconv.ParseUint(v, base, 32); err != nil {
			return Mount{}, fmt.Errorf("invalid mount %q: %s must be a number: %w", s, k, define.ErrInvalidArg)
		}
		opts = append(opts, k+"="+v)
	}
	return Mount{Mount: specs.Mount{Destination: filepath.Clean(dest), Type: "devpts", Source: "devpts", Options: opts}}, nil
}

// globMounts bind-mounts every host path matching the source glob: under
// the target directory by base name, or at the same path without one.
func globMounts(s string, f map[string]string, order []string) ([]Mount, error) {
	src := f["source"]
	if v, ok := f["src"]; ok {
		src = v
	}
	if !filepath.IsAbs(src) {
		return nil, fmt.Errorf("invalid mount %q: a glob source must be an absolute path: %w", s, define.ErrInvalidArg)
	}
	var rest []string
	for _, k := range order {
		if k != "type" && k != "source" && k != "src" && k != "target" && k != "destination" && k != "dst" {
			rest = append(rest, k+"="+f[k])
		}
	}
	matches, err := filepath.Glob(src)
	if err != nil {
		return nil, fmt.Errorf("invalid mount %q: bad glob: %w", s, define.ErrInvalidArg)
	}
	dest := mountTarget(f)
	var out []Mount
	for _, m := range matches {
		target := m
		if dest != "" {
			target = filepath.Join(dest, filepath.Base(m))
		}
		one, err := ParseMount(strings.Join(append([]string{"type=bind", "source=" + m, "target=" + target}, rest...), ","))
		if err != nil {
			return nil, fmt.Errorf("invalid mount %q: %w", s, err)
		}
		out = append(out, one)
	}
	return out, nil
}
