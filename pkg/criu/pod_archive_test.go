package criu_test

import (
	"archive/tar"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
)

func TestPodArchiveRoundTrip(t *testing.T) {
	dir := t.TempDir()
	member := filepath.Join(dir, "web.tar")
	if err := os.WriteFile(member, []byte("web's archive"), 0o600); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "pod.tar")
	if err := criu.PackPod(archive, []byte(`{"version":1}`), []byte(`{"version":1}`), []criu.PodMember{{Name: "web.tar", Path: member}}); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	if err := criu.UnpackPod(archive, out); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{"pod.options": `{"version":1}`, "pod.dump": `{"version":1}`, "web.tar": "web's archive"} {
		if got, err := os.ReadFile(filepath.Join(out, name)); err != nil || string(got) != want {
			t.Errorf("%s after the round trip: %q, %v; want %q", name, got, err, want)
		}
	}
}

// TestUnpackPodRefusesUnsafeMembers: paths, links and a missing pod.dump
// are refused as invalid input, nothing written outside the directory.
func TestUnpackPodRefusesUnsafeMembers(t *testing.T) {
	for name, hdrs := range map[string][]tar.Header{
		"path":     {{Name: "../escape", Typeflag: tar.TypeReg}},
		"symlink":  {{Name: "pod.dump", Typeflag: tar.TypeSymlink, Linkname: "/etc/passwd"}},
		"dir":      {{Name: "sub", Typeflag: tar.TypeDir}},
		"no dump":  {{Name: "pod.options", Typeflag: tar.TypeReg}},
		"repeated": {{Name: "pod.options", Typeflag: tar.TypeReg}, {Name: "pod.options", Typeflag: tar.TypeReg}},
	} {
		dir := t.TempDir()
		archive := filepath.Join(dir, "bad.tar")
		f, err := os.Create(archive)
		if err != nil {
			t.Fatal(err)
		}
		tw := tar.NewWriter(f)
		for _, h := range hdrs {
			if err := tw.WriteHeader(&h); err != nil {
				t.Fatal(err)
			}
		}
		_ = tw.Close()
		_ = f.Close()
		out := filepath.Join(dir, "out")
		if err := os.Mkdir(out, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := criu.UnpackPod(archive, out); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("%s: UnpackPod = %v, want ErrInvalidArg", name, err)
		}
		if _, err := os.Stat(filepath.Join(dir, "escape")); err == nil {
			t.Errorf("%s: a member was written outside the directory", name)
		}
	}
}
