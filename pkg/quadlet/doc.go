// Package quadlet turns Quadlet files (.container, .network, .volume),
// podman's declarative unit files, into systemd .service units that run
// podlite, as podman's quadlet generator does, with podman's key names.
//
// Files are systemd unit files (parsed with go-systemd's unit package)
// with drop-ins NAME.TYPE.d/*.conf, found in the search directories of a
// system or a user manager (UnitDirs). A container's unit is the unit
// `generate systemd --new` writes (pkg/systemd) for the `podlite run`
// command line its keys make; a network's or volume's unit is a oneshot
// that creates it with --ignore, which the containers using it require.
// The [Unit], [Service] and [Install] sections pass through unchanged.
// Unknown keys are warnings naming the file and line; the unit is still
// written.
package quadlet
