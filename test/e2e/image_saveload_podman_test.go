package e2e

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageSaveLoadPodmanErrors runs save, load, login and pull refusals on podlite and
// podman 4.3.1 (whose messages agree with podman 5's documentation) and
// compares exit codes and the first line of stderr. podman lists each
// format it tried on further lines after "…formats:"; podlite says on one
// line why its detection failed, so only what podman's first line says is
// compared there.
func TestImageSaveLoadPodmanErrors(t *testing.T) {
	pm := NewPodman(t)
	e := NewEnv(t)
	e.LoadBusybox()
	pm.MustRun("load", "-q", "-i", busyboxArchive)
	dir := t.TempDir()
	notTar := filepath.Join(dir, "not.tar")
	writeFile(t, notTar, "this is not an archive\n")
	otherTar := rootfsTarball(e, map[string]string{"a": "b"})
	out := filepath.Join(dir, "out.tar")
	for _, args := range [][]string{
		{"load", "-q", "-i", notTar},
		{"load", "-q", "-i", otherTar},
		{"load", "-q", "-i", filepath.Join(dir, "nosuch.tar")},
		{"save", "-q", "--format", "zip", "-o", out, BusyboxImage},
		{"save", "-q", "--compress", "-o", out, BusyboxImage},
		{"save", "-q", "-o", filepath.Join(dir, "a:b.tar"), BusyboxImage},
		{"save", "-q", "-m", "--format", "oci-archive", "-o", out, BusyboxImage, BusyboxImage},
		{"save", "-q", "-m", "--format", "oci-dir", "-o", out, BusyboxImage, BusyboxImage},
		{"save", "-q", "-o", out, "nosuchimage"},
		{"save", "-q", "-m", "-o", out, BusyboxImage, "nosuchimage"},
		// Refusals of login and pull's flags.
		{"login", "-u", "a", "-p", "b", "--password-stdin", "127.0.0.1:1"},
		{"login", "--password-stdin", "127.0.0.1:1"},
		{"login", "--get-login", "--authfile", filepath.Join(dir, "none.json"), "127.0.0.1:1"},
		{"pull", "--platform", "linux/arm64", "--arch", "arm64", BusyboxImage},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := e.Podlite(args...)
			pmOut, pmErr := pm.Run(args...)
			got, want := firstLine(r.Stderr), firstLine(pmOut)
			if strings.HasSuffix(want, "formats:") {
				got = got[:min(len(got), len(want))]
			}
			if got != want || r.ExitCode != exitStatus(pmErr) {
				t.Errorf("podlite (exit %d): %s\npodman (exit %d): %s", r.ExitCode, r.Stderr, exitStatus(pmErr), pmOut)
			}
		})
	}
}

// TestImageLoadURL loads an archive served over HTTP on 127.0.0.1, and
// fails cleanly on a missing one.
func TestImageLoadURL(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	dir := t.TempDir()
	e.MustPodlite("save", "-q", "-o", filepath.Join(dir, "bb.tar"), BusyboxImage)
	e.MustPodlite("rmi", BusyboxImage)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	// Downloads go to $TMPDIR: a private one shows what is left behind.
	tmp := t.TempDir()
	load := e.Command("load", "-i", srv.URL+"/bb.tar")
	load.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := load.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "Loaded image: "+BusyboxImage {
		t.Fatalf("load from URL: %v: %s", err, out)
	}
	e.MustPodlite("image", "exists", BusyboxImage)
	r := e.Podlite("load", "-i", srv.URL+"/missing.tar")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "404") {
		t.Errorf("a missing URL's error does not say 404: %s", r.Stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("downloads left behind in $TMPDIR: %v", left)
	}
}
