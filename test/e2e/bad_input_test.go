package e2e

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Bad input, end to end: every command that takes a --format template
// refuses a broken one and one naming a field its output lacks, and
// restore --import refuses hostile or damaged archives, each with one
// error line, exit 125, no output and nothing left behind.

// TestFormatBadTemplates runs every --format-taking command with a
// template that does not parse and one that names a missing field.
func TestFormatBadTemplates(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	e.MustPodlite("run", "-d", "--name", "web", "--network", "none", img, "sleep", "1000")
	e.MustPodlite("create", "--name", "idle", "--network", "none", img, "true")
	e.MustPodlite("volume", "create", "data")
	e.MustPodlite("volume", "create", "more")
	archive := filepath.Join(t.TempDir(), "web.tar")
	e.MustPodlite("container", "checkpoint", "--compress", "none", "--export", archive, "--leave-running", "web")

	commands := [][]string{
		{"ps", "-a"},
		{"ps"}, // one container, so the template runs on some and is checked on none
		{"images"},
		{"inspect", "web", "idle"},
		{"inspect", "--type", "image", img},
		{"inspect", "data"},
		{"container", "inspect", "web"},
		{"image", "inspect", img},
		{"volume", "ls"},
		{"volume", "inspect", "data", "more"},
		{"network", "ls"},
		{"network", "inspect", "podlite"},
		{"mount"},
		{"info"},
		{"version"},
		{"container", "checkpoint", "inspect", archive},
	}
	templates := map[string]string{
		"broken":        "{{.ID",
		"missing field": "{{.NoSuchField}}",
		"missing below": "{{.Name}} {{.Name.NoSuchField}}",
		"table missing": "table {{.NoSuchField}}",
	}
	for _, args := range commands {
		for what, tmpl := range templates {
			t.Run(strings.Join(args, " ")+"/"+what, func(t *testing.T) {
				r := e.Podlite(append(args, "--format", tmpl)...)
				expectOneLineError(t, r)
				if r.Stdout != "" {
					t.Errorf("printed output before failing:\n%s", r.Stdout)
				}
				if !strings.Contains(r.Stderr, "--format template") {
					t.Errorf("error does not say the template is at fault: %s", r.Stderr)
				}
			})
		}
	}
	// The same templates with real fields work: the refusals are not
	// refusals of everything.
	for _, c := range []struct {
		args []string
		tmpl string
	}{
		{[]string{"ps", "-a"}, "{{.Names}}"},
		{[]string{"inspect", "web"}, "{{.Name}} {{.State.Pid}}"},
		{[]string{"volume", "inspect", "data"}, "{{.Name}} {{.Labels.none}}"},
		{[]string{"network", "inspect", "podlite"}, "{{.network_interface}}"},
		{[]string{"container", "checkpoint", "inspect", archive}, "{{.manifest.name}}"},
		{[]string{"info"}, "{{.Store.GraphDriverName}}"},
	} {
		if r := e.MustPodlite(append(c.args, "--format", c.tmpl)...); strings.TrimSpace(r.Stdout) == "" {
			t.Errorf("%v --format %q printed nothing", c.args, c.tmpl)
		}
	}
}

