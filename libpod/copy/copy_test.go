package copy

import (
	"archive/tar"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/podlite/podlite/libpod/define"
)

func TestParseArgs(t *testing.T) {
	for _, c := range []struct {
		src, dst                 string
		srcCtr, srcP, dstCtr, dp string
		err                      error
	}{
		{"c1:/etc/hosts", "./h", "c1", "/etc/hosts", "", "./h", nil},
		{"/a:b", "c2:x", "", "/a:b", "c2", "x", nil},
		{"-", "c:/tmp", "", "-", "c", "/tmp", nil},
		{"c1:", "/tmp", "", "", "", "", define.ErrInvalidArg},
		{"/a", "./b", "", "", "", "", define.ErrInvalidArg},
	} {
		sc, sp, dc, dp, err := ParseArgs(c.src, c.dst)
		if !errors.Is(err, c.err) || err == nil && (sc != c.srcCtr || sp != c.srcP || dc != c.dstCtr || dp != c.dp) {
			t.Errorf("ParseArgs(%q, %q) = %q %q %q %q %v", c.src, c.dst, sc, sp, dc, dp, err)
		}
	}
}

// fakeContainer is a directory standing for a container's root, with a
// symlink that climbs out of it and one to its /etc.
func fakeContainer(t *testing.T) (Side, string) {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"etc", "d/sub"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "d/f"), []byte("f"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"esc": "../../../../../../../..", "lnk": "/etc"} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	return Side{Container: "c", Root: root}, root
}

func TestCopyStaysInRoot(t *testing.T) {
	ctr, root := fakeContainer(t)
	host := Side{Root: "/"}
	src := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(src, []byte("plain"), 0o644); err != nil {
		t.Fatal(err)
	}
	// "/esc" resolves to the container's "/", "/lnk" to its /etc.
	for dst, want := range map[string]string{"/esc/": "plain", "/lnk/": "etc/plain", "/lnk/renamed": "etc/renamed"} {
		if err := Copy(host, src, ctr, dst, Options{}); err != nil {
			t.Fatalf("Copy to %s: %v", dst, err)
		}
		if b, err := os.ReadFile(filepath.Join(root, want)); err != nil || string(b) != "plain" {
			t.Errorf("copy to %s: %s: %q, %v", dst, want, b, err)
		}
	}
}

