package criu

// Checkpoint archive format, version 1
//
// A checkpoint archive (what `podlite container checkpoint --export` writes
// and `podlite container restore --import` reads) is a POSIX (PAX) tar
// stream, compressed with zstd (the default), gzip, or not at all. Readers
// detect the compression from the first bytes: 28 b5 2f fd is zstd, 1f 8b is
// gzip, anything else is read as plain tar.
//
// Members carry the names podman gives them, which checkpointctl reads, plus
// podlite's manifest, and appear in this order:
//
//	podlite.manifest        JSON, see [Manifest]; always the first member
//	config.dump             the container's configuration
//	spec.dump               the OCI runtime spec the container ran with
//	network.status          the container's network attachments (IPs, MACs)
//	stats-dump              CRIU's dump statistics
//	deleted.files           JSON list of rootfs paths deleted since creation
//	checkpoint/cpuinfo.img  the dumping CPU's features, when recorded;
//	                        always the first file under checkpoint/
//	checkpoint/...          CRIU's image directory, any depth
//	rootfs-diff.tar         rootfs changes since the container was created
//	volumes/<name>.tar      one tar per named volume, when exported
//	secrets/<file>          the container's copies of its mounted secrets
//	devshm-checkpoint.tar   the contents of the container's /dev/shm
//	ctr.log                 the container's log
//
// The small members (cpuinfo.img included) come first so that
// [ReadMetadata] can show or validate an archive after decompressing a few
// kilobytes, and stop there:
// podman puts them wherever the directory walk finds them, so reading the
// metadata of a 10-100 GB archive decompresses all of it.
//
// podlite.manifest is {"version": 1, "created": RFC 3339 time, "id", "name",
// "image", "imageID", "members": [top-level names in the archive]}.
// [ManifestVersion] is bumped whenever a reader of the old version would
// misread the new one; readers refuse versions they do not know, with
// define.ErrNotSupported. Archives of each version are kept as fixtures in
// testdata/ and read by TestFixtureV1 and its successors.
//
// Members are regular files and directories and, inside checkpoint/ only,
// symbolic links ([Pack] writes them) and hard links ([Unpack] accepts them).
// [Unpack] refuses anything else (see its comment).
// Extracted files are 0600 and directories 0700, whatever the archive says:
// the images hold process memory, as does the archive, which [CreateArchive]
// creates 0600.

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/crashpoint"
)

// ManifestVersion is the archive format version this package writes and the
// only one it reads.
const ManifestVersion = 1

// Archive member names, shared with podman and checkpointctl except for
// MemberManifest.
const (
	MemberManifest      = "podlite.manifest"
	MemberConfig        = "config.dump"
	MemberSpec          = "spec.dump"
	MemberNetworkStatus = "network.status"
	MemberStats         = "stats-dump"
	MemberDeletedFiles  = "deleted.files"
	MemberCheckpoint    = "checkpoint"
	MemberRootfsDiff    = "rootfs-diff.tar"
	MemberVolumes       = "volumes"
	MemberDevShm        = "devshm-checkpoint.tar"
	MemberLog           = "ctr.log"
	// MemberArtifacts is a directory podman's archives carry; podlite
	// accepts it on import and uses nothing in it.
	MemberArtifacts = "artifacts"
	// MemberSecrets holds the container's copies of its --secret files
	// (podlite's; podman's archives do not carry them).
	MemberSecrets = "secrets"
)

// memberOrder is the order members are written in: metadata first.
var memberOrder = []string{
	MemberManifest,
	MemberConfig,
	MemberSpec,
	MemberNetworkStatus,
	MemberStats,
	MemberDeletedFiles,
	MemberCheckpoint,
	MemberRootfsDiff,
	MemberVolumes,
	MemberSecrets,
	MemberDevShm,
	MemberLog,
}

// metadataMembers are the leading members [ReadMetadata] reads.
var metadataMembers = []string{MemberManifest, MemberConfig, MemberSpec, MemberNetworkStatus, MemberStats}

// MaxMetadataSize bounds each member [ReadMetadata] reads into memory.
const MaxMetadataSize = 16 << 20

