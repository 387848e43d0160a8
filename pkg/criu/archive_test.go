package criu_test

import (
	"archive/tar"
	"bytes"
	"crypto/rand"
	"errors"
	"flag"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
)

var update = flag.Bool("update", false, "rewrite the archive fixtures in testdata/")

var allMembers = []string{
	// Deliberately out of format order: Pack sorts.
	criu.MemberLog, criu.MemberCheckpoint, criu.MemberConfig, criu.MemberVolumes,
	criu.MemberRootfsDiff, criu.MemberSpec, criu.MemberDevShm, criu.MemberNetworkStatus,
	criu.MemberStats, criu.MemberDeletedFiles,
}

var wantOrder = []string{
	criu.MemberManifest, criu.MemberConfig, criu.MemberSpec, criu.MemberNetworkStatus,
	criu.MemberStats, criu.MemberDeletedFiles, criu.MemberCheckpoint, criu.MemberRootfsDiff,
	criu.MemberVolumes, criu.MemberDevShm, criu.MemberLog,
}

var testManifest = criu.Manifest{
	ID:      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	Name:    "web",
	Image:   "docker.io/library/alpine:latest",
	ImageID: "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210",
	Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
}

// makeCheckpointDir builds a fake checkpoint directory: every member, a
// CRIU image tree with a subdirectory and a symbolic link, and pages of
// bigPages random (incompressible) bytes.
func makeCheckpointDir(t testing.TB, bigPages int) string {
	t.Helper()
	dir := t.TempDir()
	pages := make([]byte, bigPages)
	if _, err := rand.Read(pages); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"config.dump":                  []byte(`{"id":"0123","name":"web"}`),
		"spec.dump":                    []byte(`{"ociVersion":"1.2.0"}`),
		"network.status":               []byte(`[{"ips":["10.88.0.5/16"]}]`),
		"stats-dump":                   []byte("stats"),
		"deleted.files":                []byte(`["/etc/motd"]`),
		"checkpoint/cgroup.img":        []byte("cgroup"),
		"checkpoint/cpuinfo.img":       []byte("cpuinfo"),
		"checkpoint/inventory.img":     []byte("inventory"),
		"checkpoint/pages-1.img":       pages,
		"checkpoint/sub/dir/extra.img": []byte("extra"),
		"rootfs-diff.tar":              []byte("rootfs diff tar"),
		"volumes/data.tar":             []byte("volume tar"),
		"volumes/cache.tar":            []byte{},
		"devshm-checkpoint.tar":        []byte("shm"),
		"ctr.log":                      []byte("hello\n"),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("inventory.img", filepath.Join(dir, "checkpoint/inventory.link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../inventory.img", filepath.Join(dir, "checkpoint/sub/up.link")); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tree maps every path under dir to its content, "->target" for symbolic
// links and "/" for directories.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			out[rel] = "->" + target
			return err
		case d.IsDir():
			out[rel] = "/"
		default:
			data, err := os.ReadFile(p)
			out[rel] = string(data)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func pack(t *testing.T, src string, c criu.Compression) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := criu.Pack(&buf, src, allMembers, testManifest, c); err != nil {
		t.Fatalf("Pack(%s): %v", c, err)
	}
	return buf.Bytes()
}

var compressions = []criu.Compression{criu.CompressionZstd, criu.CompressionGzip, criu.CompressionNone}

// TestPackPending: a member still being written when packing starts is
// packed as it is once its function returns, and that function's error
// ends the packing.
func TestPackPending(t *testing.T) {
	src := makeCheckpointDir(t, 1<<10)
	diff := filepath.Join(src, criu.MemberRootfsDiff)
	t.Run("written late", func(t *testing.T) {
		calls := 0
		pending := criu.Pending{criu.MemberRootfsDiff: func() error {
			calls++
			return os.WriteFile(diff, []byte("the complete diff"), 0o600)
		}}
		var buf bytes.Buffer
		if err := criu.PackPending(&buf, src, allMembers, pending, testManifest, criu.CompressionZstd); err != nil {
			t.Fatalf("PackPending: %v", err)
		}
		if calls != 1 {
			t.Errorf("the pending member's function ran %d times, want 1", calls)
		}
		dst := filepath.Join(t.TempDir(), "restore")
		if err := criu.Unpack(&buf, dst, criu.Limits{}); err != nil {
			t.Fatalf("Unpack: %v", err)
		}
		if got := tree(t, dst)[criu.MemberRootfsDiff]; got != "the complete diff" {
			t.Errorf("%s holds %q, want what was written last", criu.MemberRootfsDiff, got)
		}
	})
	t.Run("error", func(t *testing.T) {
		pending := criu.Pending{criu.MemberRootfsDiff: func() error { return define.ErrUnavailable }}
		err := criu.PackPending(io.Discard, src, allMembers, pending, testManifest, criu.CompressionNone)
		if !errors.Is(err, define.ErrUnavailable) {
			t.Fatalf("PackPending with a failed member: %v, want %v", err, define.ErrUnavailable)
		}
	})
}

func TestRoundTrip(t *testing.T) {
	src := makeCheckpointDir(t, 256<<10)
	for _, c := range compressions {
		t.Run(string(c), func(t *testing.T) {
			data := pack(t, src, c)
			dst := filepath.Join(t.TempDir(), "restore")
			if err := criu.Unpack(bytes.NewReader(data), dst, criu.Limits{}); err != nil {
				t.Fatalf("Unpack: %v", err)
			}
			got, want := tree(t, dst), tree(t, src)
			manifest := got[criu.MemberManifest]
			delete(got, criu.MemberManifest)
			if len(got) != len(want) {
				t.Errorf("unpacked %d paths, want %d", len(got), len(want))
			}
			for p, w := range want {
				if got[p] != w {
					t.Errorf("%s: got %.40q, want %.40q", p, got[p], w)
				}
			}
			if !strings.Contains(manifest, `"version": 1`) {
				t.Errorf("manifest %s lacks the version", manifest)
			}
			fi, err := os.Stat(filepath.Join(dst, "checkpoint/pages-1.img"))
			if err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("pages-1.img: mode %v, err %v; want 0600", fi.Mode(), err)
			}

			md, err := criu.ReadMetadata(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadMetadata: %v", err)
			}
			m := md.Manifest
			if m.Version != criu.ManifestVersion || m.ID != testManifest.ID || m.Name != "web" ||
				m.Image != testManifest.Image || m.ImageID != testManifest.ImageID || !m.Created.Equal(testManifest.Created) {
				t.Errorf("manifest = %+v", m)
			}
			if !slices.Equal(m.Members, wantOrder) {
				t.Errorf("manifest members = %v, want %v", m.Members, wantOrder)
			}
			if string(md.Config) != want["config.dump"] || string(md.Spec) != want["spec.dump"] ||
				string(md.NetworkStatus) != want["network.status"] || string(md.Stats) != want["stats-dump"] ||
				string(md.CPUInfo) != want["checkpoint/cpuinfo.img"] {
				t.Errorf("metadata = %+v", md)
			}
		})
	}
}

