package pods

import (
	"os"
	"os/signal"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// PauseName is the name the podlite binary runs under as an infra
// container's process: MaybePause recognises it in argv[0].
const PauseName = "podlite-pause"

// PausePath is where the infra's rootfs has the podlite binary.
const PausePath = "/" + PauseName

// MaybePause runs the pause process when podlite was started as it, and
// never returns then. As PID 1 of its namespaces it does nothing but wait:
// SIGTERM, SIGINT or SIGHUP end it with status 0, and it reaps the orphans
// that a shared PID namespace gives it.
func MaybePause() bool {
	if filepath.Base(os.Args[0]) != PauseName {
		return false
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGCHLD)
	for sig := range sigs {
		if sig != unix.SIGCHLD {
			os.Exit(0)
		}
		for {
			var ws unix.WaitStatus
			if pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
	return true
}