// zstdMaxWindow bounds the memory a zstd frame may ask the decoder for; the
// encoder's default levels use at most 8 MiB.
const zstdMaxWindow = 64 << 20

// Compression is the compression of a checkpoint archive.
type Compression string

// The compressions podlite writes; the names are those of podman's
// `checkpoint --compress`.
const (
	// CompressionZstd is the default: multi-threaded, fast to decompress.
	CompressionZstd Compression = "zstd"
	// CompressionGzip is for tools that do not know zstd; podlite writes
	// it at the fastest level.
	CompressionGzip Compression = "gzip"
	// CompressionNone writes plain tar.
	CompressionNone Compression = "none"
)

// ParseCompression returns the Compression named s; the empty string is the
// default, zstd.
func ParseCompression(s string) (Compression, error) {
	switch c := Compression(s); c {
	case "":
		return CompressionZstd, nil
	case CompressionZstd, CompressionGzip, CompressionNone:
		return c, nil
	}
	return "", fmt.Errorf("unknown checkpoint compression %q (want zstd, gzip or none): %w", s, define.ErrInvalidArg)
}

// Manifest is the content of podlite.manifest.
type Manifest struct {
	// Version is the archive format version, [ManifestVersion] when written.
	Version int `json:"version"`
	// Created is when the archive was written.
	Created time.Time `json:"created"`
	// ID, Name, Image and ImageID describe the checkpointed container.
	ID      string `json:"id"`
	Name    string `json:"name"`
	Image   string `json:"image"`
	ImageID string `json:"imageID"`
	// Members are the top-level member names, in archive order, the
	// manifest included.
	Members []string `json:"members"`
	// The checkpointing host, for restore --check: CRIU's version (integer
	// form), the kernel release, the architecture and the cgroup version.
	// Empty in archives written before these fields existed.
	CRIUVersion   int    `json:"criuVersion,omitempty"`
	Kernel        string `json:"kernel,omitempty"`
	Arch          string `json:"arch,omitempty"`
	CgroupVersion string `json:"cgroupVersion,omitempty"`
	// Rootless is set for a user's container: its images leave the tree
	// in the restoring CRIU's user namespace (see AdoptNamespaces).
	Rootless bool `json:"rootless,omitempty"`
}

// Metadata is what [ReadMetadata] finds at the head of an archive: the
// manifest and the raw bytes of the small members (nil when absent).
type Metadata struct {
	Manifest Manifest
	// Podman is set for an archive podman wrote: it has no manifest (the
	// Manifest is zero) and may hold members in any order.
	Podman        bool
	Config        []byte
	Spec          []byte
	NetworkStatus []byte
	Stats         []byte
	// CPUInfo is checkpoint/cpuinfo.img, for [CheckCPUInfoImage].
	CPUInfo []byte
}

// Limits bound what [Unpack] accepts. A zero field takes its value from
// [DefaultLimits].
type Limits struct {
	// MaxMemberSize bounds the size of each file in the archive.
	MaxMemberSize int64
	// MaxTotalSize bounds the sum of the sizes of all files.
	MaxTotalSize int64
}

// DefaultLimits returns limits large enough for any container podlite can
// checkpoint on an ordinary host, and small enough that a hostile archive
// cannot fill a disk.
func DefaultLimits() Limits {
	return Limits{MaxMemberSize: 256 << 30, MaxTotalSize: 1 << 40}
}

// ArchiveFile is an archive being written. Nothing is at its path until
// Commit: the data goes to an unnamed O_TMPFILE file in the path's
// directory, which the kernel frees if the writer dies, so a podlite
// killed mid-export leaves no half archive anywhere. Where the file
// system has no O_TMPFILE, a hidden ".NAME.partial-*" file stands in; it
// is removed on failure, and a crash leaves it, named as incomplete.
type ArchiveFile struct {
	*os.File
	path    string
	partial string // the stand-in's name, "" for an O_TMPFILE file
}

