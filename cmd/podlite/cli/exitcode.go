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

// exitRule turns a command's failures into its exit status.
type exitRule func(errs []error) int

// anyClass is podman's rule for containers: the first class, in order,
// that any failure has gives the status (a missing container's 1 wins over
// a running one's 2), whatever else failed; none of them gives 125.
func anyClass(codes ...classCode) exitRule {
	return func(errs []error) int {
		for _, cc := range codes {
			for _, err := range errs {
				if errors.Is(err, cc.class) {
					return cc.code
				}
			}
		}
		return define.ExitEngine
	}
}

// rmiExit is podman's rule for rmi: an image in use gives 2 whatever else
// failed; missing images give 1 only when nothing else failed.
func rmiExit(errs []error) int {
	missingOnly := true
	for _, err := range errs {
		if errors.Is(err, define.ErrImageInUse) {
			return 2
		}
		missingOnly = missingOnly && errors.Is(err, define.ErrNotFound)
	}
	if missingOnly {
		return 1
	}
	return define.ExitEngine
}

// objectExitRules are podman's documented statuses of the commands over
// containers and images (podman-rm(1), podman-rmi(1), podman-stop(1),
// podman-kill(1), podman-volume-rm(1), podman-pod-rm(1)): 1 when an object did not exist, 2
// when a container was running (rm), an image (rmi) or a volume (volume
// rm) in use. Keyed by command path without
// "podlite ".
var objectExitRules = func() map[string]exitRule {
	rm := anyClass(classCode{define.ErrNotFound, 1}, classCode{define.ErrInvalidState, 2})
	missing := anyClass(classCode{define.ErrNotFound, 1})
	return map[string]exitRule{
		"rm": rm, "container rm": rm,
		"rmi": rmiExit, "image rm": rmiExit,
		"stop": missing, "container stop": missing,
		"kill": missing, "container kill": missing,
		"volume rm": rm, "pod rm": rm,
	}
}()

// exitCode maps an error returned by command path to podlite's exit
// status. A container's own exit code passes through; an unknown
// --log-level is 1, as podman's; a command of objectExitRules gets its
// rule's status; every other failure is an engine error (125).
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
	rule := objectExitRules[strings.TrimPrefix(path, "podlite ")]
	if rule == nil {
		return define.ExitEngine
	}
	errs := []error{err}
	var each *common.EachError
	if errors.As(err, &each) {
		errs = each.Errs
	}
	return rule(errs)
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
