package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/podlite/podlite/libpod/define"
)

// Mount is a parsed -v, --mount or --tmpfs request. A Mount with
// VolumeName set refers to a named volume whose path the caller fills in.
type Mount struct {
	specs.Mount
	VolumeName string
	// Relabel is "z" (shared) or "Z" (private) when the source must be
	// relabelled for SELinux.
	Relabel string
	// Subpath is a type=image mount's directory of the image.
	Subpath string
}

// ParseVolume parses -v SRC:DEST[:OPTS] where SRC is a host path (absolute)
// or a volume name, and OPTS a comma list of ro, rw, z, Z and propagation.
func ParseVolume(v string) (Mount, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Mount{}, fmt.Errorf("invalid volume %q: want SRC:DEST[:OPTIONS]: %w", v, define.ErrInvalidArg)
	}
	var opts []string
	if len(parts) == 3 {
		opts = strings.Split(parts[2], ",")
	}
	return bindOrVolume(v, parts[0], parts[1], opts)
}

func bindOrVolume(orig, src, dest string, opts []string) (Mount, error) {
	if !filepath.IsAbs(dest) {
		return Mount{}, fmt.Errorf("invalid volume %q: destination %q is not absolute: %w", orig, dest, define.ErrInvalidArg)
	}
	m := Mount{Mount: specs.Mount{Destination: filepath.Clean(dest), Type: "bind"}}
	mode := "rw"
	for _, o := range opts {
		switch o {
		case "ro", "rw":
			mode = o
		case "z", "Z":
			m.Relabel = o
		case "rprivate", "private", "rshared", "shared", "rslave", "slave", "nosuid", "nodev", "noexec", "suid", "dev", "exec":
			m.Options = append(m.Options, o)
		case "":
		default:
			return Mount{}, fmt.Errorf("invalid volume %q: unknown option %q: %w", orig, o, define.ErrInvalidArg)
		}
	}
	m.Options = append(m.Options, "rbind", mode)
	if filepath.IsAbs(src) {
		m.Source = filepath.Clean(src)
	} else {
		if strings.ContainsAny(src, "/.") && !ValidVolumeName(src) {
			return Mount{}, fmt.Errorf("invalid volume %q: %q is neither an absolute path nor a volume name: %w", orig, src, define.ErrInvalidArg)
		}
		m.VolumeName = src
	}
	return m, nil
}

// ValidVolumeName reports whether name is a legal volume name.
func ValidVolumeName(name string) bool {
	if name == "" {
		return false
	}
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || (i > 0 && strings.ContainsRune("_.-", r))
		if !ok {
			return false
		}
	}
	return true
}

// ParseTmpfs parses --tmpfs DEST[:OPTIONS].
func ParseTmpfs(t string) (Mount, error) {
	dest, opts, _ := strings.Cut(t, ":")
	if !filepath.IsAbs(dest) {
		return Mount{}, fmt.Errorf("invalid tmpfs %q: destination is not absolute: %w", t, define.ErrInvalidArg)
	}
	options := []string{"rw", "noexec", "nosuid", "nodev"}
	if opts != "" {
		options = strings.Split(opts, ",")
	}
	return Mount{Mount: specs.Mount{Destination: filepath.Clean(dest), Type: "tmpfs", Source: "tmpfs", Options: options}}, nil
}

// ParseMount parses --mount type=bind|volume|tmpfs,source=…,target=…[,ro].
func ParseMount(s string) (Mount, error) {
	var typ, src, dest string
	var opts []string
	for _, field := range strings.Split(s, ",") {
		k, v, hasValue := strings.Cut(field, "=")
		switch strings.ToLower(k) {
		case "type":
			typ = v
		case "source", "src":
			src = v
		case "target", "destination", "dst":
			dest = v
		case "readonly", "ro":
			if !hasValue || v == "true" || v == "1" {
				opts = append(opts, "ro")
			}
		case "tmpfs-size":
			opts = append(opts, "size="+v)
		case "tmpfs-mode":
			opts = append(opts, "mode="+v)
		case "bind-propagation":
			opts = append(opts, v)
		case "z", "Z", "relabel":
		default:
			return Mount{}, fmt.Errorf("invalid mount %q: unknown field %q: %w", s, k, define.ErrInvalidArg)
		}
	}
	if dest == "" {
		return Mount{}, fmt.Errorf("invalid mount %q: no target: %w", s, define.ErrInvalidArg)
	}
	switch typ {
	case "bind":
		if !filepath.IsAbs(src) {
			return Mount{}, fmt.Errorf("invalid mount %q: bind source must be an absolute path: %w", s, define.ErrInvalidArg)
		}
		return bindOrVolume(s, src, dest, opts)
	case "volume":
		if src == "" {
			return Mount{}, fmt.Errorf("invalid mount %q: volume mounts need a source name: %w", s, define.ErrInvalidArg)
		}
		return bindOrVolume(s, src, dest, opts)
	case "tmpfs":
		o := "rw,noexec,nosuid,nodev"
		if len(opts) > 0 {
			o += "," + strings.Join(opts, ",")
		}
		return ParseTmpfs(dest + ":" + o)
	}
	return Mount{}, fmt.Errorf("invalid mount %q: type must be bind, volume, tmpfs, ramfs, devpts, glob or image: %w", s, define.ErrInvalidArg)
}