// CreateArchive starts an archive for path, readable by its owner only:
// the archive holds process memory. Commit puts it in place; Close
// without Commit discards it.
func CreateArchive(path string) (*ArchiveFile, error) {
	dir := filepath.Dir(path)
	f, err := os.OpenFile(dir, os.O_WRONLY|unix.O_TMPFILE|unix.O_CLOEXEC, 0o600)
	if err == nil {
		return &ArchiveFile{File: f, path: path}, nil
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EISDIR) {
		return nil, fmt.Errorf("creating checkpoint archive %s: %w", path, err)
	}
	f, err = os.CreateTemp(dir, "."+filepath.Base(path)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("creating checkpoint archive %s: %w", path, err)
	}
	return &ArchiveFile{File: f, path: path, partial: f.Name()}, nil
}

// Commit syncs the archive and renames it into place over whatever was at
// its path, then closes it.
func (a *ArchiveFile) Commit() (retErr error) {
	defer func() {
		if retErr != nil {
			retErr = fmt.Errorf("completing checkpoint archive %s: %w", a.path, retErr)
		}
	}()
	if err := a.Sync(); err != nil {
		return err
	}
	crashpoint.Hit(crashpoint.ExportArchiveWritten)
	name := a.partial
	if name == "" {
		// Named beside the target, then renamed: linkat cannot replace.
		name = fmt.Sprintf("%s/.%s.partial-%d", filepath.Dir(a.path), filepath.Base(a.path), time.Now().UnixNano())
		proc := fmt.Sprintf("/proc/self/fd/%d", a.Fd())
		if err := unix.Linkat(unix.AT_FDCWD, proc, unix.AT_FDCWD, name, unix.AT_SYMLINK_FOLLOW); err != nil {
			return err
		}
	}
	if err := os.Rename(name, a.path); err != nil {
		_ = os.Remove(name)
		return err
	}
	a.partial = ""
	return a.File.Close()
}

// Close discards an archive not committed (and closes a committed one
// again, harmlessly).
func (a *ArchiveFile) Close() error {
	err := a.File.Close()
	if a.partial != "" {
		if rerr := os.Remove(a.partial); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return rerr
		}
		a.partial = ""
	}
	if errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

// Pack writes to w an archive of the members (top-level names from the list
// above, the manifest excepted) found in srcDir, in format order whatever
// the order of members, compressed with c (zstd when empty). It writes
// podlite.manifest from m, filling in Version, Members and, when zero,
// Created. Files are read as they are found: the caller keeps srcDir still.
func Pack(w io.Writer, srcDir string, members []string, m Manifest, c Compression) error {
	return PackPending(w, srcDir, members, nil, m, c)
}

// Pending maps members still being written when packing starts to a
// function that waits until the member is complete, and returns the error
// of writing it. Packing one in the background lets a caller overlap its
// writing with the compression of the members before it.
type Pending map[string]func() error

// PackPending is [Pack] with members that are still being written: before
// packing each member named in pending, it calls the member's function and
// packs the member once that returns nil; an error ends the packing. It
// calls each function at most once, and not at all when it fails before
// reaching the member: the caller still waits for those.
func PackPending(w io.Writer, srcDir string, members []string, pending Pending, m Manifest, c Compression) (retErr error) {
	c, err := ParseCompression(string(c))
	if err != nil {
		return err
	}
	ordered := []string{MemberManifest}
	for _, name := range members {
		if !slices.Contains(memberOrder, name) || name == MemberManifest {
			return fmt.Errorf("packing checkpoint member %q: not a checkpoint archive member: %w", name, define.ErrInvalidArg)
		}
		if slices.Contains(ordered, name) {
			return fmt.Errorf("packing checkpoint member %q: listed twice: %w", name, define.ErrInvalidArg)
		}
		ordered = append(ordered, name)
	}
	slices.SortStableFunc(ordered, func(a, b string) int {
		return slices.Index(memberOrder, a) - slices.Index(memberOrder, b)
	})

	m.Version = ManifestVersion
	m.Members = ordered
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	m.Created = m.Created.UTC().Truncate(time.Second)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding checkpoint manifest: %w", err)
	}

	cw, err := compressWriter(w, c)
	if err != nil {
		return err
	}
	defer func() {
		if err := cw.Close(); err != nil && retErr == nil {
			retErr = fmt.Errorf("compressing checkpoint archive: %w", err)
		}
	}()
	tw := tar.NewWriter(cw)
	if err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     MemberManifest,
		Mode:     0o600,
		Size:     int64(len(manifest)),
		ModTime:  m.Created,
		Format:   tar.FormatPAX,
	}); err != nil {
		return fmt.Errorf("writing checkpoint member %s: %w", MemberManifest, err)
	}
	if _, err := tw.Write(manifest); err != nil {
		return fmt.Errorf("writing checkpoint member %s: %w", MemberManifest, err)
	}
	buf := make([]byte, copyBufferSize)
	for _, name := range ordered[1:] {
		if wait := pending[name]; wait != nil {
			if err := wait(); err != nil {
				return fmt.Errorf("packing checkpoint member %s: %w", name, err)
			}
		}
		if err := packMember(tw, srcDir, name, buf); err != nil {
			return err
		}
		if name == MemberCheckpoint {
			crashpoint.Hit(crashpoint.ExportMidArchive)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing checkpoint archive: %w", err)
	}
	return nil
}

