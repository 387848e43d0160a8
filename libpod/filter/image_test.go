package filter_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
	"github.com/podlite/podlite/libpod/storage"
)

func TestImages(t *testing.T) {
	busybox := &storage.Image{
		Names:  []string{"docker.io/library/busybox:latest", "localhost/mine:2"},
		Config: storage.ImageConfig{Labels: map[string]string{"team": "core"}},
	}
	dangling := &storage.Image{}
	tests := []struct {
		filters        []string
		busybox, other bool
	}{
		{nil, true, true},
		{[]string{"dangling=true"}, false, true},
		{[]string{"dangling=false"}, true, false},
		{[]string{"reference=busybox"}, true, false},
		{[]string{"reference=busybox:latest"}, true, false},
		{[]string{"reference=library/busybox"}, true, false},
		{[]string{"reference=docker.io/library/busybox:latest"}, true, false},
		{[]string{"reference=docker.io/*/busy*"}, true, false},
		{[]string{"reference=mine:2"}, true, false},
		{[]string{"reference=mine:3"}, false, false},
		{[]string{"reference=busy"}, false, false},
		{[]string{"reference=nothing", "reference=mine"}, true, false},
		{[]string{"label=team"}, true, false},
		{[]string{"label=team=core"}, true, false},
		{[]string{"label=team=other"}, false, false},
		{[]string{"label=team", "dangling=true"}, false, false},
	}
	for _, tt := range tests {
		match, err := filter.Images(tt.filters, nil)
		if err != nil {
			t.Fatalf("filter.Images(%q): %v", tt.filters, err)
		}
		if got := match(busybox); got != tt.busybox {
			t.Errorf("filters %q on busybox = %v, want %v", tt.filters, got, tt.busybox)
		}
		if got := match(dangling); got != tt.other {
			t.Errorf("filters %q on a dangling image = %v, want %v", tt.filters, got, tt.other)
		}
	}
}

func TestImagesErrors(t *testing.T) {
	for _, f := range []string{"dangling", "=x", "color=red", "dangling=maybe", "reference=[", "readonly=maybe", "until=soon"} {
		if _, err := filter.Images([]string{f}, nil); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("filter.Images(%q) error = %v, want ErrInvalidArg", f, err)
		}
	}
}

func TestImagesPodmanKeys(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	old := &storage.Image{ID: "aaaa1111", Digest: "sha256:01", Created: day(1), Names: []string{"localhost/old:1"}}
	mid := &storage.Image{ID: "bbbb2222", Digest: "sha256:02", Digests: []string{"sha256:03"}, Created: day(2),
		Names: []string{"localhost/mid:1"}, Config: storage.ImageConfig{Labels: map[string]string{"k": "v"}}}
	young := &storage.Image{ID: "cccc3333", Created: day(3), ReadOnly: true}
	ictx := &filter.ImageContext{
		Lookup: func(name string) (*storage.Image, error) {
			for _, img := range []*storage.Image{old, mid, young} {
				if img.Names != nil && img.Names[0] == name {
					return img, nil
				}
			}
			return nil, define.ErrNotFound
		},
		Users:       func(img *storage.Image) (int, int) { return map[string]int{"bbbb2222": 1}[img.ID], 0 },
		HasChildren: func(*storage.Image) bool { return false },
	}
	tests := []struct {
		filters []string
		want    string
	}{
		{[]string{"id=bbbb"}, "mid"},
		{[]string{"id=sha256:aaaa"}, "old"},
		{[]string{"digest=sha256:03"}, "mid"},
		{[]string{"label!=k"}, "old young"},
		{[]string{"label!=k=other"}, "old mid young"},
		{[]string{"before=localhost/mid:1"}, "old"},
		{[]string{"since=localhost/mid:1"}, "young"},
		{[]string{"after=localhost/old:1", "before=localhost/mid:1"}, ""},
		{[]string{"until=2024-01-02T12:00:00Z"}, "old mid"},
		{[]string{"readonly=true"}, "young"},
		{[]string{"containers=true"}, "mid"},
		{[]string{"containers=false"}, "old young"},
		{[]string{"intermediate=true"}, "young"},
		{[]string{"manifest=true"}, ""},
	}
	for _, tt := range tests {
		match, err := filter.Images(tt.filters, ictx)
		if err != nil {
			t.Fatalf("filter.Images(%q): %v", tt.filters, err)
		}
		var got []string
		for name, img := range map[string]*storage.Image{"old": old, "mid": mid, "young": young} {
			if match(img) {
				got = append(got, name)
			}
		}
		slices.Sort(got)
		want := strings.Fields(tt.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("filter.Images(%q) matches %q, want %q", tt.filters, got, want)
		}
	}
	if _, err := filter.Images([]string{"before=nosuch"}, ictx); !errors.Is(err, define.ErrNotFound) {
		t.Errorf("before=nosuch: error %v, want ErrNotFound", err)
	}
}
