package criu

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	securejoin "github.com/cyphar/filepath-securejoin"
	"github.com/podlite/podlite/libpod/define"
)

// Unpack extracts the archive in r into dstDir, which must be empty or
// absent; it is created 0700. It refuses, with an error wrapping
// define.ErrInvalidArg that names the member:
//   - a podlite archive (one that starts with podlite.manifest) that holds
//     a member the manifest does not list; an archive without a manifest is
//     podman's, whose artifacts/ directory is accepted too;
//   - names that are absolute, hold a ".." or "." component, or are not
//     one of the members above or inside checkpoint/ or volumes/;
//   - device nodes, FIFOs and any type but regular files, directories and,
//     inside checkpoint/ only, symbolic and hard links;
//   - symbolic links that are absolute or resolve outside dstDir, hard
//     links to anything but a regular file already extracted;
//   - a file larger than limits.MaxMemberSize, or files adding up to more
//     than limits.MaxTotalSize;
//   - a name that appears twice.
//
// Symbolic links are created last, so no file is ever written through one,
// and every path is resolved with securejoin inside dstDir: nothing is
// written outside it. On error dstDir holds what was extracted so far; the
// caller removes it.
func Unpack(r io.Reader, dstDir string, limits Limits) error {
	def := DefaultLimits()
	if limits.MaxMemberSize <= 0 {
		limits.MaxMemberSize = def.MaxMemberSize
	}
	if limits.MaxTotalSize <= 0 {
		limits.MaxTotalSize = def.MaxTotalSize
	}
	root, err := prepareDst(dstDir)
	if err != nil {
		return err
	}
	dr, closeFn, err := decompressReader(r, true)
	if err != nil {
		return err
	}
	defer closeFn()
	tr := tar.NewReader(dr)
	m, raw, hdr, err := readHead(tr)
	if err != nil {
		return err
	}
	u := &unpacker{root: root, limits: limits, manifest: m, podman: hdr != nil, seen: map[string]bool{MemberManifest: true}}
	if !u.podman {
		if err := u.writeFile(MemberManifest, bytes.NewReader(raw), int64(len(raw))); err != nil {
			return err
		}
	}
	for ; ; hdr = nil {
		if hdr == nil {
			if hdr, err = tr.Next(); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return corrupt(err)
			}
		}
		if err := u.entry(hdr, tr); err != nil {
			return err
		}
	}
	return u.finishSymlinks()
}

func prepareDst(dstDir string) (string, error) {
	if err := os.MkdirAll(dstDir, 0o700); err != nil {
		return "", fmt.Errorf("creating checkpoint directory: %w", err)
	}
	root, err := filepath.Abs(dstDir)
	if err == nil {
		root, err = filepath.EvalSymlinks(root)
	}
	if err != nil {
		return "", fmt.Errorf("resolving checkpoint directory %s: %w", dstDir, err)
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		return "", fmt.Errorf("reading checkpoint directory: %w", err)
	}
	if len(entries) > 0 {
		return "", fmt.Errorf("checkpoint directory %s is not empty: %w", dstDir, define.ErrInvalidArg)
	}
	return root, nil
}

type pendingLink struct {
	name, target string
}

type unpacker struct {
	root     string
	limits   Limits
	manifest Manifest
	// podman: the archive has no manifest to check members against.
	podman bool
	total  int64
	seen   map[string]bool
	links  []pendingLink
	buf    []byte // for copyN, allocated on first use
}

// cleanName validates a tar name and returns it without trailing slash.
func cleanName(name string) (string, error) {
	n := strings.TrimSuffix(name, "/")
	if n == "" {
		return "", invalid(name, "empty name")
	}
	if strings.HasPrefix(n, "/") {
		return "", invalid(name, "absolute path")
	}
	if strings.ContainsRune(n, 0) {
		return "", invalid(name, "NUL in name")
	}
	for _, c := range strings.Split(n, "/") {
		switch c {
		case "..":
			return "", invalid(name, "\"..\" in path")
		case ".", "":
			return "", invalid(name, "not a clean path")
		}
	}
	return n, nil
}

// entry validates one member, then extracts it.
func (u *unpacker) entry(hdr *tar.Header, tr *tar.Reader) error {
	name, err := u.admit(hdr)
	if err != nil {
		return err
	}
	return u.extract(name, hdr, tr)
}

