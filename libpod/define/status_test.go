package define_test

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestCheckTransition(t *testing.T) {
	for _, tc := range []struct {
		from, to define.ContainerStatus
		ok       bool
	}{
		{define.StatusCreated, define.StatusRunning, true},
		{define.StatusRunning, define.StatusPaused, true},
		{define.StatusPaused, define.StatusRunning, true},
		{define.StatusRunning, define.StatusExited, true},
		{define.StatusExited, define.StatusRunning, true},
		{define.StatusExited, define.StatusRemoving, true},
		{define.StatusCreated, define.StatusPaused, false},
		{define.StatusRunning, define.StatusRemoving, false},
		{define.StatusRemoving, define.StatusRunning, false},
		{define.StatusPaused, define.StatusRemoving, false},
		{define.StatusCreated, define.StatusInitialized, true},
		{define.StatusInitialized, define.StatusRunning, true},
		{define.StatusInitialized, define.StatusCreated, true},
		{define.StatusInitialized, define.StatusRemoving, true},
		{define.StatusRunning, define.StatusInitialized, false},
	} {
		err := define.CheckTransition(tc.from, tc.to)
		if tc.ok != (err == nil) {
			t.Errorf("%s -> %s: err = %v, want ok=%v", tc.from, tc.to, err, tc.ok)
		}
		var te *define.TransitionError
		if err != nil && (!errors.Is(err, define.ErrInvalidState) || !errors.As(err, &te) || te.From != tc.from) {
			t.Errorf("%s -> %s: error %v is not an ErrInvalidState TransitionError", tc.from, tc.to, err)
		}
	}
}

func TestStatusText(t *testing.T) {
	for _, name := range []string{"created", "running", "paused", "exited", "stopped", "initialized"} {
		s, err := define.ParseStatus(name)
		if err != nil {
			t.Fatalf("ParseStatus(%q): %v", name, err)
		}
		b, _ := s.MarshalText()
		var back define.ContainerStatus
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("round trip of %s: %v, %v", s, back, err)
		}
	}
	if _, err := define.ParseStatus("sleepy"); !errors.Is(err, define.ErrInvalidArg) {
		t.Errorf("ParseStatus(sleepy) = %v, want ErrInvalidArg", err)
	}
}
