// Package storage is podlite's image and container-rootfs store. It is the
// only package that imports containers/storage (go.podman.io/storage) and
// containers/image (go.podman.io/image/v5); the rest of podlite sees plain
// types: Image, ImageConfig, ImageInspect and storage IDs.
//
// # Layout
//
// One Store wraps one containers/storage store under Options.Root (layers,
// images, container rootfs) and Options.RunRoot (mount counts). The graph
// driver is overlay, or vfs where overlay cannot mount; a store keeps the
// driver it was created with. The blob-info cache lives in Root/cache.
//
// # Names
//
// Stored names are full and tagged: "docker.io/library/busybox:latest",
// "localhost/app:1". Image resolves what users type: a short name
// ("busybox") means its localhost/ or docker.io/ spelling, whichever
// exists, then any single image whose name ends in it; a name without tag
// or digest means :latest; IDs may be given whole or as a unique prefix.
// Names created locally (tag, import) go under localhost/; pulls of a short
// name go to docker.io, as podman does without a registries.conf.
//
// # Transports
//
// transport.go parses references and holds the signature policy (the
// containers policy.json when present, else accept anything); pull.go
// copies to and from registries and the oci:, oci-archive:,
// docker-archive: and dir: transports; archive.go loads and saves
// multi-image docker-archive and oci-archive files; import.go makes an
// image from a rootfs tarball, with Dockerfile-style changes (change.go);
// layer_image.go makes a one-layer image that carries data (checkpoint
// images) and reads its layer back as the very tar it was made from.
//
// # Containers
//
// A container's rootfs is a storage container whose ID is the podlite
// container ID, layered on its image (container.go). Mounts are counted by
// containers/storage across processes; Shutdown never unmounts.
//
// Every error wraps a libpod/define class and names the image or
// container it concerns.
package storage
