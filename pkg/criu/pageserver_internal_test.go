package criu

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestParsePageServer(t *testing.T) {
	for in, want := range map[string]PageServer{
		"127.0.0.1:27000":  {Address: "127.0.0.1", Port: 27000},
		"[fd00::1]:1":      {Address: "fd00::1", Port: 1},
		"192.0.2.10:65535": {Address: "192.0.2.10", Port: 65535},
	} {
		got, err := ParsePageServer(in)
		if err != nil || got != want {
			t.Errorf("ParsePageServer(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err == nil && got.String() != in {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), in)
		}
	}
	for _, in := range []string{"", "127.0.0.1", "localhost:80", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", ":80"} {
		if _, err := ParsePageServer(in); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParsePageServer(%q): %v, want ErrInvalidArg", in, err)
		}
	}
}

func TestLazyPipeProblem(t *testing.T) {
	const withResource, without = "CapEff:\t000001ffffffffff\n", "CapEff:\t000001fffeffffff\n"
	for name, tc := range map[string]struct {
		status, pipeMax string
		ok              bool
	}{
		"CAP_SYS_RESOURCE":         {withResource, "1048576\n", true},
		"large enough pipes":       {without, "4194304\n", true},
		"neither":                  {without, "1048576\n", false},
		"no capability line":       {"Name:\tx\n", "1048576\n", false},
		"capability, odd pipe max": {withResource, "junk", true},
	} {
		t.Run(name, func(t *testing.T) {
			err := lazyPipeProblem([]byte(tc.status), []byte(tc.pipeMax))
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, define.ErrNotSupported)) {
				t.Fatalf("lazyPipeProblem: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestAddPages(t *testing.T) {
	write := func(t *testing.T, dir string, names ...string) {
		t.Helper()
		for _, n := range names {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("adds only memory images", func(t *testing.T) {
		pages, images := t.TempDir(), t.TempDir()
		write(t, pages, "pagemap-1.img", "pages-1.img", "page-server.log", "stats-dump")
		write(t, images, "inventory.img")
		if err := AddPages(pages, images); err != nil {
			t.Fatal(err)
		}
		got, _ := filepath.Glob(filepath.Join(images, "*"))
		if len(got) != 3 {
			t.Fatalf("images after AddPages: %v", got)
		}
		if b, _ := os.ReadFile(filepath.Join(images, "pages-1.img")); string(b) != "pages-1.img" {
			t.Fatalf("pages-1.img holds %q", b)
		}
		if _, err := os.Stat(filepath.Join(pages, "pages-1.img")); err != nil {
			t.Fatalf("AddPages took the pages away: %v", err)
		}
	})
	t.Run("an image of the checkpoint's own", func(t *testing.T) {
		pages, images := t.TempDir(), t.TempDir()
		write(t, pages, "pagemap-1.img", "pages-1.img", "pages-2.img")
		write(t, images, "pages-2.img")
		if err := AddPages(pages, images); !errors.Is(err, define.ErrInvalidArg) {
			t.Fatalf("AddPages: %v, want ErrInvalidArg", err)
		}
		if got, _ := filepath.Glob(filepath.Join(images, "*")); len(got) != 1 {
			t.Fatalf("a refused AddPages added %v", got)
		}
	})
	t.Run("no memory images", func(t *testing.T) {
		pages := t.TempDir()
		write(t, pages, "page-server.log")
		if err := AddPages(pages, t.TempDir()); !errors.Is(err, define.ErrNotFound) {
			t.Fatalf("AddPages: %v, want ErrNotFound", err)
		}
		if err := AddPages(filepath.Join(pages, "missing"), t.TempDir()); !errors.Is(err, define.ErrNotFound) {
			t.Fatalf("AddPages of a missing directory: %v, want ErrNotFound", err)
		}
	})
	t.Run("a symlink", func(t *testing.T) {
		pages := t.TempDir()
		if err := os.Symlink("/etc/passwd", filepath.Join(pages, "pages-1.img")); err != nil {
			t.Fatal(err)
		}
		if err := AddPages(pages, t.TempDir()); !errors.Is(err, define.ErrInvalidArg) {
			t.Fatalf("AddPages: %v, want ErrInvalidArg", err)
		}
	})
}
