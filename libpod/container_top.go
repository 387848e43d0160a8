package libpod

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/top"
)

// Top lists the container's processes as podman's top does. With podman's
// format descriptors (or none) it returns a table: a header row, then one
// row per process. With anything else, ps(1)'s own options or keywords,
// it runs the host's ps in the container's PID namespace, as podman falls
// back to, and returns ps's lines, each as a one-column row.
func (c *Container) Top(descriptors []string) ([][]string, error) {
	var pids []int
	var initPID int
	err := c.withLock(func() error {
		if c.state.Status != define.StatusRunning {
			return define.Worded(define.ErrInvalidState, "top can only be used on running containers")
		}
		var err error
		initPID = c.state.PID
		pids, err = c.rt.oci().Processes(c.config.ID)
		if err != nil {
			return fmt.Errorf("listing the processes of %s: %w", c.config.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if top.Known(descriptors) {
		rows, err := top.Table(pids, descriptors, "/proc/"+strconv.Itoa(initPID)+"/root")
		if err != nil {
			return nil, fmt.Errorf("top of %s: %w", c.config.Name, err)
		}
		return rows, nil
	}
	return c.topPS(initPID, descriptors)
}

// topPS runs the host's ps with args in the container's PID namespace,
// over a /proc of that namespace mounted in a mount namespace of its own,
// and drops ps's own line as podman does (lines holding the arguments).
func (c *Container) topPS(initPID int, args []string) ([][]string, error) {
	psArgs := args
	if len(args) == 1 { // one argument is split into words, as podman splits it
		psArgs = strings.Fields(args[0])
	}
	// A container that may trace processes could take over the host's ps
	// running in its PID namespace: podman runs the container's own ps then.
	ptrace, err := top.CanPtrace(initPID)
	if err != nil {
		return nil, fmt.Errorf("top of %s: %w", c.config.Name, err)
	}
	if ptrace {
		out, err := c.containerPS(psArgs)
		if err != nil {
			return nil, err
		}
		return dropPSLine(out, args), nil
	}
	cmd := exec.Command("nsenter", append([]string{"--target", strconv.Itoa(initPID), "--pid", "--",
		"unshare", "--mount", "--mount-proc", "--propagation", "private", "ps"}, psArgs...)...)
	// Nothing of podlite's environment reaches a program in the container.
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			// ps follows its error with a usage text: its first line says it.
			first, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
			return nil, fmt.Errorf("ps(1) failed with exit code %d: %s: %w", exitErr.ExitCode(), first, define.ErrInvalidArg)
		}
		return nil, fmt.Errorf("executing ps(1) for %s: %w: %w", c.config.Name, err, define.ErrUnavailable)
	}
	return dropPSLine(out, args), nil
}

// dropPSLine splits ps's output into one-column rows without ps's own
// line: the lines holding the arguments, podman's rule.
func dropPSLine(out []byte, args []string) [][]string {
	self := strings.Join(args, " ")
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if !strings.Contains(line, self) {
			rows = append(rows, []string{line})
		}
	}
	return rows
}

// containerPS runs the container's own ps with args as an exec does, as
// podman does for a container that may trace processes. Its failures,
// ps missing included, are top's own (exit 125), worded as podman's.
func (c *Container) containerPS(args []string) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	code, err := c.Exec(context.Background(), ExecOptions{Cmd: append([]string{"ps"}, args...)}, Streams{Stdout: &stdout, Stderr: &stderr})
	if err != nil {
		var ec *define.ExitCodeError
		if errors.As(err, &ec) {
			err = ec.Err
		}
		return nil, fmt.Errorf("executing ps(1) in container: %w", err)
	}
	if code != 0 {
		return nil, fmt.Errorf("executing ps(1) in container: runtime failed with exit status: %d and output: %s: %w",
			code, strings.TrimSpace(stderr.String()), define.ErrInvalidArg)
	}
	return stdout.Bytes(), nil
}