// packMember writes srcDir/name, and its subtree when it is a directory,
// copying files through buf.
func packMember(tw *tar.Writer, srcDir, name string, buf []byte) error {
	root := filepath.Join(srcDir, name)
	fi, err := os.Lstat(root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("packing checkpoint member %s: %w", name, define.ErrNotFound)
		}
		return fmt.Errorf("packing checkpoint member %s: %w", name, err)
	}
	isDirMember := name == MemberCheckpoint || name == MemberVolumes || name == MemberSecrets
	if fi.IsDir() != isDirMember || (!fi.IsDir() && !fi.Mode().IsRegular()) {
		return fmt.Errorf("packing checkpoint member %s: unexpected file type %s: %w", name, fi.Mode().Type(), define.ErrInvalidArg)
	}
	// cpuinfo.img leads checkpoint/, right after its directory entry, so
	// that ReadMetadata finds it without reading CRIU's other images.
	cpuinfo := ""
	if name == MemberCheckpoint {
		if fi, err := os.Lstat(filepath.Join(root, CPUInfoImage)); err == nil && fi.Mode().IsRegular() {
			cpuinfo = filepath.Join(root, CPUInfoImage)
		}
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("packing checkpoint member %s: %w", name, err)
		}
		if p == cpuinfo {
			return nil // written already
		}
		fi, err := d.Info()
		if err != nil {
			return fmt.Errorf("packing checkpoint member %s: %w", p, err)
		}
		if err := packEntry(tw, srcDir, name, p, fi, buf); err != nil {
			return err
		}
		if p == root && cpuinfo != "" {
			fi, err := os.Lstat(cpuinfo)
			if err != nil {
				return fmt.Errorf("packing checkpoint member %s: %w", cpuinfo, err)
			}
			return packEntry(tw, srcDir, name, cpuinfo, fi, buf)
		}
		return nil
	})
}

// packEntry writes the file, directory or link at p, part of member name,
// copying a file through buf.
func packEntry(tw *tar.Writer, srcDir, name, p string, fi fs.FileInfo, buf []byte) error {
	rel, err := filepath.Rel(srcDir, p)
	if err != nil {
		return err
	}
	rel = filepath.ToSlash(rel)
	hdr := &tar.Header{Name: rel, ModTime: fi.ModTime().Truncate(time.Second), Format: tar.FormatPAX}
	switch {
	case fi.IsDir():
		hdr.Typeflag, hdr.Name, hdr.Mode = tar.TypeDir, rel+"/", 0o700
	case fi.Mode().IsRegular():
		hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o600, fi.Size()
	case fi.Mode()&fs.ModeSymlink != 0 && name == MemberCheckpoint:
		target, err := os.Readlink(p)
		if err != nil {
			return fmt.Errorf("packing checkpoint member %s: %w", rel, err)
		}
		hdr.Typeflag, hdr.Mode, hdr.Linkname = tar.TypeSymlink, 0o777, target
	default:
		return fmt.Errorf("packing checkpoint member %s: unexpected file type %s: %w", rel, fi.Mode().Type(), define.ErrInvalidArg)
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("writing checkpoint member %s: %w", rel, err)
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return fmt.Errorf("packing checkpoint member %s: %w", rel, err)
	}
	defer f.Close()
	if err := copyN(tw, f, hdr.Size, buf); err != nil {
		return fmt.Errorf("writing checkpoint member %s: %w", rel, err)
	}
	return nil
}

