package storage_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.podman.io/storage/pkg/reexec"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// TestMain lets containers/storage re-execute the test binary for its
// helpers (layer extraction in a chroot), as podlite's main does.
func TestMain(m *testing.M) {
	if reexec.Init() {
		return
	}
	os.Exit(m.Run())
}

// requiresRoot skips tests that need a real store: they mount and chown.
func requiresRoot(t *testing.T) {
	t.Helper()
	if os.Getenv("PODLITE_TEST_ROOT") == "" || os.Geteuid() != 0 {
		t.Skip("needs root and PODLITE_TEST_ROOT=1 (make test-root)")
	}
}

// newStore opens a store in temp dirs, with each driver that works here.
func newStore(t *testing.T, driver string) *storage.Store {
	t.Helper()
	requiresRoot(t)
	dir := t.TempDir()
	s, err := storage.New(storage.Options{
		Root: filepath.Join(dir, "root"), RunRoot: filepath.Join(dir, "run"), Driver: driver,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Shutdown)
	return s
}

// importImage creates an image holding one file.
func importImage(t *testing.T, s *storage.Store, name, content string, changes ...string) *storage.Image {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	if err := tw.WriteHeader(&tar.Header{Name: "file", Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write([]byte(content)); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rootfs.tar")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := s.Import(context.Background(), path, storage.ImportOptions{Reference: name, Changes: changes})
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestStoreDefaultDriver(t *testing.T) {
	s := newStore(t, "")
	if d := s.Driver(); d != storage.DriverOverlay && d != storage.DriverVFS {
		t.Fatalf("default driver %q", d)
	}
}

func TestImageLookup(t *testing.T) {
	s := newStore(t, storage.DriverVFS)
	app := importImage(t, s, "app", "one", "CMD [\"/bin/app\"]", "EXPOSE 80", "ENV A=1")
	other := importImage(t, s, "quay.io/team/tool:2", "two")
	if _, err := s.Tag(app.ID, "docker.io/library/hub:latest"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(app.Config.Cmd, " "); got != "/bin/app" || !slices.Equal(app.Config.ExposedPorts, []string{"80/tcp"}) ||
		!slices.Contains(app.Config.Env, "A=1") {
		t.Errorf("image config = %+v", app.Config)
	}
	for name, want := range map[string]string{
		"app":                                  app.ID,
		"app:latest":                           app.ID,
		"localhost/app":                        app.ID,
		"hub":                                  app.ID,
		"docker.io/hub":                        app.ID,
		"tool:2":                               other.ID, // the short name of a name on another registry
		"team/tool:2":                          other.ID,
		"quay.io/team/tool:2":                  other.ID,
		app.ID:                                 app.ID,
		"sha256:" + other.ID:                   other.ID,
		other.ID[:12]:                          other.ID,
		"app@" + mustImage(t, s, "app").Digest: app.ID,
	} {
		img, err := s.Image(name)
		if err != nil {
			t.Errorf("Image(%q): %v", name, err)
			continue
		}
		if img.ID != want {
			t.Errorf("Image(%q) = %s, want %s", name, img.ID, want)
		}
	}
	for _, name := range []string{"tool", "app:2", "quay.io/app", "nothing", "fffffffffff"} {
		if _, err := s.Image(name); !errors.Is(err, define.ErrNotFound) {
			t.Errorf("Image(%q) error = %v, want ErrNotFound", name, err)
		}
	}
	if _, err := s.Image("sha256:xyz"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("Image(sha256:xyz) error = %v, want ErrInvalidArg", err)
	}

	images, err := s.Images()
	if err != nil || len(images) != 2 {
		t.Fatalf("Images() = %d images, %v", len(images), err)
	}
}

func mustImage(t *testing.T, s *storage.Store, name string) *storage.Image {
	t.Helper()
	img, err := s.Image(name)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestContainerRootfs(t *testing.T) {
	for _, driver := range []string{storage.DriverOverlay, storage.DriverVFS} {
		t.Run(driver, func(t *testing.T) {
			s := newStore(t, driver)
			img := importImage(t, s, "app", "from the image")
			const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
			sid, err := s.CreateContainer(id, img.ID)
			if err != nil || sid != id {
				t.Fatalf("CreateContainer = %q, %v", sid, err)
			}
			if _, err := s.CreateContainer(id, img.ID); !errors.Is(err, define.ErrExists) {
				t.Errorf("second CreateContainer error = %v, want ErrExists", err)
			}
			users, err := s.ContainersOfImage(img.ID)
			if err != nil || !slices.Equal(users, []string{id}) {
				t.Errorf("ContainersOfImage = %q, %v", users, err)
			}
			if err := s.RemoveImage(img.ID, false); !errors.Is(err, define.ErrInvalidState) {
				t.Errorf("RemoveImage of an image in use: %v, want ErrInvalidState", err)
			}

			dir, err := s.Mount(sid)
			if err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(filepath.Join(dir, "file")); err != nil || string(b) != "from the image" {
				t.Errorf("rootfs file = %q, %v", b, err)
			}
			if err := os.WriteFile(filepath.Join(dir, "new"), []byte("written"), 0o644); err != nil {
				t.Fatal(err)
			}
			if mounted, err := s.Mounted(sid); err != nil || !mounted {
				t.Errorf("Mounted = %v, %v; want true", mounted, err)
			}

			var tarball bytes.Buffer
			if err := s.ExportRootfs(sid, &tarball); err != nil {
				t.Fatal(err)
			}
			if names := tarNames(t, &tarball); !slices.Contains(names, "file") || !slices.Contains(names, "new") {
				t.Errorf("exported rootfs holds %q", names)
			}
			// Export took and released its own mount.
			if mounted, _ := s.Mounted(sid); !mounted {
				t.Error("ExportRootfs unmounted the container's own mount")
			}

			if err := s.Unmount(sid, false); err != nil {
				t.Fatal(err)
			}
			if mounted, err := s.Mounted(sid); err != nil || mounted {
				t.Errorf("Mounted after Unmount = %v, %v", mounted, err)
			}
			if err := s.Unmount(sid, false); err != nil {
				t.Errorf("second Unmount: %v", err)
			}
			if _, err := s.Mount(sid); err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteContainer(sid); err != nil {
				t.Fatalf("DeleteContainer of a mounted rootfs: %v", err)
			}
			if err := s.DeleteContainer(sid); err != nil {
				t.Errorf("DeleteContainer of a deleted rootfs: %v", err)
			}
			if _, err := s.Mount(sid); !errors.Is(err, define.ErrNotFound) {
				t.Errorf("Mount of a deleted rootfs: %v, want ErrNotFound", err)
			}
			if err := s.RemoveImage(img.ID, false); err != nil {
				t.Errorf("RemoveImage once unused: %v", err)
			}
		})
	}
}

func TestEmptyRootfsAndPrune(t *testing.T) {
	s := newStore(t, storage.DriverVFS)
	if _, err := s.CreateContainer("empty", ""); err != nil {
		t.Fatalf("CreateContainer without image: %v", err)
	}
	if _, err := s.CreateContainer("bad", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("CreateContainer on a missing image: %v, want ErrNotFound", err)
	}
	named := importImage(t, s, "named", "a")
	used := importImage(t, s, "used", "b")
	dangling := importImage(t, s, "", "c")
	if _, err := s.CreateContainer("user", used.ID); err != nil {
		t.Fatal(err)
	}
	removed, err := s.Prune(false, nil)
	if err != nil || !slices.Equal(removed, []string{dangling.ID}) {
		t.Errorf("Prune(false) = %q, %v; want the dangling image", removed, err)
	}
	removed, err = s.Prune(true, nil)
	if err != nil || !slices.Equal(removed, []string{named.ID}) {
		t.Errorf("Prune(true) = %q, %v; want the unused named image", removed, err)
	}
	if err := s.RemoveImage(used.ID, true); err != nil {
		t.Errorf("RemoveImage(force) of an image in use: %v", err)
	}
	if ids, _ := s.ContainersOfImage(used.ID); len(ids) != 0 {
		t.Errorf("forced RemoveImage left containers %q", ids)
	}
}

func tarNames(t *testing.T, r io.Reader) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, strings.TrimPrefix(h.Name, "./"))
	}
}
