package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestImageLoadBusybox(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	r := e.MustPodlite("images", "--format", "{{.Repository}}:{{.Tag}}")
	if strings.TrimSpace(r.Stdout) != BusyboxImage {
		t.Fatalf("images after load = %q, want %s", r.Stdout, BusyboxImage)
	}
	// Loading again is harmless and reports the same name.
	r = e.MustPodlite("load", "-i", busyboxArchive)
	if strings.TrimSpace(r.Stdout) != "Loaded image: "+BusyboxImage {
		t.Fatalf("load output = %q", r.Stdout)
	}
}

func TestImageLoadStdin(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	archive := filepath.Join(t.TempDir(), "bb.tar")
	e.MustPodlite("save", "-o", archive, BusyboxImage)
	e.MustPodlite("rmi", BusyboxImage)
	cmd := e.Command("load")
	f := openFile(t, archive)
	cmd.Stdin = f
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("load < %s: %v\n%s", archive, err, out)
	}
	if !strings.Contains(string(out), "Loaded image: "+BusyboxImage) {
		t.Fatalf("load from stdin printed %q", out)
	}
	e.MustPodlite("image", "exists", BusyboxImage)
}

// TestImageSaveLoadRoundTrip saves images into one archive or directory
// in each format, removes them, loads it back and finds every image with
// its name and ID: several images with -m (docker-archive only), else one
// image under its name and the further names given (tags).
func TestImageSaveLoadRoundTrip(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	e.MustPodlite("import", rootfsTarball(e, map[string]string{"hello": "one"}), "one:1")
	e.MustPodlite("import", rootfsTarball(e, map[string]string{"hello": "two"}), "two")
	e.MustPodlite("tag", "two", "two:second")
	ids := map[string]string{}
	for _, n := range []string{BusyboxImage, "localhost/one:1", "localhost/two:latest", "localhost/two:second"} {
		ids[n] = imageID(e, n)
	}
	if ids["localhost/one:1"] == ids["localhost/two:latest"] {
		t.Fatal("imported images share an ID")
	}
	all := filepath.Join(t.TempDir(), "all.tar")
	e.MustPodlite("save", "-m", "-o", all, "busybox", "one:1", "two", "two:second")
	for _, tc := range []struct {
		name   string
		args   []string
		loaded []string // what load prints
	}{
		{"docker-archive -m", []string{"-m", "busybox", "one:1", "two", "two:second"},
			[]string{BusyboxImage, "localhost/one:1", "localhost/two:latest", "localhost/two:second"}},
		{"docker-archive tags", []string{"one:1", "extra:9"}, []string{"localhost/one:1", "localhost/extra:9"}},
		{"oci-archive tags", []string{"--format", "oci-archive", "two", "two:second"}, []string{"localhost/two:latest", "localhost/two:second"}},
		{"oci-dir", []string{"--format", "oci-dir", "--uncompressed", "one:1"}, []string{"localhost/one:1"}},
		{"docker-dir", []string{"--format", "docker-dir", "--compress", "two"}, []string{"sha256:" + ids["localhost/two:latest"]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "images")
			e.MustPodlite(append([]string{"save", "-q", "-o", out}, tc.args...)...)
			e.MustPodlite("rmi", "-a", "-f")
			r := e.MustPodlite("load", "-i", out)
			if got, want := strings.Fields(strings.ReplaceAll(r.Stdout, "Loaded image:", "")), tc.loaded; !sameSet(got, want) {
				t.Errorf("load printed %q, want images %q", r.Stdout, want)
			}
			for _, n := range tc.loaded {
				want := ids[n]
				if n == "localhost/extra:9" {
					want = ids["localhost/one:1"]
				}
				if strings.HasPrefix(n, "sha256:") {
					want = strings.TrimPrefix(n, "sha256:")
				}
				if got := imageID(e, n); got != want {
					t.Errorf("image %s has ID %s after the round trip, want %s", n, got, want)
				}
			}
			// Back to every image for the next case.
			e.MustPodlite("rmi", "-a", "-f")
			e.MustPodlite("load", "-q", "-i", all)
		})
	}
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestImageSaveOutputs saves to stdout (a file and a pipe) and over an
// existing file.
func TestImageSaveOutputs(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	dir := t.TempDir()

	viaStdout := filepath.Join(dir, "stdout.tar")
	f, err := os.Create(viaStdout)
	if err != nil {
		t.Fatal(err)
	}
	save := e.Command("save", "--format", "oci-archive", BusyboxImage)
	var stderr strings.Builder
	save.Stdout, save.Stderr = f, &stderr
	if err := save.Run(); err != nil {
		t.Fatalf("save > file: %v\n%s", err, stderr.String())
	}
	f.Close()

	// save | load through a pipe, in another store.
	other := NewEnv(t)
	save = e.Command("save", BusyboxImage)
	load := other.Command("load")
	pipe, err := save.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	load.Stdin = pipe
	if err := save.Start(); err != nil {
		t.Fatal(err)
	}
	if out, err := load.CombinedOutput(); err != nil {
		t.Fatalf("save | load: %v\n%s", err, out)
	}
	if err := save.Wait(); err != nil {
		t.Fatalf("save | load: save: %v", err)
	}
	other.MustPodlite("image", "exists", BusyboxImage)

	// -o replaces an existing file.
	existing := filepath.Join(dir, "existing.tar")
	writeFile(t, existing, "old content")
	e.MustPodlite("save", "-o", existing, BusyboxImage)

	e.MustPodlite("rmi", BusyboxImage)
	for _, archive := range []string{viaStdout, existing} {
		e.MustPodlite("load", "-i", archive)
		e.MustPodlite("rmi", BusyboxImage)
	}
}

func TestImageLoadErrors(t *testing.T) {
	e := NewEnv(t)
	notTar := filepath.Join(t.TempDir(), "not.tar")
	writeFile(t, notTar, "this is not an archive\n")
	emptyTar := rootfsTarball(e, map[string]string{"a": "b"})
	for name, args := range map[string][]string{
		"missing file":  {"load", "-i", "/nonexistent/images.tar"},
		"not a tar":     {"load", "-i", notTar},
		"no image":      {"load", "-i", emptyTar},
		"save missing":  {"save", "-o", filepath.Join(t.TempDir(), "x.tar"), "nosuchimage"},
		"save format":   {"save", "--format", "zip", "-o", filepath.Join(t.TempDir(), "x.tar"), "busybox"},
		"save no image": {"save", "-o", filepath.Join(t.TempDir(), "x.tar")},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.Podlite(args...)
			expectOneLineError(t, r)
		})
	}
}
