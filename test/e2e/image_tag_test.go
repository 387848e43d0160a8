package e2e

import (
	"strings"
	"testing"
)

func TestImageTag(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	e.MustPodlite("tag", "busybox", "mybox", "registry.example.com/team/box:2")
	e.MustPodlite("image", "tag", id[:10], "third:v3")
	for _, name := range []string{
		"localhost/mybox:latest", "mybox", "mybox:latest",
		"registry.example.com/team/box:2", "third:v3", "localhost/third:v3",
	} {
		if got := imageID(e, name); got != id {
			t.Errorf("%s resolves to %s, want %s", name, got, id)
		}
	}
	names := e.MustPodlite("image", "inspect", "--format", "{{len .RepoTags}}", id).Stdout
	if strings.TrimSpace(names) != "4" {
		t.Errorf("busybox has %s names after tagging, want 4", names)
	}

	// A name moves from one image to another.
	other := strings.TrimSpace(e.MustPodlite("import", rootfsTarball(e, map[string]string{"x": "y"})).Stdout)
	e.MustPodlite("tag", other, "mybox")
	if got := imageID(e, "mybox"); got != other {
		t.Errorf("mybox resolves to %s after moving, want %s", got, other)
	}
}

func TestImageTagErrors(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	for name, args := range map[string][]string{
		"unknown image": {"tag", "nosuchimage", "x"},
		"bad name":      {"tag", "busybox", "Bad:Name:x"},
		"digest name":   {"tag", "busybox", "x@sha256:0123456789012345678901234567890123456789012345678901234567890123"},
		"one argument":  {"tag", "busybox"},
	} {
		t.Run(name, func(t *testing.T) {
			expectOneLineError(t, e.Podlite(args...))
		})
	}
}