func TestCopyDirectories(t *testing.T) {
	ctr, root := fakeContainer(t)
	host := Side{Root: "/"}
	out := t.TempDir()
	// "dir/." to a new name makes that directory with the contents.
	if err := Copy(ctr, "/d/.", host, filepath.Join(out, "new"), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(out, "new", "sub")); err != nil {
		t.Errorf("d/. to new: %v", err)
	}
	// A directory onto a file is refused with podman's words.
	err := Copy(ctr, "/d", host, filepath.Join(out, "new", "f"), Options{})
	if !errors.Is(err, define.ErrInvalidArg) || err.Error() != "destination must be a directory when copying a directory" {
		t.Errorf("directory onto a file: %v", err)
	}
	// A directory over a file only with --overwrite.
	if err := os.MkdirAll(filepath.Join(out, "x", "f"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Copy(host, filepath.Join(out, "x")+"/.", ctr, "/d", Options{}); !errors.Is(err, define.ErrExists) {
		t.Errorf("a directory over a file without --overwrite: %v", err)
	}
	if err := Copy(host, filepath.Join(out, "x")+"/.", ctr, "/d", Options{Overwrite: true}); err != nil {
		t.Errorf("with --overwrite: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(root, "d", "f")); err != nil || !fi.IsDir() {
		t.Errorf("/d/f after --overwrite: %v %v", fi, err)
	}
	// No globbing.
	err = Copy(ctr, "/d/*", host, out, Options{})
	if !errors.Is(err, define.ErrNotFound) || err.Error() != `"/d/*" could not be found on container c: no such file or directory` {
		t.Errorf("a glob: %v", err)
	}
}

// TestCopyFileMount reads a stopped container's file bind mount at its
// source, as podman's cp does.
func TestCopyFileMount(t *testing.T) {
	ctr, _ := fakeContainer(t)
	src := filepath.Join(t.TempDir(), "hosts")
	if err := os.WriteFile(src, []byte("bound"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctr.Mounts = []Mount{{Destination: "/etc/hosts", Source: src}}
	out := filepath.Join(t.TempDir(), "out")
	if err := Copy(ctr, "/etc/hosts", Side{Root: "/"}, out, Options{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "bound" {
		t.Errorf("the mount's file: %q, %v", b, err)
	}
}

// TestCopyOntoFileMount writes a file copied onto a stopped container's
// file bind mount into the source, not the rootfs placeholder, also
// through a symlink to it; in a tree, an entry named like such a symlink
// replaces it; an entry in a read-only mount is refused.
func TestCopyOntoFileMount(t *testing.T) {
	ctr, root := fakeContainer(t)
	host := Side{Root: "/"}
	dir := t.TempDir()
	write := func(p, data string) string {
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	src, placeholder := write(filepath.Join(dir, "app.conf"), "orig"), write(filepath.Join(root, "etc/app.conf"), "")
	in := write(filepath.Join(dir, "in"), "new")
	ro := write(filepath.Join(dir, "ro"), "ro")
	ctr.Mounts = []Mount{{Destination: "/etc/app.conf", Source: src}, {Destination: "/etc/ro", Source: ro, ReadOnly: true}}
	if err := os.Symlink("app.conf", filepath.Join(root, "etc/ln")); err != nil {
		t.Fatal(err)
	}
	for _, dst := range []string{"/etc/app.conf", "/etc/", "/lnk/app.conf", "/etc/ln"} {
		if err := Copy(host, in, ctr, dst, Options{}); err != nil {
			t.Fatalf("Copy to %s: %v", dst, err)
		}
	}
	// In a tree, an entry named like the symlink replaces it.
	if err := os.MkdirAll(filepath.Join(dir, "tree/etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(filepath.Join(dir, "tree/etc/ln"), "tree")
	if err := Copy(host, filepath.Join(dir, "tree")+"/.", ctr, "/", Options{}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]string{src: "new", placeholder: "", filepath.Join(root, "etc/ln"): "tree", filepath.Join(root, "etc/in"): "new"} {
		if b, err := os.ReadFile(p); err != nil || string(b) != want {
			t.Errorf("%s: %q, %v; want %q", p, b, err, want)
		}
	}
	if fi, err := os.Lstat(filepath.Join(root, "etc/ln")); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the symlink named like the file: %v %v", fi, err)
	}
	if err := Copy(host, in, ctr, "/etc/ro", Options{}); !errors.Is(err, unix.EROFS) {
		t.Errorf("onto a read-only mount: %v", err)
	}
}

func TestUser(t *testing.T) {
	ctr, root := fakeContainer(t)
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("app:x:1000:1001::/:/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for spec, want := range map[string]IDPair{"app": {1000, 1001}, "7:8": {7, 8}, "": {0, 0}} {
		if got, err := ctr.User(spec); err != nil || got != want {
			t.Errorf("User(%q) = %v, %v; want %v", spec, got, err, want)
		}
	}
	if _, err := ctr.User("nobody"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("an unknown user: %v", err)
	}
}

// TestExtractTypes extracts a tar's file, hard link, symlink (its own
// times, not its target's), fifo and directory into a container by name
// in their parents' handles.
func TestExtractTypes(t *testing.T) {
	ctr, root := fakeContainer(t)
	mtime := time.Unix(1_600_000_000, 0)
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	uid, gid := os.Getuid(), os.Getgid()
	for _, h := range []tar.Header{
		{Name: "x/", Typeflag: tar.TypeDir, Mode: 0o750},
		{Name: "x/f", Typeflag: tar.TypeReg, Mode: 0o640, Size: 1},
		{Name: "x/hl", Typeflag: tar.TypeLink, Linkname: "x/f"},
		{Name: "x/sl", Typeflag: tar.TypeSymlink, Linkname: "/d/f"},
		{Name: "x/p", Typeflag: tar.TypeFifo, Mode: 0o600},
	} {
		h.Uid, h.Gid, h.ModTime = uid, gid, mtime
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			tw.Write([]byte("1"))
		}
	}
	tw.Close()
	if err := Copy(Side{Root: "/"}, StdioPath, ctr, "/d", Options{Stdin: &b}); err != nil {
		t.Fatal(err)
	}
	x := filepath.Join(root, "d", "x")
	f, errF := os.Stat(filepath.Join(x, "f"))
	hl, errH := os.Stat(filepath.Join(x, "hl"))
	if errF != nil || errH != nil || !os.SameFile(f, hl) || f.Mode().Perm() != 0o640 {
		t.Errorf("file and hard link: %v %v %v", f, errF, errH)
	}
	if sl, err := os.Lstat(filepath.Join(x, "sl")); err != nil || !sl.ModTime().Equal(mtime) {
		t.Errorf("symlink: %v %v", sl, err)
	}
	if target, _ := os.Stat(filepath.Join(root, "d", "f")); target.ModTime().Equal(mtime) {
		t.Error("the symlink's times were set on its target")
	}
	if p, err := os.Lstat(filepath.Join(x, "p")); err != nil || p.Mode()&os.ModeNamedPipe == 0 || p.Mode().Perm() != 0o600 {
		t.Errorf("fifo: %v %v", p, err)
	}
	if d, err := os.Stat(x); err != nil || !d.ModTime().Equal(mtime) || d.Mode().Perm() != 0o750 {
		t.Errorf("directory: %v %v", d, err)
	}
}
