package e2e

import (
	"strings"
	"testing"
)

// TestImageTreePodman compares image tree with podman 4.3.1's (podman 5's
// documentation still has the command) on the same busybox image, and the
// error for a missing image. (Names are listed in the store's order, which
// after a tag differs: podlite's tag puts the new name first.)
func TestImageTreePodman(t *testing.T) {
	e, pm, img := NewPodlitePodman(t)
	for _, args := range [][]string{{"image", "tree", img}, {"image", "tree", "nosuch"}} {
		r := e.Podlite(args...)
		pmOut, pmErr := pm.Run(args...)
		got, want := squeeze(r.Stdout+r.Stderr), squeeze(pmOut)
		if got != want || r.ExitCode != exitStatus(pmErr) {
			t.Errorf("%s:\npodlite (exit %d):\n%s\npodman (exit %d):\n%s", strings.Join(args, " "), r.ExitCode, got, exitStatus(pmErr), want)
		}
	}
	expectOneLineError(t, e.Podlite("image", "tree", "--whatrequires", img))
}
