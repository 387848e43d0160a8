package criu

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podlite/podlite/libpod/define"
)

func TestCheckVersion(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version int
		wantErr error
	}{
		{"debian 12", 31701, define.ErrNotSupported},
		{"4.1.1", 40101, define.ErrNotSupported},
		{"minimum", MinVersion, nil},
		{"newer", 50000, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := checkVersion(tc.version); !errors.Is(err, tc.wantErr) {
				t.Fatalf("checkVersion(%d) = %v, want %v", tc.version, err, tc.wantErr)
			}
		})
	}
}

// The message is the user's only hint at what to install, so it must name
// both versions.
func TestCheckVersionNamesBothVersions(t *testing.T) {
	err := checkVersion(31701)
	for _, v := range []string{"criu 3.17.1 is installed", "4.2.1 or newer"} {
		if err == nil || !strings.Contains(err.Error(), v) {
			t.Errorf("checkVersion(31701) = %v, want it to say %q", err, v)
		}
	}
}

func TestVersionMissingCriu(t *testing.T) {
	for name, path := range map[string]string{
		"not in PATH":  "podlite-test-no-such-criu",
		"missing file": filepath.Join(t.TempDir(), "criu"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := versionOf(path); !errors.Is(err, define.ErrNotSupported) {
				t.Fatalf("versionOf(%q) = %v, want ErrNotSupported", path, err)
			}
		})
	}
}

// A criu that does not speak the RPC (very old, or not criu at all) is
// not supported rather than an internal error.
func TestVersionNoRPC(t *testing.T) {
	path := fakeCriu(t, "exit 1")
	if _, err := versionOf(path); !errors.Is(err, define.ErrNotSupported) {
		t.Fatalf("versionOf(fake) = %v, want ErrNotSupported", err)
	}
}

// fakeCriu writes a shell script standing in for criu and returns its
// path; body sees criu's arguments as $1, $2, ...
func fakeCriu(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "criu")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