// copyBufferSize is the chunk files are copied in, into and out of
// archives. io.Copy's 32 KiB chunks cost a read and a write system call
// each: unpacking the bench's uncompressed archive (317 MB) took 1.6 times
// the CPU it takes with 1 MiB chunks.
const copyBufferSize = 1 << 20

// copyN copies n bytes from src to dst in chunks of buf, and returns
// io.ErrUnexpectedEOF if src ends before. It hides dst's ReadFrom: an
// os.File's copies in 32 KiB chunks from anything but a file.
func copyN(dst io.Writer, src io.Reader, n int64, buf []byte) error {
	written, err := io.CopyBuffer(struct{ io.Writer }{dst}, io.LimitReader(src, n), buf)
	if err == nil && written < n {
		err = io.ErrUnexpectedEOF
	}
	return err
}

func compressWriter(w io.Writer, c Compression) (io.WriteCloser, error) {
	switch c {
	case CompressionZstd:
		zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)))
		if err != nil {
			return nil, fmt.Errorf("starting zstd compression: %w", err)
		}
		return zw, nil
	case CompressionGzip:
		// Level 1: on a checkpoint (process memory, half of it random
		// bytes, and a rootfs diff) it takes half the CPU of the default
		// level 6 for an archive about 1% larger.
		gw, err := pgzip.NewWriterLevel(w, pgzip.BestSpeed)
		if err != nil {
			return nil, fmt.Errorf("starting gzip compression: %w", err)
		}
		if err := gw.SetConcurrency(1<<20, runtime.GOMAXPROCS(0)); err != nil {
			return nil, fmt.Errorf("starting gzip compression: %w", err)
		}
		return gw, nil
	default:
		return nopWriteCloser{w}, nil
	}
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// decompressReader detects the compression of r. streaming selects
// decoders that read ahead in other goroutines, for Unpack; without it the
// decoders read no further than the caller asks (give or take a block), for
// ReadMetadata. close releases the decoder.
func decompressReader(r io.Reader, streaming bool) (_ io.Reader, closeFn func(), _ error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(4)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("reading checkpoint archive: %w", err)
	}
	switch {
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		opts := []zstd.DOption{zstd.WithDecoderMaxWindow(zstdMaxWindow), zstd.WithDecoderMaxMemory(zstdMaxWindow)}
		if !streaming {
			opts = append(opts, zstd.WithDecoderConcurrency(1))
		}
		zr, err := zstd.NewReader(br, opts...)
		if err != nil {
			return nil, nil, fmt.Errorf("reading zstd checkpoint archive: %w: %w", define.ErrInvalidArg, err)
		}
		return zr, zr.Close, nil
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		if streaming {
			gr, err := pgzip.NewReader(br)
			if err != nil {
				return nil, nil, fmt.Errorf("reading gzip checkpoint archive: %w: %w", define.ErrInvalidArg, err)
			}
			return gr, func() { gr.Close() }, nil
		}
		gr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("reading gzip checkpoint archive: %w: %w", define.ErrInvalidArg, err)
		}
		return gr, func() { gr.Close() }, nil
	}
	return br, func() {}, nil
}

// invalid returns an error wrapping define.ErrInvalidArg that names member.
func invalid(member, format string, args ...any) error {
	return fmt.Errorf("checkpoint archive member %q: %s: %w", member, fmt.Sprintf(format, args...), define.ErrInvalidArg)
}

// corrupt wraps an error from the decompressor or the tar reader.
func corrupt(err error) error {
	return fmt.Errorf("reading checkpoint archive: %w (truncated or corrupt): %w", err, define.ErrInvalidArg)
}

