package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImagePushPull pushes the busybox image to a local registry, removes
// it, pulls it back and finds the same image.
func TestImagePushPull(t *testing.T) {
	registry := StartRegistry(t)
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)

	remote := registry + "/test/busybox:1"
	e.MustPodlite("push", "--tls-verify=false", BusyboxImage, remote)
	e.MustPodlite("tag", BusyboxImage, registry+"/test/tagged")
	e.MustPodlite("image", "push", "-q", "--tls-verify=false", registry+"/test/tagged")
	e.MustPodlite("rmi", "-a")

	r := e.MustPodlite("pull", "--tls-verify=false", remote)
	if got := strings.TrimSpace(r.Stdout); got != id {
		t.Fatalf("pull printed %q, want the image ID %s", got, id)
	}
	if got := imageID(e, remote); got != id {
		t.Fatalf("pulled image has ID %s, want %s", got, id)
	}
	// A name without tag means :latest; -q prints only the ID.
	r = e.MustPodlite("image", "pull", "-q", "--tls-verify=false", registry+"/test/tagged")
	if got := strings.TrimSpace(r.Stdout); got != id || r.Stderr != "" {
		t.Fatalf("pull -q printed %q on stdout and %q on stderr", r.Stdout, r.Stderr)
	}
	e.MustPodlite("image", "exists", registry+"/test/tagged:latest")
}

func TestImagePullTransports(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	dir := t.TempDir()
	for _, dest := range []string{
		"oci:" + dir + "/layout:localhost/viaoci:1",
		"oci-archive:" + dir + "/img.tar:localhost/viaociarchive:1",
		"docker-archive:" + dir + "/docker.tar:localhost/viadocker:1",
		"docker-archive:" + dir + "/hub.tar:docker.io/library/viahub:2",
		"dir:" + dir + "/dir",
	} {
		e.MustPodlite("push", BusyboxImage, dest)
	}
	// dir: keeps the stored (uncompressed) layers; --compress gzips them.
	e.MustPodlite("push", "--compress", BusyboxImage, "dir:"+dir+"/gz")
	if plain, gz := dirLayersGzip(t, dir+"/dir"), dirLayersGzip(t, dir+"/gz"); plain != "n" || gz != "y" {
		t.Errorf("gzip layers in dir: %q, with --compress %q; want n and y", plain, gz)
	}
	e.MustPodlite("rmi", "-a")
	for _, src := range []string{
		"oci:" + dir + "/layout:localhost/viaoci:1",
		"oci-archive:" + dir + "/img.tar:localhost/viaociarchive:1",
		"docker-archive:" + dir + "/docker.tar",
		"docker-archive:" + dir + "/hub.tar",
		"dir:" + dir + "/dir",
		"dir:" + dir + "/gz",
	} {
		r := e.MustPodlite("pull", "-q", src)
		if got := strings.TrimSpace(r.Stdout); got != id {
			t.Errorf("pull %s printed %q, want %s", src, got, id)
		}
	}
	// An archive's familiar Docker Hub tag ("viahub:2") becomes a full name.
	r := e.MustPodlite("images", "--format", "{{.Repository}}:{{.Tag}}")
	for _, name := range []string{"localhost/viaoci:1", "localhost/viaociarchive:1", "localhost/viadocker:1", "docker.io/library/viahub:2"} {
		if !strings.Contains(r.Stdout, name+"\n") {
			t.Errorf("images misses %s:\n%s", name, r.Stdout)
		}
	}
}

func TestImagePullErrors(t *testing.T) {
	registry := StartRegistry(t)
	e := NewEnv(t)
	for name, args := range map[string][]string{
		"bad reference":    {"pull", "Not/A:Valid:Ref"},
		"unknown image":    {"pull", "--tls-verify=false", registry + "/no/such:image"},
		"tls against http": {"pull", registry + "/no/such:image"},
		"missing archive":  {"pull", "oci-archive:/nonexistent.tar"},
		"push unknown":     {"push", "--tls-verify=false", "nosuchimage", registry + "/x:1"},
		"no argument":      {"pull"},
	} {
		t.Run(name, func(t *testing.T) {
			expectOneLineError(t, e.Podlite(args...))
		})
	}
	// A short name goes to docker.io, and the error says so.
	r := e.Podlite("pull", "podlite-no-such-image")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "docker.io") {
		t.Errorf("short-name pull error does not mention docker.io: %s", r.Stderr)
	}
}

// dirLayersGzip says, per layer of the dir: image at path, whether its
// blob starts with gzip's magic: "y" or "n" each.
func dirLayersGzip(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(path, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Layers []struct{ Digest string } }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	for _, l := range m.Layers {
		blob, err := os.ReadFile(filepath.Join(path, strings.TrimPrefix(l.Digest, "sha256:")))
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(blob, []byte{0x1f, 0x8b}) {
			out.WriteString("y")
		} else {
			out.WriteString("n")
		}
	}
	return out.String()
}
