package libpod

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
)

func TestImageRows(t *testing.T) {
	summary := func(id string, size int64, day int, names ...string) *ImageSummary {
		img := &storage.Image{ID: id, Names: names, Created: time.Date(2024, 1, day, 0, 0, 0, 0, time.UTC)}
		return &ImageSummary{ID: id, Size: size, Names: names, Image: img}
	}
	sums := []*ImageSummary{
		summary("bb", 30, 1, "localhost/busybox:latest", "localhost/zzz:1"),
		summary("aa", 10, 3),
		summary("cc", 20, 2, "docker.io/library/app:2"),
	}
	tests := map[string]string{
		"created":    "<none>:<none> docker.io/library/app:2 localhost/busybox:latest localhost/zzz:1",
		"id":         "<none>:<none> localhost/busybox:latest localhost/zzz:1 docker.io/library/app:2",
		"repository": "<none>:<none> docker.io/library/app:2 localhost/busybox:latest localhost/zzz:1",
		"size":       "<none>:<none> docker.io/library/app:2 localhost/busybox:latest localhost/zzz:1",
		"tag":        "localhost/zzz:1 docker.io/library/app:2 <none>:<none> localhost/busybox:latest",
	}
	// "" sorts as "created": newest first.
	tests[""] = tests["created"]
	for key, want := range tests {
		rows, err := ImageRows(sums, key)
		if err != nil {
			t.Fatalf("ImageRows(%q): %v", key, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Repository+":"+r.Tag)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("ImageRows(%q) = %q, want %q", key, got, want)
		}
	}
	if _, err := ImageRows(sums, "color"); !errors.Is(err, define.ErrInvalidArg) || !strings.HasPrefix(err.Error(), `"color" is not a valid field for sorting`) {
		t.Errorf("ImageRows(color) error = %v", err)
	}
}

func TestImageNotKnown(t *testing.T) {
	missing := imageNotKnown("x", define.ErrNotFound)
	if missing.Error() != "x: image not known" || !errors.Is(missing, define.ErrNotFound) {
		t.Errorf("imageNotKnown = %v", missing)
	}
}
