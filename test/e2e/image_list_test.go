package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestImageList(t *testing.T) {
	e := NewEnv(t)
	e.LoadBusybox()
	id := imageID(e, BusyboxImage)
	e.MustPodlite("tag", BusyboxImage, "other:2")
	dangling := strings.TrimSpace(e.MustPodlite("import", rootfsTarball(e, map[string]string{"f": "x"})).Stdout)

	// Table: a header, one row per name, one for the dangling image.
	r := e.MustPodlite("images")
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "REPOSITORY") || !strings.Contains(lines[0], "IMAGE ID") {
		t.Fatalf("images table:\n%s", r.Stdout)
	}
	if !strings.Contains(r.Stdout, "localhost/busybox") || !strings.Contains(r.Stdout, id[:12]) || !strings.Contains(r.Stdout, "<none>") {
		t.Errorf("images table misses a row:\n%s", r.Stdout)
	}

	// -q: each image once, truncated; --no-trunc: full.
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"images", "-q"}, []string{dangling[:12], id[:12]}},
		{[]string{"image", "ls", "-q", "--no-trunc"}, []string{"sha256:" + dangling, "sha256:" + id}},
		{[]string{"image", "list", "-a", "-q"}, []string{dangling[:12], id[:12]}},
		{[]string{"images", "-q", "--filter", "dangling=true"}, []string{dangling[:12]}},
		{[]string{"images", "-q", "--filter", "dangling=false"}, []string{id[:12]}},
		{[]string{"images", "-q", "--filter", "reference=busybox"}, []string{id[:12]}},
		{[]string{"images", "-q", "--filter", "reference=localhost/other:*"}, []string{id[:12]}},
		{[]string{"images", "-q", "--filter", "reference=nothing*"}, nil},
		{[]string{"images", "-q", "other"}, []string{id[:12]}},
	} {
		got := strings.Fields(e.MustPodlite(tc.args...).Stdout)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("podlite %s = %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
	}

	// Go template: one line per name.
	r = e.MustPodlite("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}", "--filter", "dangling=false")
	want := "localhost/other:2 " + id[:12] + "\nlocalhost/busybox:latest " + id[:12]
	if got := strings.TrimSpace(r.Stdout); got != want && got != strings.Join(reverseLines(want), "\n") {
		t.Errorf("images --format template:\n%s\nwant (in some order):\n%s", got, want)
	}
	r = e.MustPodlite("images", "--format", "table {{.ID}}\t{{.Size}}", "busybox")
	if !strings.HasPrefix(r.Stdout, "IMAGE ID") {
		t.Errorf("images --format table has no header:\n%s", r.Stdout)
	}

	// JSON: one object per line of the table, as podman prints it: an
	// image with two names twice.
	r = e.MustPodlite("images", "--format", "json")
	var images []struct {
		ID       string   `json:"Id"`
		Names    []string `json:"Names"`
		Size     int64    `json:"Size"`
		Dangling bool     `json:"Dangling"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &images); err != nil {
		t.Fatalf("images --format json: %v\n%s", err, r.Stdout)
	}
	if len(images) != 3 {
		t.Fatalf("images --format json has %d objects, want 3:\n%s", len(images), r.Stdout)
	}
	for _, img := range images {
		switch img.ID {
		case id:
			if len(img.Names) != 2 || img.Dangling || img.Size <= 0 {
				t.Errorf("busybox in JSON: %+v", img)
			}
		case dangling:
			if len(img.Names) != 0 || !img.Dangling {
				t.Errorf("dangling image in JSON: %+v", img)
			}
		default:
			t.Errorf("unexpected image in JSON: %+v", img)
		}
	}
}

func TestImageListErrors(t *testing.T) {
	e := NewEnv(t)
	for name, args := range map[string][]string{
		"unknown filter": {"images", "--filter", "color=red"},
		"bad filter":     {"images", "--filter", "dangling"},
		"bad dangling":   {"images", "--filter", "dangling=maybe"},
		"bad template":   {"images", "--format", "{{.Nope"},
		"too many args":  {"images", "a", "b"},
	} {
		t.Run(name, func(t *testing.T) {
			expectOneLineError(t, e.Podlite(args...))
		})
	}
}

func reverseLines(s string) []string {
	lines := strings.Split(s, "\n")
	for i, j := 0, len(lines)-1; i < j; i, j = i+1, j-1 {
		lines[i], lines[j] = lines[j], lines[i]
	}
	return lines
}
