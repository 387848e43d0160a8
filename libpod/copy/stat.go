// Package copy is podman's `cp` without a Runtime: paths resolved inside a
// container's root (never through the host's symlinks) and then read and
// written only through handles of that root (roots.go), tar streams of a
// source, and their extraction confined to the destination's root. A Side
// is one end of a copy: the host ("/" as root) or a container's root
// (/proc/PID/root of a running container, whose volumes, bind and tmpfs
// mounts it sees; the mounted rootfs of a stopped one).
package copy

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	securejoin "github.com/cyphar/filepath-securejoin"

	"github.com/podlite/podlite/libpod/define"
)

// Side is one end of a copy.
type Side struct {
	// Container names the container for messages; "" is the host.
	Container string
	// Root is the host path of the container's root, "/" for the host.
	Root string
	// Chown, when set, owns every extracted entry (the container's user
	// with --archive, the caller on the host); nil keeps the tar's IDs.
	Chown *IDPair
	// IDs are a container's user namespace mappings: files in its root
	// are owned by host IDs, which a copy out turns back into the
	// container's and a copy in maps; nil without mappings.
	IDs *IDMap
	// Mounts are the bind mounts and volumes of a stopped container,
	// whose paths a copy reads and writes at their sources, as podman's
	// cp does (a running container's root has them mounted already).
	Mounts []Mount

	// roots are the handles every read and write of one copy goes
	// through (see roots.go).
	roots *roots
}

// Mount is a container path whose contents are at Source on the host;
// a copy into a ReadOnly one fails, as the kernel makes it fail while the
// container runs.
type Mount struct {
	Destination, Source string
	ReadOnly            bool
}

// IDPair is a UID and GID.
type IDPair struct{ UID, GID int }

// toContainer maps host IDs of a file in the root to the container's; an
// ID the container has no mapping for is the overflow ID, as the kernel
// shows it.
func (s Side) toContainer(uid, gid int) (int, int) {
	if s.IDs == nil {
		return uid, gid
	}
	u, ok := toContainer(uid, s.IDs.UIDs)
	if !ok {
		u = overflowID
	}
	g, ok := toContainer(gid, s.IDs.GIDs)
	if !ok {
		g = overflowID
	}
	return u, g
}

// toHost maps container IDs to the host IDs a file in the root gets.
func (s Side) toHost(uid, gid int) (int, int, error) {
	if s.IDs == nil {
		return uid, gid, nil
	}
	hu, err := toHost(uid, s.IDs.UIDs)
	if err == nil {
		var hg int
		if hg, err = toHost(gid, s.IDs.GIDs); err == nil {
			return hu, hg, nil
		}
	}
	return 0, 0, fmt.Errorf("owner %d:%d in container %s: %v: %w", uid, gid, s.Container, err, define.ErrInvalidArg)
}

// overflowID is the kernel's owner of files whose ID is not mapped.
const overflowID = 65534

// Host is the host side of a copy; it owns extracted files to the caller
// as podman does.
func Host() Side {
	return Side{Root: "/", Chown: &IDPair{UID: os.Getuid(), GID: os.Getgid()}}
}

// info is a resolved path of a Side.
type info struct {
	// path is the resolved path inside the root (symlinks followed, in
	// the root), with "/." kept when the caller asked for a directory's
	// contents.
	path string
	// base is the host path of the root path lies in (the Side's root or
	// a mount's source) and rel its path there: what is opened through
	// base's handle.
	base, rel string
	isDir     bool
}

// where names the side for messages, as podman does.
func (s Side) where() string {
	if s.Container == "" {
		return "the host"
	}
	return "container " + s.Container
}

// abs makes p absolute: relative to "/" in a container, to the working
// directory on the host.
func (s Side) abs(p string) (string, error) {
	if s.Container != "" {
		return "/" + p, nil
	}
	return filepath.Abs(p)
}

// resolve follows p's symlinks inside the root; the path need not exist.
func (s Side) resolve(p string) (info, error) {
	a, err := s.abs(p)
	if err != nil {
		return info{}, err
	}
	base, rel, resolved, err := s.split(a)
	if err != nil {
		return info{}, fmt.Errorf("resolving %q on %s: %w", p, s.where(), err)
	}
	return info{path: resolved, base: base, rel: rel}, nil
}

