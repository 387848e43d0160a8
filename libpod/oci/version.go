package oci

import "runtime/debug"

// Version names the libcontainer podlite is built with ("libcontainer
// v1.5.2"), or "" when the build does not say.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == "github.com/opencontainers/runc" {
			return "libcontainer " + m.Version
		}
	}
	return ""
}