// TestRestoreImportBadArchives imports archives made from a real export
// with one member gone wrong into a fresh root, and checks that each is
// refused and leaves nothing: no container, no storage container or layer,
// no files, no lease, nothing outside the target directory.
func TestRestoreImportBadArchives(t *testing.T) {
	src := NewEnv(t)
	img := src.LoadBusybox()
	src.MustPodlite("run", "-d", "--name", "web", img, "sh", "-c", counterScript)
	waitFor(t, func() bool { return lastCount(t, src, "web") >= 2 })
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar")
	src.MustPodlite("container", "checkpoint", "--compress", "none", "--export", good, "web")

	// Where an escaping member would land: beside the target directory,
	// anywhere up to /, or in /etc through a symbolic link.
	sentinel := "podlite-escape-" + strconv.Itoa(os.Getpid())
	cases := []struct {
		name  string
		build func(t *testing.T) []byte
	}{
		{"dot-dot member", func(t *testing.T) []byte {
			return withExtraMember(t, good, "checkpoint/cpuinfo.img", &tar.Header{Name: "checkpoint/../../../../../../tmp/" + sentinel, Typeflag: tar.TypeReg, Mode: 0o644}, "escaped")
		}},
		{"top-level dot-dot member", func(t *testing.T) []byte {
			return withExtraMember(t, good, "checkpoint/cpuinfo.img", &tar.Header{Name: "../" + sentinel, Typeflag: tar.TypeReg, Mode: 0o644}, "escaped")
		}},
		{"absolute symlink member", func(t *testing.T) []byte {
			b := withExtraMember(t, good, "checkpoint/cpuinfo.img", &tar.Header{Name: "checkpoint/x", Typeflag: tar.TypeSymlink, Linkname: "/etc", Mode: 0o777}, "")
			return withExtraMember(t, writeTemp(t, b), "checkpoint/x", &tar.Header{Name: "checkpoint/x/" + sentinel, Typeflag: tar.TypeReg, Mode: 0o644}, "escaped")
		}},
		{"truncated member", func(t *testing.T) []byte {
			b := readAll(t, good)
			off, size := memberData(t, b, largestMember(t, b))
			return b[:off+size/2]
		}},
		{"member longer than its header says", func(t *testing.T) []byte {
			b := readAll(t, good)
			name := largestMember(t, b)
			off, size := memberData(t, b, name)
			if size < 2048 {
				t.Fatalf("member %s has %d bytes, too few to shorten", name, size)
			}
			return withHeaderSize(t, b, off-512, 100)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			archive := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".tar")
			if err := os.WriteFile(archive, tc.build(t), 0o600); err != nil {
				t.Fatal(err)
			}
			dst := NewEnv(t)
			dst.LoadBusybox()
			layers, leases := storageEntries(t, dst), leaseFiles(t, dst)
			r := dst.Podlite("container", "restore", "--import", archive, "--name", "imported")
			expectOneLineError(t, r)
			t.Logf("refused: %s", strings.TrimSpace(r.Stderr))
			if r.Stdout != "" {
				t.Errorf("stdout: %q", r.Stdout)
			}
			expectNothingImported(t, dst, layers, leases)
			for _, p := range []string{"/tmp/" + sentinel, "/etc/" + sentinel, filepath.Join(filepath.Dir(dst.Root), sentinel)} {
				if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
					os.Remove(p)
					t.Errorf("the archive wrote %s: %v", p, err)
				}
			}
			if found := findNamed(t, filepath.Dir(dst.Root), sentinel); len(found) > 0 {
				t.Errorf("the archive's member landed at %v", found)
			}
		})
	}
}

// expectNothingImported checks that a refused import left no container,
// storage container or new layer, no container files and no lease.
func expectNothingImported(t *testing.T, e *Env, layersBefore, leasesBefore []string) {
	t.Helper()
	if got := e.MustPodlite("ps", "-aq").Stdout; got != "" {
		t.Errorf("ps -a lists %q", got)
	}
	if got := storageEntries(t, e); strings.Join(got, " ") != strings.Join(layersBefore, " ") {
		t.Errorf("storage layers and containers: %v, before %v", got, layersBefore)
	}
	for _, d := range []string{filepath.Join(e.Root, "containers"), filepath.Join(e.RunRoot, "containers")} {
		entries, err := os.ReadDir(d)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		for _, en := range entries {
			t.Errorf("left %s", filepath.Join(d, en.Name()))
		}
	}
	for _, l := range leaseFiles(t, e) {
		if !slices.Contains(leasesBefore, l) {
			t.Errorf("left lease %s", l)
		}
	}
}

