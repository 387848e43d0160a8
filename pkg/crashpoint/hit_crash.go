//go:build crashpoint

package crashpoint

import (
	"os"
	"syscall"
)

// Enabled is true in builds that can crash at a point.
const Enabled = true

var target = os.Getenv(EnvVar)

// Hit kills this process with SIGKILL when name is the point the
// environment asks for: no deferred cleanup runs, as in a real crash.
func Hit(name string) {
	if target == name {
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
}
