package e2e

import (
	"strings"
	"testing"
)

func TestImagePrune(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	dangling := strings.TrimSpace(e.MustPodlite("import", rootfsTarball(e, map[string]string{"a": "b"})).Stdout)

	// Without -f, prune asks; anything but yes keeps everything.
	r := e.PodliteStdin("n\n", "image", "prune")
	if r.ExitCode != 0 || r.Stderr != "" || !strings.HasSuffix(r.Stdout, "Are you sure you want to continue? [y/N] ") {
		t.Fatalf("prune answered no: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	e.MustPodlite("image", "exists", dangling)

	// Dangling images go, named ones stay.
	r = e.MustPodlite("image", "prune", "-f")
	if strings.TrimSpace(r.Stdout) != dangling {
		t.Fatalf("prune -f printed %q, want %s", r.Stdout, dangling)
	}
	e.MustPodlite("image", "exists", id)
	if r := e.MustPodlite("image", "prune", "-f"); r.Stdout != "" {
		t.Fatalf("second prune removed %q", r.Stdout)
	}

	// -a: every unused image.
	r = e.PodliteStdin("y\n", "image", "prune", "-a")
	if !strings.HasSuffix(r.Stdout, "[y/N] "+id+"\n") {
		t.Fatalf("prune -a printed %q, want %s", r.Stdout, id)
	}
	if r := e.MustPodlite("images", "-q"); r.Stdout != "" {
		t.Fatalf("images after prune -a: %q", r.Stdout)
	}
}
