package criu

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestParsePageServer(t *testing.T) {
	for in, want := range map[string]PageServer{
		"127.0.0.1:27000":  {Address: "127.0.0.1", Port: 27000},
		"[fd00::1]:1":      {Address: "fd00::1", Port: 1},
		"192.0.2.10:65535": {Address: "192.0.2.10", Port: 65535},
	} {
		got, err := ParsePageServer(in)
		if err != nil || got != want {
			t.Errorf("ParsePageServer(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if err == nil && got.String() != in {
			t.Errorf("%+v.String() = %q, want %q", got, got.String(), in)
		}
	}
	for _, in := range []string{"", "127.0.0.1", "localhost:80", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:x", ":80"} {
		if _, err := ParsePageServer(in); !errors.Is(err, define.ErrInvalidArg) {
			t.Errorf("ParsePageServer(%q): %v, want ErrInvalidArg", in, err)
		}
	}
}

func TestLazyPipeProblem(t *testing.T) {
	const withResource, without = "CapEff:\t000001ffffffffff\n", "CapEff:\t000001fffeffffff\n"
	for name, tc := range map[string]struct {
		status, pipeMax string
		ok              bool
	}{
		"CAP_SYS_RESOURCE":         {withResource, "1048576\n", true},
		"large enough pipes":       {without, "4194304\n", true},
		"neither":                  {without, "1048576\n", false},
		"no capability line":       {"Name:\tx\n", "1048576\n", false},
		"capability, odd pipe max": {withResource, "junk", true},
	} {
		t.Run(name, func(t *testing.T) {
			err := lazyPipeProblem([]byte(tc.status), []byte(tc.pipeMax))
			if tc.ok != (err == nil) || (err != nil && !errors.Is(err, define.ErrNotSupported)) {
				t.Fatalf("lazyPipeProblem: %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
