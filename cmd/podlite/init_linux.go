package main

import (
	"os"

	"github.com/podlite/podlite/libpod/oci"
)

// maybeContainerInit runs libcontainer's init when this process was
// re-executed as a container's init ("podlite init" with the init pipe in
// the environment). A user-facing "podlite init CTR" has no init pipe, so it
// stays free for a command of that name.
func maybeContainerInit() bool {
	if len(os.Args) < 2 || os.Args[1] != "init" || os.Getenv("_LIBCONTAINER_INITPIPE") == "" {
		return false
	}
	oci.Init() // does not return
	return true
}