// admit checks the member's name, type and place in the archive and
// returns its clean name. The name counts as seen from here on, even when
// a later check refuses it.
func (u *unpacker) admit(hdr *tar.Header) (string, error) {
	name, err := cleanName(hdr.Name)
	if err != nil {
		return "", err
	}
	if u.seen[name] {
		return "", invalid(name, "appears twice")
	}
	u.seen[name] = true
	parts := strings.Split(name, "/")
	if err := u.checkTop(name, parts[0]); err != nil {
		return "", err
	}
	if err := checkType(name, hdr.Typeflag); err != nil {
		return "", err
	}
	if err := checkShape(name, parts, hdr.Typeflag); err != nil {
		return "", err
	}
	return name, nil
}

// checkTop refuses a member whose top-level name is not one the archive
// may hold: artifacts/ only in podman's archives, and in podlite's only
// what the manifest lists.
func (u *unpacker) checkTop(name, top string) error {
	switch {
	case u.podman && top == MemberArtifacts:
	case !slices.Contains(memberOrder, top) || top == MemberManifest:
		return invalid(name, "not a checkpoint archive member")
	case !u.podman && !slices.Contains(u.manifest.Members, top):
		return invalid(name, "not listed in %s", MemberManifest)
	}
	return nil
}

// checkType refuses every type but regular files, directories and links.
func checkType(name string, typ byte) error {
	switch typ {
	case tar.TypeReg, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
		return nil
	case tar.TypeChar, tar.TypeBlock:
		return invalid(name, "device node")
	case tar.TypeFifo:
		return invalid(name, "FIFO")
	default:
		return invalid(name, "unsupported type %q", typ)
	}
}

// checkShape holds each top-level member to what it may contain; parts is
// the clean name split at "/". Links pass only inside checkpoint/.
func checkShape(name string, parts []string, typ byte) error {
	switch parts[0] {
	case MemberArtifacts:
		if (len(parts) == 1 && typ != tar.TypeDir) || (typ != tar.TypeDir && typ != tar.TypeReg) {
			return invalid(name, "artifacts/ holds only files and directories")
		}
	case MemberCheckpoint:
		if len(parts) == 1 && typ != tar.TypeDir {
			return invalid(name, "must be a directory")
		}
	case MemberSecrets:
		if (len(parts) == 1 && typ != tar.TypeDir) || len(parts) > 2 || (len(parts) == 2 && typ != tar.TypeReg) {
			return invalid(name, "secrets/ holds only files")
		}
	case MemberVolumes:
		switch {
		case len(parts) == 1 && typ != tar.TypeDir:
			return invalid(name, "must be a directory")
		case len(parts) > 2 || (len(parts) == 2 && (typ != tar.TypeReg || !strings.HasSuffix(parts[1], ".tar"))):
			return invalid(name, "volumes/ holds only <name>.tar files")
		}
	default:
		if len(parts) > 1 || typ != tar.TypeReg {
			return invalid(name, "must be a regular file")
		}
	}
	return nil
}

// extract creates a member that admit has accepted, so its type is one of
// the four handled here.
func (u *unpacker) extract(name string, hdr *tar.Header, tr *tar.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeDir:
		return u.extractDir(name)
	case tar.TypeReg:
		return u.extractFile(name, hdr.Size, tr)
	case tar.TypeLink:
		return u.extractHardLink(name, hdr.Linkname)
	default: // tar.TypeSymlink
		return u.queueSymlink(name, hdr.Linkname)
	}
}

// extractDir creates a directory; an earlier member may have made it as a
// parent already, but it must not stand where a file does.
func (u *unpacker) extractDir(name string) error {
	p, err := u.join(name)
	if err != nil {
		return err
	}
	if err := os.Mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("extracting checkpoint member %s: %w", name, err)
	}
	if fi, err := os.Lstat(p); err != nil || !fi.IsDir() {
		return invalid(name, "directory over an existing file")
	}
	return nil
}

// extractFile writes a regular file after checking its size, and the
// running total, against the limits; the header's size is checked before
// a byte is written.
func (u *unpacker) extractFile(name string, size int64, r io.Reader) error {
	if size > u.limits.MaxMemberSize {
		return invalid(name, "%d bytes, more than the limit of %d", size, u.limits.MaxMemberSize)
	}
	u.total += size
	if u.total > u.limits.MaxTotalSize {
		return invalid(name, "archive holds more than the limit of %d bytes", u.limits.MaxTotalSize)
	}
	return u.writeFile(name, r, size)
}

