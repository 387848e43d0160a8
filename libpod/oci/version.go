package oci

import "runtime/debug"

// Version names the libcontainer podlite is built with, as info's
// ociRuntime.version shows it ("libcontainer v1.5.2").
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "libcontainer (unknown version)"
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/opencontainers/runc" {
			return "libcontainer " + m.Version
		}
	}
	return "libcontainer (unknown version)"
}
