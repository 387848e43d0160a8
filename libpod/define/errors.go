package define

import (
	"errors"
	"fmt"
)

// Error classes. Every error podlite returns wraps exactly one of these with
// fmt.Errorf("...: %w", ...) and names the object it concerns; callers test
// the class with errors.Is.
var (
	// ErrNotFound: the named container, image, volume or file does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists: an object with that name or ID already exists.
	ErrExists = errors.New("already exists")
	// ErrInvalidArg: the caller's input is malformed or contradictory.
	ErrInvalidArg = errors.New("invalid argument")
	// ErrInvalidState: the object is not in a state that allows the operation.
	ErrInvalidState = errors.New("invalid state")
	// ErrNotSupported: the operation is not supported here (kernel, build, mode).
	ErrNotSupported = errors.New("not supported")
	// ErrUnavailable: a resource or service is busy or unreachable; retrying may help.
	ErrUnavailable = errors.New("unavailable")
)

// ExitCodeError carries an exit code to the CLI, which exits with it: the
// container's own code for `run`, `start -a` and `exec`, or 126/127 when
// the command could not be invoked or was not found (then Err says why).
type ExitCodeError struct {
	Code int
	Err  error
}

func (e *ExitCodeError) Error() string {
	if e.Err != nil {
		return e.Err.Error()
	}
	return fmt.Sprintf("container exited with code %d", e.Code)
}

func (e *ExitCodeError) Unwrap() error { return e.Err }

// podman's wordings of the classes, for the messages scripts match on: each
// is its class for errors.Is but prints podman's words.
var (
	// ErrNoSuchContainer ends "no container with name or ID "x" found".
	ErrNoSuchContainer error = &wording{"no such container", ErrNotFound}
	// ErrNoSuchPod ends "no pod with name or ID x found".
	ErrNoSuchPod error = &wording{"no such pod", ErrNotFound}
	// ErrImageNotKnown ends "NAME: image not known".
	ErrImageNotKnown error = &wording{"image not known", ErrNotFound}
	// ErrImageInUse is ErrInvalidState for an image a container uses.
	ErrImageInUse error = &wording{"image is in use by a container", ErrInvalidState}
	// ErrStateImproper ends "cannot remove container X as it is running...".
	ErrStateImproper error = &wording{"container state improper", ErrInvalidState}
)

type wording struct {
	msg   string
	class error
}

func (w *wording) Error() string { return w.msg }
func (w *wording) Unwrap() error { return w.class }
