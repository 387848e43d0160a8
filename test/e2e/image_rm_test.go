package e2e

import (
	"strings"
	"testing"
)

func TestImageRm(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	e.MustPodlite("tag", BusyboxImage, "second")

	// By ID with two names: refused without -f.
	r := e.Podlite("rmi", id[:12])
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "several names") {
		t.Errorf("rmi by ID error does not say why: %s", r.Stderr)
	}
	// By one of two names: only that name goes.
	r = e.MustPodlite("rmi", "second")
	if strings.TrimSpace(r.Stdout) != "Untagged: localhost/second:latest" {
		t.Errorf("rmi second printed %q", r.Stdout)
	}
	e.MustPodlite("image", "exists", id)
	// By its last name: the image goes.
	r = e.MustPodlite("image", "rm", "busybox")
	if !strings.Contains(r.Stdout, "Untagged: "+BusyboxImage) || !strings.Contains(r.Stdout, "Deleted: "+id) {
		t.Errorf("rmi busybox printed %q", r.Stdout)
	}
	if r := e.Podlite("image", "exists", id); r.ExitCode != 1 {
		t.Fatalf("image still exists after rmi (exit %d)", r.ExitCode)
	}
}

func TestImageRmSeveral(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	e.MustPodlite("import", rootfsTarball(e, map[string]string{"a": "1"}), "one")
	e.MustPodlite("import", rootfsTarball(e, map[string]string{"a": "2"}), "two")
	// A missing image fails the command (podman's exit 1) but not the
	// others.
	r := e.Podlite("rmi", "one", "nosuchimage", "two")
	expectErrorExit(t, r, 1)
	if !strings.Contains(r.Stderr, "nosuchimage") || strings.Count(r.Stdout, "Deleted: ") != 2 {
		t.Fatalf("rmi one nosuchimage two: stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
	// -a removes the rest, and takes no names.
	expectOneLineError(t, e.Podlite("rmi", "-a", "busybox"))
	e.MustPodlite("rmi", "-a")
	if r := e.MustPodlite("images", "-q"); r.Stdout != "" {
		t.Fatalf("images after rmi -a: %q", r.Stdout)
	}
}

// TestImageRmInUse: an image a container uses is kept unless -f, which
// removes the container too.
func TestImageRmInUse(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	e.MustPodlite("create", "--name", "user", BusyboxImage, "true")
	r := e.Podlite("rmi", BusyboxImage)
	expectErrorExit(t, r, 2) // podman's status for an image in use
	if !strings.Contains(r.Stderr, "in use by container user") {
		t.Errorf("in-use error does not name the container: %s", r.Stderr)
	}
	e.MustPodlite("image", "exists", BusyboxImage)
	// prune leaves images in use alone.
	if r := e.MustPodlite("image", "prune", "-a", "-f"); r.Stdout != "" {
		t.Errorf("prune -a removed %q, an image in use", r.Stdout)
	}
	e.MustPodlite("image", "exists", BusyboxImage)

	e.MustPodlite("rmi", "-f", BusyboxImage)
	if r := e.Podlite("image", "exists", BusyboxImage); r.ExitCode != 1 {
		t.Fatalf("image exists after rmi -f (exit %d)", r.ExitCode)
	}
	if r := e.MustPodlite("ps", "-a", "-q"); r.Stdout != "" {
		t.Fatalf("rmi -f left the container: %q", r.Stdout)
	}
}
