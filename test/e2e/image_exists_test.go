package e2e

import "testing"

func TestImageExists(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	for _, name := range []string{BusyboxImage, "busybox", "busybox:latest", id, id[:12], "sha256:" + id} {
		if r := e.Podlite("image", "exists", name); r.ExitCode != 0 {
			t.Errorf("image exists %s: exit %d, stderr %q", name, r.ExitCode, r.Stderr)
		}
	}
	for _, name := range []string{"nosuchimage", "busybox:other", "docker.io/library/busybox", "ffffffffffff"} {
		r := e.Podlite("image", "exists", name)
		if r.ExitCode != 1 || r.Stdout != "" || r.Stderr != "" {
			t.Errorf("image exists %s: exit %d, stdout %q, stderr %q; want exit 1 and no output", name, r.ExitCode, r.Stdout, r.Stderr)
		}
	}
	expectOneLineError(t, e.Podlite("image", "exists"))
}
