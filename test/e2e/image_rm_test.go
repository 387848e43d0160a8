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

	// By ID with two names: refused without -f, in podman's words.
	r := e.Podlite("rmi", id[:12])
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "by ID with more than one tag") {
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
	// A missing image fails the command (podman's exit 1 and text) but
	// not the others.
	r := e.Podlite("rmi", "one", "nosuchimage", "two")
	if r.ExitCode != 1 || r.Stderr != "Error: nosuchimage: image not known\n" || strings.Count(r.Stdout, "Deleted: ") != 2 {
		t.Fatalf("rmi one nosuchimage two: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	// --ignore: a missing image is no failure.
	if r := e.MustPodlite("rmi", "--ignore", "nosuchimage"); r.Stdout != "" || r.Stderr != "" {
		t.Errorf("rmi --ignore nosuchimage: stdout %q, stderr %q", r.Stdout, r.Stderr)
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
	ctr := strings.TrimSpace(e.MustPodlite("create", "--name", "user", BusyboxImage, "true").Stdout)
	// podman's message and exit code 2.
	r := e.Podlite("rmi", BusyboxImage)
	want := "Error: image used by " + ctr + ": image is in use by a container: consider listing external containers and force-removing image"
	if r.ExitCode != 2 || strings.TrimSpace(r.Stderr) != want {
		t.Errorf("rmi of an image in use: exit %d, stderr %q; want 2, %q", r.ExitCode, r.Stderr, want)
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
