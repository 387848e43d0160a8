package libpod

import (
	"errors"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestLogConfig(t *testing.T) {
	for _, c := range []struct {
		driver      string
		opts        []string
		wantDriver  string
		wantPath    string
		wantMax     int64
		wantTag     string
		wantErrorIs error
	}{
		{driver: "", wantDriver: "k8s-file", wantPath: "/d/ctr.log"},
		{driver: "json-file", opts: []string{"path=/l/c.log", "max-size=10k", "tag=web"}, wantDriver: "json-file", wantPath: "/l/c.log", wantMax: 10000, wantTag: "web"},
		{driver: "none", wantDriver: "none"},
		{driver: "passthrough-tty", wantDriver: "passthrough-tty"},
		{driver: "none", opts: []string{"max-size=1k"}, wantErrorIs: define.ErrInvalidArg},
		{driver: "syslog", wantErrorIs: define.ErrInvalidArg},
		{opts: []string{"max-size=abc"}, wantErrorIs: define.ErrInvalidArg},
		{opts: []string{"nokey"}, wantErrorIs: define.ErrInvalidArg},
		{opts: []string{"max-file=3"}, wantErrorIs: define.ErrInvalidArg},
	} {
		cfg := &define.ContainerConfig{}
		err := logConfig(cfg, c.driver, c.opts, "/d/ctr.log")
		if c.wantErrorIs != nil {
			if !errors.Is(err, c.wantErrorIs) {
				t.Errorf("%q %v: error %v, want %v", c.driver, c.opts, err, c.wantErrorIs)
			}
			continue
		}
		if err != nil || cfg.LogDriver != c.wantDriver || cfg.LogPath != c.wantPath || cfg.IO.LogMaxSize != c.wantMax || cfg.IO.LogTag != c.wantTag {
			t.Errorf("%q %v: %v, driver %q path %q max %d tag %q", c.driver, c.opts, err, cfg.LogDriver, cfg.LogPath, cfg.IO.LogMaxSize, cfg.IO.LogTag)
		}
	}
}
