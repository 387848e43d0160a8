package e2e

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/podlite/podlite/pkg/crashpoint"
)

// crashBinary is the podlite built with crash points armed
// ($PODLITE_CRASH_BINARY, `make build-crash`). The crash tests fail
// without it: a missing binary must not pass for crash safety.
func (e *Env) crashBinary() string {
	e.T.Helper()
	bin := os.Getenv("PODLITE_CRASH_BINARY")
	if bin == "" {
		e.T.Fatal("PODLITE_CRASH_BINARY is not set: build bin/podlite-crash (make build-crash) and point it there")
	}
	if _, err := os.Stat(bin); err != nil {
		e.T.Fatalf("PODLITE_CRASH_BINARY: %v (make build-crash)", err)
	}
	return bin
}

// CrashAt runs one podlite command with the crash binary armed at point
// and fails the test unless the command died of SIGKILL, which only the
// crash point sends: an error exit or a success means the point was not
// reached. Processes the command starts inherit the arming (see package
// crashpoint).
func (e *Env) CrashAt(point string, args ...string) {
	e.T.Helper()
	if crashpoint.Verb(point) == "" {
		e.T.Fatalf("unknown crash point %q", point)
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.crashBinary(), e.args(args)...)
	cmd.Env = append(os.Environ(), crashpoint.EnvVar+"="+point)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		e.T.Fatalf("podlite %s armed at %s did not crash (err %v)\n%s", strings.Join(args, " "), point, err, out.String())
	}
	ws, ok := exitErr.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL || ctx.Err() != nil {
		e.T.Fatalf("podlite %s armed at %s: want death by SIGKILL at the point, got %v\n%s", strings.Join(args, " "), point, err, out.String())
	}
}

// ArmedCommand runs podlite with the crash binary armed at point like
// CrashAt, for a command that is expected to succeed itself while a
// process it starts (the supervisor's cleanup) reaches the point later.
func (e *Env) ArmedCommand(point string, args ...string) *Result {
	e.T.Helper()
	cmd := exec.Command(e.crashBinary(), e.args(args)...)
	cmd.Env = append(os.Environ(), crashpoint.EnvVar+"="+point)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := &Result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		r.ExitCode = exitErr.ExitCode()
	} else if err != nil {
		e.T.Fatalf("running the crash binary: %v", err)
	}
	return r
}
