package rootless

// #cgo CFLAGS: -Wall -std=gnu11
import "C"

import (
	"os"
	"strconv"

	"github.com/moby/sys/userns"
)

// Variables the re-executed process inside the namespace is given.
const (
	envUID = "_PODLITE_ROOTLESS_UID"
	envGID = "_PODLITE_ROOTLESS_GID"
	// containers/storage (and podman) read these two.
	envStorageConfigured = "_CONTAINERS_USERNS_CONFIGURED"
	envStorageUID        = "_CONTAINERS_ROOTLESS_UID"
	envStorageGID        = "_CONTAINERS_ROOTLESS_GID"
	// Read by rootless.c's constructor only.
	envJoin  = "_PODLITE_USERNS_JOIN"
	envPause = "_PODLITE_PAUSE"
)

// IsRootless reports whether podlite runs for an ordinary user: with a
// non-zero EUID, or inside the user namespace it made for one.
func IsRootless() bool {
	return os.Geteuid() != 0 || InNamespace()
}

// InNamespace reports whether this process runs inside a rootless user
// namespace podlite set up (EUID 0 there, but not the host's root).
func InNamespace() bool {
	return os.Getenv(envUID) != "" && userns.RunningInUserNS()
}

// UID is the user's ID on the host: the EUID outside the namespace, the
// ID the namespace's root maps to inside it.
func UID() int {
	return hostID(envUID, os.Geteuid())
}

// GID is the user's primary group on the host, as UID.
func GID() int {
	return hostID(envGID, os.Getegid())
}

func hostID(env string, own int) int {
	if !InNamespace() {
		return own
	}
	id, err := strconv.Atoi(os.Getenv(env))
	if err != nil {
		return own
	}
	return id
}
