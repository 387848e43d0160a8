package filter_test

import (
	"errors"
	"testing"

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
		match, err := filter.Images(tt.filters)
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
	for _, f := range []string{"dangling", "=x", "color=red", "dangling=maybe", "reference=[", "since=busybox"} {
		if _, err := filter.Images([]string{f}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("filter.Images(%q) error = %v, want ErrInvalidArg", f, err)
		}
	}
}
