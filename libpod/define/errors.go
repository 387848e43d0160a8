package define

import "errors"

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

// ExitCodeError carries the exit code of a container's process to the CLI,
// which exits with it (podman's `run`, `start -a`, `exec` behaviour).
type ExitCodeError struct {
	Code int
}

func (e *ExitCodeError) Error() string { return "container exited with a non-zero code" }
