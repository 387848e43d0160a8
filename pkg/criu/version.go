package criu

import (
	"errors"
	"fmt"
	"os/exec"

	gocriu "github.com/checkpoint-restore/go-criu/v8"

	"github.com/podlite/podlite/libpod/define"
)

// MinVersion is the oldest CRIU podlite works with, in CRIU's integer form
// (4.2.1). Debian 12's 3.17 fails on current kernels, and 4.1.1 cannot dump
// sockets on kernels 6.16 and newer.
const MinVersion = 40201

// binary is the criu podlite runs: the first one in PATH, as go-criu does.
const binary = "criu"

// Version returns the installed CRIU's version in integer form
// (major*10000 + minor*100 + sublevel), as reported by criu's VERSION RPC.
func Version() (int, error) {
	return versionOf(binary)
}

// versionOf asks the criu at path for its version.
func versionOf(path string) (int, error) {
	if _, err := exec.LookPath(path); err != nil {
		return 0, missingError(path, err)
	}
	c := gocriu.MakeCriu()
	c.SetCriuPath(path)
	v, err := c.GetCriuVersion()
	if err != nil {
		// criu is there but does not speak the RPC: too old, or broken.
		return 0, fmt.Errorf("asking %s for its version: %w: %w", path, err, define.ErrNotSupported)
	}
	return v, nil
}

// CheckVersion returns nil when the installed CRIU is at least MinVersion,
// and otherwise an error wrapping define.ErrNotSupported that names the
// installed and the required version.
func CheckVersion() error {
	v, err := Version()
	if err != nil {
		return err
	}
	return checkVersion(v)
}

func checkVersion(v int) error {
	if v < MinVersion {
		return fmt.Errorf("criu %s is installed; podlite needs %s or newer: %w",
			FormatVersion(v), FormatVersion(MinVersion), define.ErrNotSupported)
	}
	return nil
}

// FormatVersion turns CRIU's integer version into the dotted form that
// `criu --version` prints: 40201 is "4.2.1", 40200 is "4.2".
func FormatVersion(v int) string {
	major, minor, sub := v/10000, v/100%100, v%100
	if sub == 0 {
		return fmt.Sprintf("%d.%d", major, minor)
	}
	return fmt.Sprintf("%d.%d.%d", major, minor, sub)
}

// missingError explains that criu could not be found or run.
func missingError(path string, err error) error {
	if errors.Is(err, exec.ErrNotFound) {
		return fmt.Errorf("criu not found in PATH: checkpoint and restore need criu %s or newer (contrib/setup.sh builds it): %w",
			FormatVersion(MinVersion), define.ErrNotSupported)
	}
	return fmt.Errorf("looking for %s: %w: %w", path, err, define.ErrNotSupported)
}
