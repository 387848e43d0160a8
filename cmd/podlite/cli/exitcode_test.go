package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/logging"
)

// TestExitCode: podman's statuses of rm, rmi, stop and kill — 1 for a
// missing object, 2 for a running container (rm) or an image in use
// (rmi), with podman's precedence among several failures; 125 otherwise.
func TestExitCode(t *testing.T) {
	missing := fmt.Errorf("no container with name or ID %q found: %w", "x", define.ErrNoSuchContainer)
	running := fmt.Errorf("cannot remove container X as it is running: %w", define.ErrStateImproper)
	other := errors.New("disk on fire")
	each := func(errs ...error) error { return &common.EachError{Errs: errs} }
	for _, tc := range []struct {
		path string
		err  error
		want int
	}{
		{"podlite rm", nil, 0},
		{"podlite rm", missing, 1},
		{"podlite container rm", running, 2},
		{"podlite rm", each(missing, running), 1},
		{"podlite rm", each(running, missing), 1},
		{"podlite rm", each(running, other), 2},
		{"podlite rm", each(missing, other), 1},
		{"podlite rm", each(other), 125},
		{"podlite rmi", fmt.Errorf("x: %w", define.ErrImageNotKnown), 1},
		{"podlite image rm", fmt.Errorf("in use: %w", define.ErrImageInUse), 2},
		{"podlite rmi", fmt.Errorf("several names: %w", define.ErrInvalidState), 125},
		{"podlite rmi", each(fmt.Errorf("x: %w", define.ErrImageNotKnown), other), 125},
		{"podlite rmi", each(other, fmt.Errorf("in use: %w", define.ErrImageInUse)), 2},
		{"podlite stop", missing, 1},
		{"podlite stop", running, 125},
		{"podlite container kill", missing, 1},
		{"podlite start", missing, 125},
		{"podlite inspect", missing, 125},
		{"podlite run", &define.ExitCodeError{Code: 3}, 3},
		{"podlite version", &logging.LevelError{Level: "bogus"}, 1},
		{"podlite rm", fmt.Errorf("wrapped: %w", &define.ExitCodeError{Code: 127}), 127},
	} {
		if got := exitCode(tc.path, tc.err); got != tc.want {
			t.Errorf("exitCode(%q, %v) = %d, want %d", tc.path, tc.err, got, tc.want)
		}
	}
	if missing.Error() != `no container with name or ID "x" found: no such container` || !errors.Is(missing, define.ErrNotFound) {
		t.Errorf("podman's wording or class lost: %v", missing)
	}
}
