package storage

import "go.podman.io/storage/pkg/reexec"

// ReexecInit runs a containers/storage helper when this process was
// re-executed as one (it unpacks layers in a chroot that way) and reports
// whether it did; main calls it before anything else.
func ReexecInit() bool { return reexec.Init() }
