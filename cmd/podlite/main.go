// Command podlite is a daemon-less pod and container manager.
package main

import (
	"os"

	"go.podman.io/storage/pkg/reexec"

	"github.com/podlite/podlite/cmd/podlite/cli"
	"github.com/podlite/podlite/libpod"
)

func main() {
	// Re-exec entry points run before anything else: libcontainer's
	// container init and containers/storage's helpers.
	if maybeContainerInit() {
		return
	}
	if libpod.MaybeStartCommand() || reexec.Init() {
		return
	}
	os.Exit(cli.Execute(os.Args[1:]))
}