// readHead reads the first member. In a podlite archive it is the
// manifest, which it returns with its raw bytes. An archive that starts
// with another member is podman's (it has no manifest): readHead returns
// a zero Manifest and that member's header, still to be read.
func readHead(tr *tar.Reader) (Manifest, []byte, *tar.Header, error) {
	var m Manifest
	hdr, err := tr.Next()
	if errors.Is(err, io.EOF) {
		return m, nil, nil, fmt.Errorf("reading checkpoint archive: empty, no %s: %w", MemberManifest, define.ErrInvalidArg)
	}
	if err != nil {
		return m, nil, nil, corrupt(err)
	}
	if hdr.Name != MemberManifest {
		return m, nil, hdr, nil
	}
	data, err := readSmall(tr, hdr)
	if err != nil {
		return m, nil, nil, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, nil, nil, invalid(MemberManifest, "decoding: %v", err)
	}
	if m.Version != ManifestVersion {
		return m, nil, nil, fmt.Errorf("checkpoint archive format version %d (podlite reads %d): %w", m.Version, ManifestVersion, define.ErrNotSupported)
	}
	for _, name := range m.Members {
		if !slices.Contains(memberOrder, name) {
			return m, nil, nil, invalid(MemberManifest, "lists unknown member %q", name)
		}
	}
	return m, data, nil, nil
}

func readSmall(tr *tar.Reader, hdr *tar.Header) ([]byte, error) {
	if hdr.Typeflag != tar.TypeReg {
		return nil, invalid(hdr.Name, "not a regular file")
	}
	if hdr.Size > MaxMetadataSize {
		return nil, invalid(hdr.Name, "%d bytes, more than the %d allowed for metadata", hdr.Size, MaxMetadataSize)
	}
	data, err := io.ReadAll(tr)
	if err != nil {
		return nil, corrupt(err)
	}
	return data, nil
}

// ReadMetadata reads the manifest and the metadata members (config.dump,
// spec.dump, network.status, stats-dump; past deleted.files, the
// checkpoint/cpuinfo.img that leads checkpoint/) at the head of the archive
// in r and stops at the first other member: it neither decompresses nor
// reads the rest of r beyond a block or so of read-ahead, so it is cheap on
// archives of any size, and succeeds on one whose tail is missing.
//
// A podman archive has no manifest and no order: ReadMetadata reads it
// until it has all four metadata members or reaches the end.
func ReadMetadata(r io.Reader) (*Metadata, error) {
	dr, closeFn, err := decompressReader(r, false)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	tr := tar.NewReader(dr)
	m, _, hdr, err := readHead(tr)
	if err != nil {
		return nil, err
	}
	md := &Metadata{Manifest: m, Podman: hdr != nil}
	found, inCheckpoint := 0, false
	for ; ; hdr = nil {
		if hdr == nil {
			if hdr, err = tr.Next(); errors.Is(err, io.EOF) || (err != nil && inCheckpoint) {
				// Past the metadata proper, a damaged tail is Unpack's to report.
				return md, nil
			} else if err != nil {
				return nil, corrupt(err)
			}
		}
		var dst *[]byte
		switch hdr.Name {
		case MemberConfig:
			dst = &md.Config
		case MemberSpec:
			dst = &md.Spec
		case MemberNetworkStatus:
			dst = &md.NetworkStatus
		case MemberStats:
			dst = &md.Stats
		case MemberDeletedFiles:
			// Small by nature, and between the metadata and cpuinfo.img.
			if hdr.Size > MaxMetadataSize && !md.Podman {
				return md, nil
			}
			continue
		case MemberCheckpoint + "/":
			// The directory entry: cpuinfo.img, if any, comes next.
			inCheckpoint = !md.Podman
			continue
		case MemberCheckpoint + "/" + CPUInfoImage:
			dst = &md.CPUInfo
		case MemberManifest:
			return nil, invalid(hdr.Name, "appears twice")
		default:
			if md.Podman {
				continue
			}
			return md, nil
		}
		if *dst != nil {
			return nil, invalid(hdr.Name, "appears twice")
		}
		data, err := readSmall(tr, hdr)
		if err != nil {
			return nil, err
		}
		if data == nil {
			data = []byte{}
		}
		*dst = data
		if dst == &md.CPUInfo {
			continue
		}
		if found++; md.Podman && found == len(metadataMembers)-1 {
			return md, nil
		}
	}
}
