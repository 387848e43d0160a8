package rootless

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"

	"github.com/podlite/podlite/libpod/define"
)

// Unshare runs argv (the user's $SHELL, else /bin/sh, when empty) in the
// rootless namespace this process has joined, with env added to podlite's
// environment, and returns its exit status as a define.ExitCodeError (nil
// for 0). The command gets podlite's stdio; 127 and 126 say it could not
// be found or run, as a shell says.
func Unshare(argv, env []string) error {
	if !InNamespace() {
		return fmt.Errorf("please use unshare with rootless: %w", define.ErrInvalidArg)
	}
	if len(argv) == 0 {
		shell := os.Getenv("SHELL")
		if shell == "" {
			shell = "/bin/sh"
		}
		argv = []string{shell}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return &define.ExitCodeError{Code: 128 + int(ws.Signal())}
		}
		return &define.ExitCodeError{Code: exit.ExitCode()}
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist):
		return &define.ExitCodeError{Code: define.ExitNotFound, Err: fmt.Errorf("unshare: %w", err)}
	default:
		return &define.ExitCodeError{Code: define.ExitCannotInvoke, Err: fmt.Errorf("unshare: %w", err)}
	}
}
