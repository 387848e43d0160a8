package libpod

import (
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestPodStatus(t *testing.T) {
	ctrs := func(states ...define.ContainerStatus) []*Container {
		var out []*Container
		for _, s := range states {
			out = append(out, &Container{config: &define.ContainerConfig{}, state: &define.ContainerState{Status: s}})
		}
		return out
	}
	for _, tc := range []struct {
		ctrs []*Container
		want string
	}{
		{nil, "Created"},
		{ctrs(define.StatusCreated, define.StatusInitialized), "Created"},
		{ctrs(define.StatusRunning, define.StatusRunning), "Running"},
		{ctrs(define.StatusRunning, define.StatusExited), "Degraded"},
		{ctrs(define.StatusRunning, define.StatusCreated), "Degraded"},
		{ctrs(define.StatusPaused, define.StatusPaused), "Paused"},
		{ctrs(define.StatusExited, define.StatusCreated), "Exited"},
		{ctrs(define.StatusExited), "Exited"},
	} {
		if got := PodStatus(tc.ctrs); got != tc.want {
			t.Errorf("PodStatus(%d containers) = %q, want %q", len(tc.ctrs), got, tc.want)
		}
	}
}
