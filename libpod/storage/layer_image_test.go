package storage_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

// TestLayerImageRoundTrip: a layer image gives back its tar byte for byte,
// members in the order written (not the directory order), and carries its
// annotations and no command; its name is then taken.
func TestLayerImageRoundTrip(t *testing.T) {
	for _, driver := range []string{storage.DriverOverlay, storage.DriverVFS} {
		t.Run(driver, func(t *testing.T) {
			s := newStore(t, driver)
			ctx := context.Background()
			var buf bytes.Buffer
			tw := tar.NewWriter(&buf)
			mtime := time.Unix(1700000000, 0)
			for _, m := range []struct{ name, data string }{
				{"zz-first", "written first"}, {"dir/", ""}, {"dir/b", "b"}, {"aa-last", "written last"},
			} {
				hdr := &tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.data)), Typeflag: tar.TypeReg, ModTime: mtime, Format: tar.FormatPAX}
				if m.data == "" {
					hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o700
				}
				if err := tw.WriteHeader(hdr); err != nil {
					t.Fatal(err)
				}
				if _, err := tw.Write([]byte(m.data)); err != nil {
					t.Fatal(err)
				}
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "layer.tar")
			if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			img, err := s.CreateLayerImage(ctx, path, storage.LayerImageOptions{
				Name: "data", Annotations: map[string]string{"org.example.key": "value"}, Comment: "a test",
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(img.Names) != 1 || img.Names[0] != "localhost/data:latest" || len(img.Config.Cmd) != 0 {
				t.Fatalf("layer image: names %v, cmd %v", img.Names, img.Config.Cmd)
			}
			var out bytes.Buffer
			if err := s.WriteLayer("data", &out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(out.Bytes(), buf.Bytes()) {
				t.Fatalf("WriteLayer gave %v, want the tar written, in its order: %v", tarNames(t, &out), []string{"zz-first", "dir/", "dir/b", "aa-last"})
			}
			info, err := s.Inspect(ctx, "data")
			if err != nil {
				t.Fatal(err)
			}
			if info.Annotations["org.example.key"] != "value" || info.Comment != "a test" || len(info.RootFS.Layers) != 1 {
				t.Fatalf("inspect: annotations %v, comment %q, layers %v", info.Annotations, info.Comment, info.RootFS.Layers)
			}

			if _, err := s.FreeImageName("data"); !errors.Is(err, define.ErrExists) {
				t.Fatalf("FreeImageName of a taken name: %v, want ErrExists", err)
			}
			if _, err := s.CreateLayerImage(ctx, path, storage.LayerImageOptions{Name: "localhost/data"}); !errors.Is(err, define.ErrExists) {
				t.Fatalf("CreateLayerImage over a taken name: %v, want ErrExists", err)
			}
			if got, err := s.FreeImageName("other"); err != nil || got != "localhost/other:latest" {
				t.Fatalf("FreeImageName(other) = %q, %v", got, err)
			}
			if err := s.WriteLayer("nosuch", &out); !errors.Is(err, define.ErrNotFound) {
				t.Fatalf("WriteLayer of a missing image: %v, want ErrNotFound", err)
			}
		})
	}
}
