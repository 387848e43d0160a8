// Command podlite is a daemon-less pod and container manager.
package main

import (
	"os"
	"path/filepath"

	"github.com/podlite/podlite/cmd/podlite/cli"
	"github.com/podlite/podlite/cmd/podlite/generate"
	"github.com/podlite/podlite/libpod"
	"github.com/podlite/podlite/libpod/pods"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/rootless"
)

func main() {
	// Re-exec entry points run before anything else: libcontainer's
	// container init, a pod infra's pause process and containers/storage's
	// helpers; inside a user's namespace, podlite named criu is the shim
	// through which libcontainer reaches CRIU.
	rootless.MaybeCRIUShim()
	if maybeContainerInit() || pods.MaybePause() {
		return
	}
	if libpod.MaybeStartCommand() || storage.ReexecInit() {
		return
	}
	// Named podlite-system-generator or podlite-user-generator (a symlink
	// systemd runs as a generator), podlite is `systemd generate`.
	if user, ok := generate.GeneratorNames[filepath.Base(os.Args[0])]; ok {
		os.Exit(cli.Execute(generate.GeneratorArgs(user, os.Args[1:])))
	}
	os.Exit(cli.Execute(os.Args[1:]))
}
