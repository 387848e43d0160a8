// Package spec generates a container's OCI runtime spec from the image's
// config and the user's options, with podman's security defaults, using
// runtime-tools' generator. Generate runs at create time; Finalize fills in
// what only the mounted rootfs knows (user IDs, HOME) at each start.
package spec
