package e2e

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// The busybox test image is built here, from Debian's busybox-static, as an
// oci-archive with one uncompressed layer: /bin/busybox, a symlink per
// applet, /etc/passwd and /etc/group with root and nobody, and Cmd ["sh"].
// Everything in it has fixed times and owners, so its ID is the same for
// every run on one machine.

// busyboxPath is Debian's static busybox (package busybox-static).
const busyboxPath = "/bin/busybox"

// requiredApplets must be in the image; tests rely on them.
var requiredApplets = []string{
	"sh", "true", "false", "sleep", "echo", "cat", "ls", "env", "id", "ps", "top", "httpd", "nc",
	"wc", "mkdir", "touch", "grep", "rm", "hostname", "kill", "pwd", "test",
}

// imageEpoch is the time stamped on everything in test images.
var imageEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	busyboxOnce    sync.Once
	busyboxArchive string
	busyboxErr     error
)

// LoadBusybox loads the busybox test image into this env and returns its
// name, BusyboxImage. The archive is built once per test run.
func (e *Env) LoadBusybox() string {
	e.T.Helper()
	e.MustPodlite("load", "-q", "-i", busyboxArchivePath(e.T))
	return BusyboxImage
}

// busyboxArchivePath returns the busybox test image's oci-archive, built
// on first use.
func busyboxArchivePath(t *testing.T) string {
	t.Helper()
	busyboxOnce.Do(func() {
		busyboxArchive = filepath.Join(workDir, "busybox-oci.tar")
		busyboxErr = writeBusyboxArchive(busyboxArchive)
	})
	if busyboxErr != nil {
		t.Fatalf("building the busybox test image: %v", busyboxErr)
	}
	return busyboxArchive
}

// tarEntry is one member of a layer.
type tarEntry struct {
	name     string
	mode     int64
	typeflag byte
	linkname string
	data     []byte
}

func writeBusyboxArchive(path string) error {
	bin, err := os.ReadFile(busyboxPath)
	if err != nil {
		return fmt.Errorf("%w (apt-get install busybox-static)", err)
	}
	out, err := exec.Command(busyboxPath, "--list").Output()
	if err != nil {
		return fmt.Errorf("listing busybox applets: %w", err)
	}
	applets := strings.Fields(string(out))
	for _, a := range requiredApplets {
		if !slices.Contains(applets, a) {
			return fmt.Errorf("%s has no applet %q", busyboxPath, a)
		}
	}
	entries := []tarEntry{
		{name: "bin/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "dev/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "etc/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "home/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "proc/", mode: 0o555, typeflag: tar.TypeDir},
		{name: "root/", mode: 0o700, typeflag: tar.TypeDir},
		{name: "sys/", mode: 0o555, typeflag: tar.TypeDir},
		{name: "tmp/", mode: 0o1777, typeflag: tar.TypeDir},
		{name: "var/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "bin/busybox", mode: 0o755, typeflag: tar.TypeReg, data: bin},
		{name: "etc/passwd", mode: 0o644, typeflag: tar.TypeReg, data: []byte(
			"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")},
		{name: "etc/group", mode: 0o644, typeflag: tar.TypeReg, data: []byte("root:x:0:\nnobody:x:65534:\n")},
	}
	for _, a := range applets {
		if a != "busybox" {
			entries = append(entries, tarEntry{name: "bin/" + a, mode: 0o777, typeflag: tar.TypeSymlink, linkname: "busybox"})
		}
	}
	return writeOCIArchive(path, BusyboxImage, entries, map[string]any{
		"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
		"Cmd": []string{"sh"},
	})
}

// writeOCIArchive writes a one-layer image with the given entries and OCI
// config "config" section as an oci-archive whose index names it refName.
func writeOCIArchive(path, refName string, entries []tarEntry, config map[string]any) error {
	layer, err := tarBytes(entries)
	if err != nil {
		return err
	}
	layerDigest := digestOf(layer)
	cfg, err := json.Marshal(map[string]any{
		"created":      imageEpoch,
		"architecture": runtime.GOARCH,
		"os":           "linux",
		"config":       config,
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{layerDigest}},
		"history":      []map[string]any{{"created": imageEpoch, "created_by": "podlite e2e test image"}},
	})
	if err != nil {
		return err
	}
	manifest, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        descriptor("application/vnd.oci.image.config.v1+json", cfg, nil),
		"layers":        []any{descriptor("application/vnd.oci.image.layer.v1.tar", layer, nil)},
	})
	if err != nil {
		return err
	}
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"manifests": []any{descriptor("application/vnd.oci.image.manifest.v1+json", manifest,
			map[string]string{"org.opencontainers.image.ref.name": refName})},
	})
	if err != nil {
		return err
	}
	archive := []tarEntry{
		{name: "oci-layout", mode: 0o644, typeflag: tar.TypeReg, data: []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{name: "index.json", mode: 0o644, typeflag: tar.TypeReg, data: index},
		{name: "blobs/", mode: 0o755, typeflag: tar.TypeDir},
		{name: "blobs/sha256/", mode: 0o755, typeflag: tar.TypeDir},
	}
	for _, blob := range [][]byte{layer, cfg, manifest} {
		archive = append(archive, tarEntry{
			name: "blobs/sha256/" + strings.TrimPrefix(digestOf(blob), "sha256:"), mode: 0o644,
			typeflag: tar.TypeReg, data: blob,
		})
	}
	b, err := tarBytes(archive)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func descriptor(mediaType string, blob []byte, annotations map[string]string) map[string]any {
	d := map[string]any{"mediaType": mediaType, "digest": digestOf(blob), "size": len(blob)}
	if annotations != nil {
		d["annotations"] = annotations
	}
	return d
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tarBytes returns entries as a tar stream owned by root, stamped imageEpoch.
func tarBytes(entries []tarEntry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name: e.name, Mode: e.mode, Typeflag: e.typeflag, Linkname: e.linkname,
			Size: int64(len(e.data)), ModTime: imageEpoch,
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rootfsTarball writes a tar of regular files (path → content) to a temp
// file of the test and returns its path: a rootfs for `podlite import`.
func rootfsTarball(e *Env, files map[string]string) string {
	e.T.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var entries []tarEntry
	for _, n := range names {
		entries = append(entries, tarEntry{name: n, mode: 0o644, typeflag: tar.TypeReg, data: []byte(files[n])})
	}
	b, err := tarBytes(entries)
	if err != nil {
		e.T.Fatal(err)
	}
	path := filepath.Join(e.T.TempDir(), "rootfs.tar")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		e.T.Fatal(err)
	}
	return path
}
