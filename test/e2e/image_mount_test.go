package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImageMount mounts an image read-only, counts mounts as podman does
// (one unmount per mount, all of them with --force), lists mounted images
// and unmounts every one with --all.
func TestImageMount(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	id := strings.TrimSpace(e.MustPodlite("image", "inspect", "--format", "{{.Id}}", img).Stdout)
	mnt := strings.TrimSpace(e.MustPodlite("image", "mount", img).Stdout)
	if _, err := os.Stat(filepath.Join(mnt, "bin", "busybox")); err != nil {
		t.Fatalf("the mounted image has no /bin/busybox: %v", err)
	}
	if err := os.WriteFile(filepath.Join(mnt, "new"), nil, 0o644); err == nil {
		t.Fatal("the image's mount is writable")
	}
	e.MustPodlite("image", "mount", img)
	if out := e.MustPodlite("image", "unmount", img).Stdout; strings.TrimSpace(out) != id {
		t.Fatalf("image unmount printed %q, want the ID %s", out, id)
	}
	if out := e.MustPodlite("image", "mount").Stdout; out != img+"  "+mnt+"\n" {
		t.Fatalf("mounted twice, unmounted once: listing %q", out)
	}
	e.MustPodlite("image", "unmount", "--force", img)
	if out := e.MustPodlite("image", "mount").Stdout; out != "" {
		t.Fatalf("after --force: listing %q", out)
	}
	if out := e.MustPodlite("image", "unmount", img).Stdout; out != "" {
		t.Fatalf("unmounting an image not mounted printed %q", out)
	}
	if out := e.MustPodlite("image", "mount", "--all").Stdout; out != img+"  "+mnt+"\n" {
		t.Fatalf("image mount --all: %q", out)
	}
	if out := e.MustPodlite("image", "umount", "-a").Stdout; strings.TrimSpace(out) != id {
		t.Fatalf("image umount -a: %q", out)
	}
	if out := e.MustPodlite("image", "mount").Stdout; out != "" {
		t.Fatalf("after umount -a: listing %q", out)
	}
}
