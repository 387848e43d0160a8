package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestImageInspect(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	r := e.MustPodlite("image", "inspect", "busybox")
	var data []struct {
		ID           string   `json:"Id"`
		RepoTags     []string `json:"RepoTags"`
		Digest       string   `json:"Digest"`
		Architecture string   `json:"Architecture"`
		OS           string   `json:"Os"`
		Size         int64    `json:"Size"`
		Config       struct {
			Cmd []string `json:"Cmd"`
			Env []string `json:"Env"`
		} `json:"Config"`
		RootFS struct {
			Layers []string `json:"Layers"`
		} `json:"RootFS"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &data); err != nil {
		t.Fatalf("image inspect output is not a JSON array: %v\n%s", err, r.Stdout)
	}
	if len(data) != 1 {
		t.Fatalf("image inspect of one image returned %d", len(data))
	}
	d := data[0]
	if len(d.ID) != 64 || len(d.RepoTags) != 1 || d.RepoTags[0] != BusyboxImage ||
		!strings.HasPrefix(d.Digest, "sha256:") || d.OS != "linux" || d.Size <= 0 ||
		strings.Join(d.Config.Cmd, " ") != "sh" || len(d.Config.Env) == 0 || len(d.RootFS.Layers) != 1 {
		t.Errorf("image inspect: %+v", d)
	}

	// Several images, by name and ID; --format per image.
	r = e.MustPodlite("image", "inspect", "--format", "{{.Id}} {{.Os}}", "busybox", d.ID[:8])
	want := d.ID + " linux\n" + d.ID + " linux\n"
	if r.Stdout != want {
		t.Errorf("inspect --format = %q, want %q", r.Stdout, want)
	}
	r = e.MustPodlite("image", "inspect", "--format", "json", "sha256:"+d.ID)
	if !strings.HasPrefix(strings.TrimSpace(r.Stdout), "[") {
		t.Errorf("inspect --format json is not an array: %s", r.Stdout)
	}
}

func TestImageInspectErrors(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	r := e.Podlite("image", "inspect", "nosuchimage")
	expectOneLineError(t, r)
	if !strings.Contains(r.Stderr, "nosuchimage: image not known") {
		t.Errorf("inspect error does not name the image: %s", r.Stderr)
	}
	// The images found are still shown; the command fails.
	r = e.Podlite("image", "inspect", "busybox", "nosuchimage")
	if r.ExitCode != 125 || !strings.Contains(r.Stdout, BusyboxImage) {
		t.Errorf("inspect busybox nosuchimage: exit %d, stdout %q", r.ExitCode, r.Stdout)
	}
	expectOneLineError(t, e.Podlite("image", "inspect", "--format", "{{.Nope", "busybox"))
}
