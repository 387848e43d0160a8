package filter_test

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/filter"
)

func TestContainers(t *testing.T) {
	web := &define.ContainerConfig{ID: "abc123", Name: "web-1", Labels: map[string]string{"app": "web"}}
	running := &define.ContainerState{Status: define.StatusRunning}
	tests := []struct {
		filters []string
		want    bool
	}{
		{nil, true},
		{[]string{"name=web"}, true},
		{[]string{"name=db"}, false},
		{[]string{"name=db", "name=web"}, true},
		{[]string{"id=abc"}, true},
		{[]string{"id=123"}, false},
		{[]string{"status=running"}, true},
		{[]string{"status=exited"}, false},
		{[]string{"label=app"}, true},
		{[]string{"label=app=web", "status=running"}, true},
		{[]string{"label=app=db"}, false},
		{[]string{"label=app", "name=db"}, false},
	}
	for _, tt := range tests {
		match, err := filter.Containers(tt.filters)
		if err != nil {
			t.Fatalf("Containers(%q): %v", tt.filters, err)
		}
		if got := match(web, running); got != tt.want {
			t.Errorf("Containers(%q) on web = %v, want %v", tt.filters, got, tt.want)
		}
	}
	for _, bad := range []string{"name", "colour=red", "status=sleepy"} {
		if _, err := filter.Containers([]string{bad}); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("Containers(%q) error = %v, want ErrInvalidArg", bad, err)
		}
	}
}