// extractHardLink links name to a regular file extracted before it inside
// the root; a directory or a target not yet extracted is refused.
func (u *unpacker) extractHardLink(name, linkname string) error {
	target, err := cleanName(linkname)
	if err != nil {
		return invalid(name, "hard link to %q, not a clean relative path", linkname)
	}
	src, err := u.join(target)
	if err != nil {
		return err
	}
	if fi, err := os.Lstat(src); err != nil || !fi.Mode().IsRegular() {
		return invalid(name, "hard link to %q, not an extracted regular file", linkname)
	}
	p, err := u.join(name)
	if err != nil {
		return err
	}
	if err := u.mkParents(name); err != nil {
		return err
	}
	if err := os.Link(src, p); err != nil {
		return u.createErr(name, err)
	}
	return nil
}

// queueSymlink records a relative symbolic link for finishSymlinks: none is
// created until every file is written, so none can be written through.
func (u *unpacker) queueSymlink(name, linkname string) error {
	if linkname == "" || path.IsAbs(linkname) || strings.ContainsRune(linkname, 0) {
		return invalid(name, "symbolic link to %q", linkname)
	}
	u.links = append(u.links, pendingLink{name: name, target: linkname})
	return nil
}

// join resolves name inside the root; final symlinks too, which is fine as
// no symlink exists while files are written.
func (u *unpacker) join(name string) (string, error) {
	p, err := securejoin.SecureJoin(u.root, name)
	if err != nil {
		return "", fmt.Errorf("resolving checkpoint member %s: %w: %w", name, define.ErrInvalidArg, err)
	}
	return p, nil
}

func (u *unpacker) mkParents(name string) error {
	dir := path.Dir(name)
	if dir == "." {
		return nil
	}
	p, err := u.join(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(p, 0o700); err != nil {
		return u.createErr(name, err)
	}
	return nil
}

func (u *unpacker) createErr(name string, err error) error {
	if errors.Is(err, fs.ErrExist) || errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return invalid(name, "clashes with another member: %v", err)
	}
	return fmt.Errorf("extracting checkpoint member %s: %w", name, err)
}

// writeFile creates name from size bytes of r.
func (u *unpacker) writeFile(name string, r io.Reader, size int64) error {
	if err := u.mkParents(name); err != nil {
		return err
	}
	p, err := u.join(name)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return u.createErr(name, err)
	}
	if u.buf == nil {
		u.buf = make([]byte, copyBufferSize)
	}
	err = copyN(f, r, size, u.buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return corrupt(err)
		}
		var wErr *fs.PathError
		if errors.As(err, &wErr) {
			return fmt.Errorf("extracting checkpoint member %s: %w", name, err)
		}
		return corrupt(err)
	}
	return nil
}

// finishSymlinks creates the symbolic links, then checks that each resolves
// inside the root as the kernel would follow it, through the others.
func (u *unpacker) finishSymlinks() error {
	for _, l := range u.links {
		if err := u.mkParents(l.name); err != nil {
			return err
		}
		dir, err := u.join(path.Dir(l.name))
		if err != nil {
			return err
		}
		if err := os.Symlink(l.target, filepath.Join(dir, path.Base(l.name))); err != nil {
			return u.createErr(l.name, err)
		}
	}
	for _, l := range u.links {
		dir, err := u.join(path.Dir(l.name))
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(u.root, dir)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return invalid(l.name, "outside the checkpoint directory")
		}
		if err := u.checkInside(rel, l.target); err != nil {
			os.Remove(filepath.Join(dir, path.Base(l.name)))
			return invalid(l.name, "symbolic link to %q: %v", l.target, err)
		}
	}
	return nil
}

var errEscapes = errors.New("resolves outside the checkpoint directory")

// checkInside follows target from dir (relative to the root, "." for the
// root), through symbolic links, as the kernel would; it fails if the walk
// leaves the root. Missing components count as directories.
func (u *unpacker) checkInside(dir, target string) error {
	var cur []string
	if dir != "." {
		cur = strings.Split(filepath.ToSlash(dir), "/")
	}
	queue := strings.Split(target, "/")
	hops := 0
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return errEscapes
			}
			cur = cur[:len(cur)-1]
			continue
		}
		next := append(slices.Clone(cur), c)
		fi, err := os.Lstat(filepath.Join(u.root, filepath.Join(next...)))
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		if hops++; hops > 255 {
			return errors.New("too many levels of symbolic links")
		}
		t, err := os.Readlink(filepath.Join(u.root, filepath.Join(next...)))
		if err != nil {
			return err
		}
		if path.IsAbs(t) {
			return errEscapes
		}
		queue = append(strings.Split(t, "/"), queue...)
	}
	return nil
}
