package libpod

import (
	"errors"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

func TestParseWaitConditions(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []waitCondition
		err  error
	}{
		{nil, []waitCondition{{stopped: true}}, nil},
		{[]string{"exited", "removing"}, []waitCondition{{stopped: true}, {removing: true}}, nil},
		{[]string{"running", "configured"}, []waitCondition{{status: define.StatusRunning}, {status: define.StatusCreated}}, nil},
		{[]string{"initialized"}, []waitCondition{{status: define.StatusInitialized}}, nil},
		{[]string{"healthy", "unhealthy"}, []waitCondition{{health: "healthy"}, {health: "unhealthy"}}, nil},
		{[]string{"bogus"}, nil, define.ErrInvalidArg},
	} {
		got, err := parseWaitConditions(tc.in)
		if !errors.Is(err, tc.err) || (err == nil && len(got) != len(tc.want)) {
			t.Errorf("parseWaitConditions(%v) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("parseWaitConditions(%v)[%d] = %+v, want %+v", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}

func TestParseWaitInterval(t *testing.T) {
	for in, want := range map[string]time.Duration{"250ms": 250 * time.Millisecond, "10": 10 * time.Millisecond, "2s": 2 * time.Second} {
		if got, err := ParseWaitInterval(in); err != nil || got != want {
			t.Errorf("ParseWaitInterval(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"soon", "-1s", "0s"} {
		if _, err := ParseWaitInterval(bad); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParseWaitInterval(%q) = %v, want ErrInvalidArg", bad, err)
		}
	}
}
