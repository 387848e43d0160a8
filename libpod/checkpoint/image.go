package checkpoint

import (
	"strconv"

	"github.com/podlite/podlite/pkg/criu"
)

// Checkpoint images
//
// `checkpoint --create-image NAME` stores a checkpoint as a local OCI image
// that can be pushed and pulled like any other: one uncompressed layer
// whose files are the members of an `--export` archive, at the layer root
// and in the archive's order (podlite.manifest first, so that the layer's
// tar is itself a valid archive), no command, and podman's annotations on
// the manifest. `restore NAME`, when NAME is no container, restores from
// such an image: its layer goes to a temporary archive, which then takes
// the `restore --import` path.
//
// The annotation keys are podman's (libpod/define/annotations.go there),
// so that tools which read podman's checkpoint images read these too. The
// values describe podlite: podman.version holds "podlite VERSION" and
// runtime.name "podlite", since the runtime is libcontainer inside podlite
// and the image restores only where podlite's config.dump is understood.
const (
	AnnotationCheckpointName  = "io.podman.annotations.checkpoint.name"
	AnnotationRawImageName    = "io.podman.annotations.checkpoint.rawImageName"
	AnnotationRootfsImageID   = "io.podman.annotations.checkpoint.rootfsImageID"
	AnnotationRootfsImageName = "io.podman.annotations.checkpoint.rootfsImageName"
	AnnotationEngineVersion   = "io.podman.annotations.checkpoint.podman.version"
	AnnotationCRIUVersion     = "io.podman.annotations.checkpoint.criu.version"
	AnnotationRuntimeName     = "io.podman.annotations.checkpoint.runtime.name"
	AnnotationRuntimeVersion  = "io.podman.annotations.checkpoint.runtime.version"
	AnnotationHostArch        = "io.podman.annotations.checkpoint.host.arch"
	AnnotationHostKernel      = "io.podman.annotations.checkpoint.host.kernel"
	AnnotationCgroupVersion   = "io.podman.annotations.checkpoint.cgroups.version"
)

// ImageInfo is what a checkpoint image's annotations record: the
// container, its image, podlite's version (EngineVersion, "" when unknown),
// the linked libcontainer's (RuntimeVersion) and the checkpointing host.
type ImageInfo struct {
	Name, RawImageName, RootfsImageID, RootfsImageName string
	EngineVersion, RuntimeVersion                      string
	Host                                               criu.Manifest
}

// ImageAnnotations are the annotations of a checkpoint image; empty
// values are left out.
func ImageAnnotations(i ImageInfo) map[string]string {
	a := map[string]string{
		AnnotationCheckpointName:  i.Name,
		AnnotationRawImageName:    i.RawImageName,
		AnnotationRootfsImageID:   i.RootfsImageID,
		AnnotationRootfsImageName: i.RootfsImageName,
		AnnotationRuntimeName:     "podlite",
		AnnotationRuntimeVersion:  i.RuntimeVersion,
		AnnotationHostArch:        i.Host.Arch,
		AnnotationHostKernel:      i.Host.Kernel,
		AnnotationCgroupVersion:   i.Host.CgroupVersion,
	}
	if i.EngineVersion != "" {
		a[AnnotationEngineVersion] = "podlite " + i.EngineVersion
	}
	if i.Host.CRIUVersion > 0 {
		a[AnnotationCRIUVersion] = strconv.Itoa(i.Host.CRIUVersion)
	}
	for k, v := range a {
		if v == "" {
			delete(a, k)
		}
	}
	return a
}