// tarNames lists the member names of a plain tar, in order.
func tarNames(t *testing.T, data []byte) []string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, hdr.Name)
	}
}

// TestMemberOrder checks the metadata comes first, whatever order Pack was
// given the members in.
func TestMemberOrder(t *testing.T) {
	var tops []string
	for _, name := range tarNames(t, pack(t, makeCheckpointDir(t, 10), criu.CompressionNone)) {
		top, _, _ := strings.Cut(name, "/")
		if len(tops) == 0 || tops[len(tops)-1] != top {
			tops = append(tops, top)
		}
	}
	if !slices.Equal(tops, wantOrder) {
		t.Errorf("member order = %v, want %v", tops, wantOrder)
	}
}

// TestCPUInfoLeadsCheckpoint checks Pack writes cpuinfo.img first under
// checkpoint/, and ReadMetadata takes it from there only.
func TestCPUInfoLeadsCheckpoint(t *testing.T) {
	var names []string
	for _, name := range tarNames(t, pack(t, makeCheckpointDir(t, 10), criu.CompressionNone)) {
		if strings.HasPrefix(name, "checkpoint/") {
			names = append(names, name)
		}
	}
	if len(names) < 3 || names[0] != "checkpoint/" || names[1] != "checkpoint/cpuinfo.img" || slices.Index(names, "checkpoint/cpuinfo.img") != 1 {
		t.Errorf("checkpoint/ is written as %v, want cpuinfo.img first and once", names)
	}

	for _, tc := range []struct {
		name    string
		entries []entry
		want    string
	}{
		{"leading", []entry{reg("config.dump", "{}"), dir("checkpoint/"), reg("checkpoint/cpuinfo.img", "cpu"), reg("checkpoint/core-1.img", "c")}, "cpu"},
		{"after other images", []entry{dir("checkpoint/"), reg("checkpoint/core-1.img", "c"), reg("checkpoint/cpuinfo.img", "cpu")}, ""},
		{"absent", []entry{dir("checkpoint/"), reg("checkpoint/core-1.img", "c")}, ""},
		{"tail cut off", []entry{dir("checkpoint/")}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := rawArchive(t, tc.entries...)
			if tc.name == "tail cut off" {
				data = append(data[:len(data)-1024], bytes.Repeat([]byte("garbage!"), 100)...)
			}
			md, err := criu.ReadMetadata(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("ReadMetadata: %v", err)
			}
			if string(md.CPUInfo) != tc.want {
				t.Errorf("CPUInfo = %q, want %q", md.CPUInfo, tc.want)
			}
		})
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestReadMetadataStopsEarly checks ReadMetadata reads only the head of an
// archive: it succeeds when the tail is cut off and replaced with garbage,
// and reads little of a whole one.
func TestReadMetadataStopsEarly(t *testing.T) {
	src := makeCheckpointDir(t, 4<<20)
	for _, c := range compressions {
		t.Run(string(c), func(t *testing.T) {
			data := pack(t, src, c)
			cr := &countingReader{r: bytes.NewReader(data)}
			if _, err := criu.ReadMetadata(cr); err != nil {
				t.Fatalf("ReadMetadata: %v", err)
			}
			t.Logf("ReadMetadata read %d of %d bytes", cr.n, len(data))
			if cr.n > 1<<20 {
				t.Errorf("ReadMetadata read %d of %d bytes", cr.n, len(data))
			}

			bad := append(slices.Clone(data[:len(data)/2]), bytes.Repeat([]byte("garbage!"), 1000)...)
			md, err := criu.ReadMetadata(bytes.NewReader(bad))
			if err != nil {
				t.Fatalf("ReadMetadata on a truncated archive: %v", err)
			}
			if md.Manifest.ID != testManifest.ID || len(md.Config) == 0 {
				t.Errorf("metadata = %+v", md)
			}
			if err := criu.Unpack(bytes.NewReader(bad), t.TempDir(), criu.Limits{}); err == nil {
				t.Error("Unpack of a truncated archive succeeded")
			}
		})
	}
}

func TestFixtureV1(t *testing.T) {
	const fixture = "testdata/archive-v1.tar.zst"
	if *update {
		src := t.TempDir()
		for name, data := range map[string]string{
			"config.dump":           `{"id":"fixture"}`,
			"spec.dump":             `{"ociVersion":"1.2.0"}`,
			"network.status":        `[]`,
			"stats-dump":            "stats",
			"checkpoint/core-1.img": "core",
			"rootfs-diff.tar":       "diff",
			"ctr.log":               "log\n",
		} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, name), []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		f, err := criu.CreateArchive(fixture)
		if err != nil {
			t.Fatal(err)
		}
		members := []string{"config.dump", "spec.dump", "network.status", "stats-dump", "checkpoint", "rootfs-diff.tar", "ctr.log"}
		if err := criu.Pack(f, src, members, testManifest, criu.CompressionZstd); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	md, err := criu.ReadMetadata(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadMetadata: %v", err)
	}
	if md.Manifest.Version != 1 || md.Manifest.Name != "web" || string(md.Config) != `{"id":"fixture"}` {
		t.Errorf("metadata = %+v", md)
	}
	dst := t.TempDir()
	if err := criu.Unpack(bytes.NewReader(data), dst, criu.Limits{}); err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	got := tree(t, dst)
	if got["checkpoint/core-1.img"] != "core" || got["ctr.log"] != "log\n" || got["rootfs-diff.tar"] != "diff" {
		t.Errorf("unpacked %v", got)
	}
}

// TestCreateArchive: nothing is at the path until Commit, which replaces
// what was there with a 0600 file; an archive closed uncommitted leaves
// the old file and nothing else.
func TestCreateArchive(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "chk.tar.zst")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := criu.CreateArchive(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("discarded"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); len(got) != 1 || got["chk.tar.zst"] != "old" {
		t.Fatalf("after a discarded archive: %v", got)
	}
	f, err = criu.CreateArchive(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("new"); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); got["chk.tar.zst"] != "old" {
		t.Fatalf("the archive is at its path before Commit: %v", got)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatalf("Close after Commit: %v", err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); len(got) != 1 || got["chk.tar.zst"] != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("after Commit: %v, mode %v; want only the new archive, 0600", got, fi.Mode())
	}
}

func TestPackRejects(t *testing.T) {
	src := makeCheckpointDir(t, 10)
	for name, members := range map[string][]string{
		"unknown":  {"evil.sh"},
		"manifest": {criu.MemberManifest},
		"twice":    {"config.dump", "config.dump"},
		"escape":   {"../config.dump"},
	} {
		t.Run(name, func(t *testing.T) {
			err := criu.Pack(io.Discard, src, members, testManifest, "")
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Errorf("Pack(%v) = %v, want ErrInvalidArg", members, err)
			}
		})
	}
	err := criu.Pack(io.Discard, src, []string{"ctr.log", "spec.dump"}, testManifest, "lz4")
	if !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("Pack with lz4 = %v, want ErrInvalidArg", err)
	}
	err = criu.Pack(io.Discard, t.TempDir(), []string{"ctr.log"}, testManifest, "")
	if !errors.Is(err, define.ErrNotFound) {
		t.Errorf("Pack of a missing member = %v, want ErrNotFound", err)
	}
}

