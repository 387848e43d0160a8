package copy

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

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