// split resolves p inside the root, then inside the mount it lands in,
// and returns the host path of that root or mount source (base), p's
// path there (rel, "." for base itself) and p's resolved path in the
// container. The strings only choose where to go: what is read or
// written is opened through base's handle (roots.go).
func (s Side) split(p string) (base, rel, resolved string, _ error) {
	host, err := securejoin.SecureJoin(s.Root, p)
	if err != nil {
		return "", "", "", err
	}
	resolved = "/" + strings.TrimPrefix(strings.TrimPrefix(host, s.Root), "/")
	for _, m := range s.Mounts {
		dst := path.Clean("/" + m.Destination)
		rest, ok := strings.CutPrefix(resolved, dst)
		if !ok || (rest != "" && rest[0] != '/') || dst == "/" {
			continue
		}
		src := filepath.Clean(m.Source)
		if fi, err := os.Stat(src); rest == "" && err == nil && !fi.IsDir() {
			// A file mount is opened by name in its directory (an
			// os.Root is a directory).
			return filepath.Dir(src), filepath.Base(src), dst, nil
		}
		if host, err = securejoin.SecureJoin(src, rest); err != nil {
			return "", "", "", err
		}
		rel := relTo(src, host)
		return src, rel, path.Join(dst, rel), nil
	}
	return s.Root, relTo(s.Root, host), resolved, nil
}

// relTo is host's path under base ("." for base itself).
func relTo(base, host string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(host, filepath.Clean(base)), "/")
	if rel == "" {
		return "."
	}
	return rel
}

// stat resolves p and requires it to exist.
func (s Side) stat(p string) (info, error) {
	in, err := s.resolve(p)
	if err != nil {
		return in, err
	}
	root, err := s.root(in.base)
	if err != nil {
		return in, s.notFound(p, err)
	}
	fi, err := root.Stat(in.rel)
	if err != nil {
		return in, s.notFound(p, err)
	}
	in.isDir = fi.IsDir()
	if in.isDir && contentsOnly(p) {
		in.path = path.Join(in.path, ".") + "/."
	}
	return in, nil
}

// notFound is podman's "could not be found" error for p.
func (s Side) notFound(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, define.ErrNotFound) {
		err = define.ErrNoSuchFile
	}
	return fmt.Errorf("%q could not be found on %s: %w", p, s.where(), err)
}

// contentsOnly says whether p names a directory's contents ("dir/.").
func contentsOnly(p string) bool {
	return p == "." || strings.HasSuffix(p, "/.")
}

// destination is where a copy writes.
type destination struct {
	// dir is the existing directory the tar is extracted into: the
	// destination itself when it is a directory, else its parent.
	dir info
	// name is the destination's base name, which the source's top entry
	// takes when it is renamed.
	name string
	// isDir: the destination is a directory (or a new one is made).
	isDir bool
	// toParent: the destination does not exist; it is made in dir.
	toParent bool
}

// resolveDestination resolves p as podman does: an existing path, or a
// new name in an existing directory (not with a trailing "/", nor for a
// tar from stdin, which needs a directory).
func (s Side) resolveDestination(p string, stdin bool) (destination, error) {
	in, err := s.stat(p)
	if err == nil && in.isDir {
		return destination{dir: in, name: path.Base(in.path), isDir: true}, nil
	}
	if err == nil {
		parent, err := s.stat(path.Dir(in.path))
		return destination{dir: parent, name: path.Base(in.path)}, err
	}
	if !errors.Is(err, define.ErrNotFound) {
		return destination{}, err
	}
	if strings.HasSuffix(p, "/") {
		return destination{}, err
	}
	if stdin {
		return destination{}, define.Worded(define.ErrInvalidArg, "destination must be a directory when copying from stdin")
	}
	// in.path is resolved: a dangling symlink names its target.
	parent, perr := s.stat(path.Dir(in.path))
	if perr != nil || !parent.isDir {
		return destination{}, err
	}
	return destination{dir: parent, name: path.Base(in.path), isDir: true, toParent: true}, nil
}
