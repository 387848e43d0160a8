package libpod

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// DefaultTopDescriptors are the ps columns `top` shows by default.
var DefaultTopDescriptors = []string{"user", "pid", "ppid", "pcpu", "etime", "tty", "time", "args"}

// topAliases maps podman's AIX-style descriptors to ps(1) keywords.
var topAliases = map[string]string{
	"%cpu": "pcpu", "%mem": "pmem", "etime": "etime", "elapsed": "etime", "command": "args",
	"comm": "comm", "args": "args", "group": "group", "nice": "nice", "pgid": "pgid",
	"pid": "pid", "ppid": "ppid", "rgroup": "rgroup", "ruser": "ruser", "time": "time",
	"tty": "tty", "user": "user", "vsz": "vsz", "pcpu": "pcpu", "pmem": "pmem",
}

// topHeaders are podman's column titles for each ps keyword.
var topHeaders = map[string]string{
	"pcpu": "%CPU", "pmem": "%MEM", "etime": "ELAPSED", "args": "COMMAND", "comm": "COMMAND",
	"group": "GROUP", "nice": "NI", "pgid": "PGID", "pid": "PID", "ppid": "PPID", "rgroup": "RGROUP",
	"ruser": "RUSER", "time": "TIME", "tty": "TTY", "user": "USER", "vsz": "VSZ",
}

// Top runs the host's ps over the container's processes and returns its
// table: a header row, then one row per process. descriptors are ps
// columns (podman's names or ps keywords); empty means the defaults. The
// last column may contain spaces.
func (c *Container) Top(descriptors []string) ([][]string, error) {
	var pids []int
	err := c.withLock(func() error {
		if c.state.Status != define.StatusRunning {
			return fmt.Errorf("top of container %s: it is %s, not running: %w", c.config.Name, c.state.Status, define.ErrInvalidState)
		}
		var err error
		pids, err = c.rt.oci().Processes(c.config.ID)
		if err != nil {
			return fmt.Errorf("listing the processes of %s: %w", c.config.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(descriptors) == 0 {
		descriptors = DefaultTopDescriptors
	}
	cols, header := make([]string, 0, len(descriptors)), make([]string, 0, len(descriptors))
	for _, d := range descriptors {
		for _, part := range strings.Split(d, ",") {
			if part == "" {
				continue
			}
			k, ok := topAliases[strings.ToLower(part)]
			if !ok {
				return nil, fmt.Errorf("unknown top descriptor %q: %w", part, define.ErrInvalidArg)
			}
			cols, header = append(cols, k+"="), append(header, topHeaders[k])
		}
	}
	if len(pids) == 0 {
		return [][]string{header}, nil
	}
	ids := make([]string, len(pids))
	for i, p := range pids {
		ids[i] = strconv.Itoa(p)
	}
	args := []string{"-o", strings.Join(cols, ","), "-p", strings.Join(ids, ",")}
	var stderr bytes.Buffer
	cmd := exec.Command("ps", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	// ps exits 1 when a PID vanished meanwhile; its output is still good.
	if err != nil && !(errors.As(err, &exitErr) && len(out) > 0) {
		return nil, fmt.Errorf("running ps for %s: %v: %s: %w", c.config.Name, err, strings.TrimSpace(stderr.String()), define.ErrUnavailable)
	}
	return append([][]string{header}, splitPS(string(out), len(cols))...), nil
}

// splitPS splits ps output into n columns, the last taking the rest.
func splitPS(out string, n int) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) > n {
			f = append(f[:n-1], strings.Join(f[n-1:], " "))
		}
		rows = append(rows, f)
	}
	return rows
}