type entry struct {
	hdr  tar.Header
	body string
}

func reg(name, body string) entry {
	return entry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: int64(len(body))}, body}
}

func dir(name string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o700}}
}

func link(typ byte, name, target string) entry {
	return entry{hdr: tar.Header{Typeflag: typ, Name: name, Linkname: target, Mode: 0o777}}
}

const manifestAll = `{"version":1,"created":"2026-01-02T03:04:05Z","id":"x","members":["podlite.manifest","config.dump","spec.dump","network.status","stats-dump","deleted.files","checkpoint","rootfs-diff.tar","volumes","devshm-checkpoint.tar","ctr.log"]}`

// rawArchive writes a plain tar of the entries, after a manifest that
// lists every member unless the entries start with their own.
func rawArchive(t testing.TB, entries ...entry) []byte {
	t.Helper()
	if len(entries) == 0 || entries[0].hdr.Name != criu.MemberManifest {
		entries = append([]entry{reg(criu.MemberManifest, manifestAll)}, entries...)
	}
	return rawTar(t, entries...)
}

// rawTar writes a plain tar of the entries.
func rawTar(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		e.hdr.Format = tar.FormatPAX
		if err := tw.WriteHeader(&e.hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var rejectCases = map[string][]entry{
	"absolute path":        {reg("/etc/passwd", "x")},
	"absolute in subtree":  {dir("checkpoint/"), reg("checkpoint//etc/x", "x")},
	"dotdot":               {dir("checkpoint/"), reg("checkpoint/../../evil", "x")},
	"dotdot top":           {reg("../evil", "x")},
	"dot component":        {dir("checkpoint/"), reg("checkpoint/./x", "x")},
	"unknown member":       {reg("evil.sh", "x")},
	"unknown dir":          {dir("etc/"), reg("etc/passwd", "x")},
	"file member as dir":   {dir("config.dump/"), reg("config.dump/x", "x")},
	"checkpoint as file":   {reg("checkpoint", "x")},
	"nested volume":        {dir("volumes/"), dir("volumes/a/"), reg("volumes/a/b.tar", "x")},
	"volume not tar":       {dir("volumes/"), reg("volumes/a.sh", "x")},
	"duplicate":            {reg("config.dump", "a"), reg("config.dump", "b")},
	"second manifest":      {reg(criu.MemberManifest, manifestAll), reg(criu.MemberManifest, manifestAll)},
	"char device":          {dir("checkpoint/"), {hdr: tar.Header{Typeflag: tar.TypeChar, Name: "checkpoint/null", Devmajor: 1, Devminor: 3}}},
	"block device":         {dir("checkpoint/"), {hdr: tar.Header{Typeflag: tar.TypeBlock, Name: "checkpoint/sda", Devmajor: 8}}},
	"fifo":                 {dir("checkpoint/"), {hdr: tar.Header{Typeflag: tar.TypeFifo, Name: "checkpoint/fifo"}}},
	"symlink absolute":     {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/l", "/etc/passwd")},
	"symlink outside":      {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/l", "../../etc/passwd")},
	"symlink to parent":    {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/l", "..//..")},
	"symlink top-level":    {link(tar.TypeSymlink, "ctr.log", "/etc/shadow")},
	"symlink as volume":    {dir("volumes/"), link(tar.TypeSymlink, "volumes/a.tar", "../config.dump")},
	"symlink chain escape": {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/d1/d2/z", "y/../.."), link(tar.TypeSymlink, "checkpoint/d1/d2/y", "../..")},
	"symlink loop":         {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/a", "b"), link(tar.TypeSymlink, "checkpoint/b", "a"), link(tar.TypeSymlink, "checkpoint/c", "a/x")},
	"write through symlink": {dir("checkpoint/"), link(tar.TypeSymlink, "checkpoint/l", ".."),
		reg("checkpoint/l/ctr.log", "x")},
	"hardlink outside":    {dir("checkpoint/"), link(tar.TypeLink, "checkpoint/h", "../etc/passwd")},
	"hardlink absolute":   {dir("checkpoint/"), link(tar.TypeLink, "checkpoint/h", "/etc/passwd")},
	"hardlink missing":    {dir("checkpoint/"), link(tar.TypeLink, "checkpoint/h", "checkpoint/none")},
	"hardlink to dir":     {dir("checkpoint/"), dir("checkpoint/d/"), link(tar.TypeLink, "checkpoint/h", "checkpoint/d")},
	"member too big":      {reg("ctr.log", strings.Repeat("x", 2000))},
	"total too big":       {reg("ctr.log", strings.Repeat("x", 900)), reg("config.dump", strings.Repeat("x", 900)), reg("spec.dump", strings.Repeat("x", 900))},
	"not in manifest":     {reg(criu.MemberManifest, `{"version":1,"members":["config.dump"]}`), reg("ctr.log", "x")},
	"manifest bad json":   {reg(criu.MemberManifest, `{"version":`)},
	"manifest bad member": {reg(criu.MemberManifest, `{"version":1,"members":["evil"]}`)},
	"manifest a symlink":  {link(tar.TypeSymlink, criu.MemberManifest, "/etc/passwd")},
}

func TestUnpackRejects(t *testing.T) {
	limits := criu.Limits{MaxMemberSize: 1000, MaxTotalSize: 2000}
	archives := map[string][]byte{
		"manifest not first": rawTar(t, reg("config.dump", "{}"), reg(criu.MemberManifest, manifestAll)),
		"empty":              rawTar(t),
		"not an archive":     []byte("hello"),
	}
	for name, entries := range rejectCases {
		archives[name] = rawArchive(t, entries...)
	}
	for name, data := range archives {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			err := criu.Unpack(bytes.NewReader(data), filepath.Join(parent, "out"), limits)
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Fatalf("Unpack = %v, want ErrInvalidArg", err)
			}
			t.Log(err)
			checkConfined(t, parent)
		})
	}
}

func TestUnpackAccepts(t *testing.T) {
	data := rawArchive(t,
		reg("config.dump", "{}"),
		reg("checkpoint/a/b/c.img", "c"), // parents created implicitly
		link(tar.TypeLink, "checkpoint/hard.img", "checkpoint/a/b/c.img"),
		link(tar.TypeSymlink, "checkpoint/a/b/up", "../../a"),
		link(tar.TypeSymlink, "checkpoint/dangling", "missing/x"),
		dir("volumes/"), reg("volumes/v.tar", ""),
	)
	parent := t.TempDir()
	dst := filepath.Join(parent, "out")
	if err := criu.Unpack(bytes.NewReader(data), dst, criu.Limits{}); err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	got := tree(t, dst)
	if got["checkpoint/hard.img"] != "c" || got["checkpoint/a/b/up"] != "->../../a" || got["volumes/v.tar"] != "" {
		t.Errorf("unpacked %v", got)
	}
	checkConfined(t, parent)
}

func TestUnpackNonEmptyDir(t *testing.T) {
	dst := t.TempDir()
	if err := os.WriteFile(filepath.Join(dst, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	err := criu.Unpack(bytes.NewReader(rawArchive(t)), dst, criu.Limits{})
	if !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("Unpack into a non-empty directory = %v, want ErrInvalidArg", err)
	}
}

func TestUnpackUnknownVersion(t *testing.T) {
	data := rawArchive(t, reg(criu.MemberManifest, `{"version":2,"members":[]}`))
	err := criu.Unpack(bytes.NewReader(data), t.TempDir(), criu.Limits{})
	if !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("Unpack of version 2 = %v, want ErrNotSupported", err)
	}
	if _, err := criu.ReadMetadata(bytes.NewReader(data)); !errors.Is(err, define.ErrNotSupported) {
		t.Errorf("ReadMetadata of version 2 = %v, want ErrNotSupported", err)
	}
}

func TestParseCompression(t *testing.T) {
	for in, want := range map[string]criu.Compression{"": criu.CompressionZstd, "zstd": criu.CompressionZstd, "gzip": criu.CompressionGzip, "none": criu.CompressionNone} {
		if got, err := criu.ParseCompression(in); err != nil || got != want {
			t.Errorf("ParseCompression(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := criu.ParseCompression("xz"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("ParseCompression(xz) = %v, want ErrInvalidArg", err)
	}
}

// checkConfined fails unless parent holds nothing but the unpack directory
// "out" (or nothing) and every symbolic link under it resolves inside it.
func checkConfined(t testing.TB, parent string) {
	t.Helper()
	entries, err := os.ReadDir(parent)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != "out" {
			t.Fatalf("Unpack wrote %s outside its directory", e.Name())
		}
	}
	root, err := filepath.EvalSymlinks(parent)
	if err != nil {
		t.Fatal(err)
	}
	root = filepath.Join(root, "out")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, _ := os.Readlink(p)
		if filepath.IsAbs(target) {
			t.Fatalf("absolute symbolic link %s -> %s", p, target)
		}
		if r, err := filepath.EvalSymlinks(p); err == nil && r != root && !strings.HasPrefix(r, root+"/") {
			t.Fatalf("symbolic link %s resolves to %s, outside %s", p, r, root)
		}
		return nil
	})
}

// TestPodmanArchive reads an archive podman 4.3.1 exported (`podman
// container checkpoint --export` of a busybox container with a named
// volume, a changed rootfs and a deleted file): no manifest, members in
// podman's order, an artifacts/ directory.
func TestPodmanArchive(t *testing.T) {
	data, err := os.ReadFile("testdata/podman-4.3.1.tar.zst")
	if err != nil {
		t.Fatal(err)
	}
	md, err := criu.ReadMetadata(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("ReadMetadata: %v", err)
	}
	if !md.Podman || md.Manifest.Version != 0 {
		t.Errorf("Podman %v, manifest version %d; want a podman archive", md.Podman, md.Manifest.Version)
	}
	for name, b := range map[string][]byte{"config.dump": md.Config, "spec.dump": md.Spec, "network.status": md.NetworkStatus, "stats-dump": md.Stats} {
		if len(b) == 0 {
			t.Errorf("%s not read", name)
		}
	}
	if !bytes.Contains(md.Config, []byte(`"name": "pd"`)) {
		t.Errorf("config.dump: %.200s", md.Config)
	}
	dst := filepath.Join(t.TempDir(), "out")
	if err := criu.Unpack(bytes.NewReader(data), dst, criu.Limits{}); err != nil {
		t.Fatalf("Unpack: %v", err)
	}
	for _, p := range []string{"checkpoint/inventory.img", "volumes/pvol.tar", "rootfs-diff.tar", "deleted.files", "devshm-checkpoint.tar", "artifacts"} {
		if _, err := os.Stat(filepath.Join(dst, p)); err != nil {
			t.Errorf("unpacked archive lacks %s: %v", p, err)
		}
	}
}

func TestUnpackPodmanRejects(t *testing.T) {
	for name, entries := range map[string][]entry{
		"unknown member":      {reg("config.dump", "{}"), reg("evil", "x")},
		"artifacts a file":    {reg("config.dump", "{}"), reg("artifacts", "x")},
		"artifacts a symlink": {reg("config.dump", "{}"), dir("artifacts/"), link(tar.TypeSymlink, "artifacts/l", "../../etc")},
		"device":              {reg("config.dump", "{}"), entry{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "ctr.log"}}},
		"escape":              {reg("config.dump", "{}"), reg("checkpoint/../../x", "x")},
	} {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			err := criu.Unpack(bytes.NewReader(rawTar(t, entries...)), filepath.Join(parent, "out"), criu.Limits{})
			if !errors.Is(err, define.ErrInvalidArg) {
				t.Fatalf("Unpack = %v, want ErrInvalidArg", err)
			}
			checkConfined(t, parent)
		})
	}
}
