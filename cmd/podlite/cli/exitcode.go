package cli

import (
	"errors"
	"strings"

	"github.com/podlite/podlite/cmd/podlite/common"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/pkg/logging"
)

// classCode is the exit status of a command failing with an error class.
type classCode struct {
	class error
	code  int
}

// objectExitCodes are podman's documented statuses of the commands over
// containers and images (podman-rm(1), podman-rmi(1), podman-stop(1),
// podman-kill(1)): 1 when an object did not exist, 2 when a container was
// running (rm) or an image in use (rmi), each only when every failure of
// the command was such. Keyed by command path without "podlite ".
var objectExitCodes = map[string][]classCode{
	"rm":             {{define.ErrNotFound, 1}, {define.ErrInvalidState, 2}},
	"container rm":   {{define.ErrNotFound, 1}, {define.ErrInvalidState, 2}},
	"rmi":            {{define.ErrNotFound, 1}, {define.ErrImageInUse, 2}},
	"image rm":       {{define.ErrNotFound, 1}, {define.ErrImageInUse, 2}},
	"stop":           {{define.ErrNotFound, 1}},
	"container stop": {{define.ErrNotFound, 1}},
	"kill":           {{define.ErrNotFound, 1}},
	"container kill": {{define.ErrNotFound, 1}},
}

// exitCode maps an error returned by command path to podlite's exit
// status. A container's own exit code passes through; an unknown
// --log-level is 1, as podman's; a command of
// objectExitCodes failing only with its classes exits with the code of the
// last failure, as podman; every other failure is an engine error (125).
func exitCode(path string, err error) int {
	if err == nil {
		return 0
	}
	var ec *define.ExitCodeError
	if errors.As(err, &ec) {
		return ec.Code
	}
	var le *logging.LevelError
	if errors.As(err, &le) {
		return 1 // podman's status for an unknown --log-level
	}
	codes := objectExitCodes[strings.TrimPrefix(path, "podlite ")]
	if codes == nil {
		return define.ExitEngine
	}
	errs := []error{err}
	var each *common.EachError
	if errors.As(err, &each) {
		errs = each.Errs
	}
	code := define.ExitEngine
	for _, e := range errs {
		if code = classExitCode(codes, e); code == define.ExitEngine {
			return code
		}
	}
	return code
}

func classExitCode(codes []classCode, err error) int {
	for _, cc := range codes {
		if errors.Is(err, cc.class) {
			return cc.code
		}
	}
	return define.ExitEngine
}

// errorLine is how the error is printed on stderr: "Error: " and the
// message, or podman's bare message for an unknown --log-level.
func errorLine(err error) string {
	var le *logging.LevelError
	if errors.As(err, &le) {
		return le.Error()
	}
	return "Error: " + err.Error()
}
