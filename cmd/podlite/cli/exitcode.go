package cli

import (
	"errors"

	"github.com/podlite/podlite/libpod/define"
)

// exitCode maps an error returned by a command to podlite's exit status.
// A container's own exit code passes through; every other failure is an
// engine error (125), as in podman.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ec *define.ExitCodeError
	if errors.As(err, &ec) {
		return ec.Code
	}
	return define.ExitEngine
}