// leaseFiles lists host-local's leases under the env's network state
// directory, each with its content (the holder's ID).
func leaseFiles(t *testing.T, e *Env) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(e.NetStateDir, "ipam", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range files {
		if net.ParseIP(filepath.Base(f)) == nil {
			continue
		}
		content, _ := os.ReadFile(f)
		out = append(out, f+" "+strings.Join(strings.Fields(string(content)), " "))
	}
	return out
}

// storageEntries lists containers/storage's layer and container
// directories under the env's root.
func storageEntries(t *testing.T, e *Env) []string {
	t.Helper()
	var out []string
	for _, pattern := range []string{"*-layers/*", "*-containers/*"} {
		m, err := filepath.Glob(filepath.Join(e.Root, "storage", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				out = append(out, strings.TrimPrefix(p, e.Root+"/"))
			}
		}
	}
	return out
}

// findNamed returns the paths under dir whose base name is name.
func findNamed(t *testing.T, dir, name string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Name() == name {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// withExtraMember returns the archive at src with one more member, data
// its content, right after the member named after. After
// checkpoint/cpuinfo.img, which Pack writes first there, it is met before
// the archive ends and after what restore's preflight reads.
func withExtraMember(t *testing.T, src, after string, extra *tar.Header, data string) []byte {
	t.Helper()
	added := false
	out := copyArchive(t, src, func(tw *tar.Writer, hdr *tar.Header, content []byte) {
		writeMember(t, tw, hdr, content)
		if !added && hdr.Name == after {
			extra.Size = int64(len(data))
			writeMember(t, tw, extra, []byte(data))
			added = true
		}
	})
	if !added {
		t.Fatalf("%s has no member %q to add one after", src, after)
	}
	return out
}

// largestMember returns the name of the archive's biggest regular file.
func largestMember(t *testing.T, archive []byte) string {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(archive))
	var name string
	var size int64
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return name
		}
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Typeflag == tar.TypeReg && hdr.Size > size {
			name, size = hdr.Name, hdr.Size
		}
	}
}

// memberData returns where name's data starts in a plain tar archive
// written by archive/tar (one 512-byte header per member, no long-name
// extensions for podlite's short names) and its size.
func memberData(t *testing.T, archive []byte, name string) (offset, size int) {
	t.Helper()
	for off := 0; off+512 <= len(archive); {
		hdr, err := tar.NewReader(bytes.NewReader(archive[off:])).Next()
		if err != nil {
			t.Fatalf("reading the header at %d: %v", off, err)
		}
		// PAX or GNU extension headers precede some members: step over
		// them by asking the reader where the data begins.
		start := off + headerBlocks(t, archive[off:])*512
		if hdr.Name == name {
			return start, int(hdr.Size)
		}
		off = start + (int(hdr.Size)+511)/512*512
	}
	t.Fatalf("no member %s", name)
	return 0, 0
}

// headerBlocks counts the 512-byte blocks of the member's header(s):
// extension headers (typeflag x, g, L, K) each with their data, then one.
func headerBlocks(t *testing.T, b []byte) int {
	t.Helper()
	n := 0
	for {
		block := b[n*512 : n*512+512]
		switch block[156] {
		case 'x', 'g', 'L', 'K':
			size, err := strconv.ParseInt(strings.Trim(string(block[124:136]), "\x00 "), 8, 64)
			if err != nil {
				t.Fatalf("extension header size: %v", err)
			}
			n += 1 + int(size+511)/512
		default:
			return n + 1
		}
	}
}

// withHeaderSize returns archive with the size field of the header block
// at off set to size, its checksum redone: the member's data then runs on
// past what the header claims.
func withHeaderSize(t *testing.T, archive []byte, off, size int) []byte {
	t.Helper()
	b := bytes.Clone(archive)
	h := b[off : off+512]
	copy(h[124:136], fmt.Sprintf("%011o\x00", size))
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	if hdr, err := tar.NewReader(bytes.NewReader(h)).Next(); err != nil || hdr.Size != int64(size) {
		t.Fatalf("rewriting the header at %d: %v", off, err)
	}
	return b
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeTemp(t *testing.T, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "archive.tar")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
