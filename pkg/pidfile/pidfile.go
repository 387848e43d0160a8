// Package pidfile reads the PID files podlite and the daemons it starts
// leave behind (a container's pid, the rootless pause process, pasta,
// slirp4netns, criu lazy-pages): one decimal number, maybe a newline.
package pidfile

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// Read returns the positive PID written in path; anything else in it is
// define.ErrInvalidState.
func Read(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s holds %q: %w", path, b, define.ErrInvalidState)
	}
	return pid, nil
}
