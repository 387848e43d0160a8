// Package top renders `podlite top` tables as podman's psgo does: each
// format descriptor (args, capeff, hpid, huser, seccomp, stime…) read from
// the host's /proc for the container's processes, shown as the container
// sees them (its PIDs, its users from its own /etc/passwd and /etc/group),
// under podman's column headers and in podman's value formats.
//
// Descriptors ps(1) knows but podman does not are not handled here: the
// caller falls back to the host's ps in the container's PID namespace when
// Table reports ErrUnknownDescriptor.
package top
