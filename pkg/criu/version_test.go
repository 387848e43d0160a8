package criu_test

import (
	"errors"
	"os/exec"
	"testing"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/criu"
)

func TestFormatVersion(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want string
	}{
		{criu.MinVersion, "4.2.1"},
		{40200, "4.2"},
		{31701, "3.17.1"},
		{31700, "3.17"},
		{40110, "4.1.10"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := criu.FormatVersion(tc.in); got != tc.want {
				t.Errorf("FormatVersion(%d) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// requireCriu fails tests that need a criu binary where there is none:
// contrib/setup.sh installs it, so CI always has one.
func requireCriu(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("criu"); err != nil {
		t.Fatal("criu is not installed: contrib/setup.sh installs it (CRIU 4.2.1 built from source)")
	}
}

func TestVersionInstalled(t *testing.T) {
	requireCriu(t)
	v, err := criu.Version()
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	if v < 10000 {
		t.Fatalf("Version = %d, want CRIU's integer form (>= 10000)", v)
	}
	err = criu.CheckVersion()
	switch {
	case v >= criu.MinVersion && err != nil:
		t.Errorf("CheckVersion with criu %s: %v", criu.FormatVersion(v), err)
	case v < criu.MinVersion && !errors.Is(err, define.ErrNotSupported):
		t.Errorf("CheckVersion with criu %s = %v, want ErrNotSupported", criu.FormatVersion(v), err)
	}
}
