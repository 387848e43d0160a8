package e2e

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// imageWithVolume builds an image from busybox that declares VOLUME /data.
func imageWithVolume(e *Env) string {
	e.T.Helper()
	img := e.LoadBusybox()
	e.MustPodlite("create", "--name", "src", img, "true")
	tarball := filepath.Join(e.T.TempDir(), "rootfs.tar")
	e.MustPodlite("export", "-o", tarball, "src")
	e.MustPodlite("rm", "src")
	e.MustPodlite("import", "--change", "VOLUME /data", "--change", `CMD ["sh"]`, tarball, "localhost/withvol")
	return "localhost/withvol"
}

func TestAnonymousVolumes(t *testing.T) {
	e := NewEnv(t)
	img := imageWithVolume(e)

	e.MustPodlite("run", "--name", "keep", img, "sh", "-c", "echo data > /data/f")
	vols := strings.Fields(e.MustPodlite("volume", "ls", "-q").Stdout)
	if len(vols) != 1 {
		t.Fatalf("an image VOLUME made %d volumes, want 1", len(vols))
	}
	if out := e.MustPodlite("volume", "inspect", "--format", "{{.Name}}", vols[0]).Stdout; strings.TrimSpace(out) != vols[0] {
		t.Fatalf("volume inspect: %q", out)
	}
	if r := e.Podlite("volume", "rm", vols[0]); r.ExitCode != 2 { // in use
		t.Fatalf("volume rm of a volume in use: exit %d, stderr %q", r.ExitCode, r.Stderr)
	}
	e.MustPodlite("rm", "-v", "keep")
	if out := e.MustPodlite("volume", "ls", "-q").Stdout; out != "" {
		t.Fatalf("rm -v left volumes: %q", out)
	}

	// A user mount at the VOLUME path replaces the anonymous volume.
	e.MustPodlite("run", "--rm", "-v", "named:/data", img, "true")
	if out := e.MustPodlite("volume", "ls", "-q").Stdout; out != "named\n" {
		t.Fatalf("volumes after a run with -v named:/data: %q", out)
	}
	// --rm takes its anonymous volumes along, and keeps named ones.
	e.MustPodlite("run", "--rm", img, "true")
	if out := e.MustPodlite("volume", "ls", "-q").Stdout; out != "named\n" {
		t.Fatalf("volumes after run --rm: %q", out)
	}
}

// TestCreateAgainstVolumeRm races container creation that uses a volume
// against removal of that volume: afterwards every container's volumes
// exist, whoever won each round.
func TestCreateAgainstVolumeRm(t *testing.T) {
	e := NewEnv(t)
	img := e.LoadBusybox()
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			e.Podlite("create", "--name", "c"+strconv.Itoa(i), "-v", "contested:/x", img, "true")
		}()
		go func() {
			defer wg.Done()
			e.Podlite("volume", "rm", "contested")
		}()
	}
	wg.Wait()
	vols := e.MustPodlite("volume", "ls", "-q").Stdout
	for _, name := range strings.Fields(e.MustPodlite("ps", "-a", "--format", "{{.Names}}").Stdout) {
		if !strings.Contains(vols, "contested") {
			t.Fatalf("container %s exists but its volume was removed", name)
		}
	}
}
