// Package checkpoint holds the pure metadata formats of podlite's
// checkpoints, apart from the archive container itself (pkg/criu):
//
//   - config.dump (ConfigDump) and spec.dump (SpecDump) as podlite writes
//     them, and DecodeConfig / DecodeNetworkStatus to read either
//     podlite's or podman's back;
//   - podman's config and network names and their conversion to podlite's
//     (FromPodman, RenamePodmanNetworks, AdoptPodmanSpec), and moving a
//     podlite config's paths to another host (Retarget);
//   - the annotation keys and values of checkpoint images
//     (ImageAnnotations; see "Checkpoint images" in image.go).
//
// Nothing here touches the system: libpod reads and writes the files,
// takes the locks and calls CRIU through libpod/oci.
package checkpoint
