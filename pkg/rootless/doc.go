// Package rootless runs podlite as an ordinary user, in podman's way: the
// first command a user runs creates a user namespace (with a mount
// namespace) in which the user is root and the user's subordinate IDs
// from /etc/subuid and /etc/subgid are 1 and up, and a pause process that
// holds both; every podlite command the user runs then joins them, so all
// of them see the same IDs and the same mounts (overlay layers mounted by
// one command are there for the next).
//
// Layout of the mapping (podman's): ID 0 in the namespace is the user's own
// ID, IDs 1..N are the user's subordinate range(s) in file order. Without a
// range the namespace maps the user alone, with podman's warning.
//
// The pause process's PID is in RUNROOT/pause.pid (written atomically once
// the ID maps are in place, under the lock RUNROOT/pause.lock); its command
// line is "podlite rootless-pause RUNROOT", which is how a PID that was
// reused by another process is told apart. Each runroot has its own
// namespace.
//
// Joining happens before the Go runtime starts: a C constructor
// (rootless.c) setns(2)es into the pause process's namespaces when the
// process was re-executed with _PODLITE_USERNS_JOIN=PID. Inside, the
// process runs with EUID 0, so IsRootless and UID read the variables set
// for the re-executed process (_PODLITE_ROOTLESS_UID, and podman's
// _CONTAINERS_USERNS_CONFIGURED and _CONTAINERS_ROOTLESS_UID, which
// containers/storage reads).
package rootless
