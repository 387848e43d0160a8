package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"

	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/storage"
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
	annotationCheckpointName  = "io.podman.annotations.checkpoint.name"
	annotationRawImageName    = "io.podman.annotations.checkpoint.rawImageName"
	annotationRootfsImageID   = "io.podman.annotations.checkpoint.rootfsImageID"
	annotationRootfsImageName = "io.podman.annotations.checkpoint.rootfsImageName"
	annotationEngineVersion   = "io.podman.annotations.checkpoint.podman.version"
	annotationCRIUVersion     = "io.podman.annotations.checkpoint.criu.version"
	annotationRuntimeName     = "io.podman.annotations.checkpoint.runtime.name"
	annotationRuntimeVersion  = "io.podman.annotations.checkpoint.runtime.version"
	annotationHostArch        = "io.podman.annotations.checkpoint.host.arch"
	annotationHostKernel      = "io.podman.annotations.checkpoint.host.kernel"
	annotationCgroupVersion   = "io.podman.annotations.checkpoint.cgroups.version"
)

// checkpointImageTemp prefixes the temporary archives of checkpoint images
// in ROOT/tmp.
const checkpointImageTemp = "checkpoint-image-"

// checkImageNameFree fails, before anything is dumped, when
// --create-image names an image that exists.
func (r *Runtime) checkImageNameFree(name string) error {
	store, err := r.Storage()
	if err != nil {
		return err
	}
	if _, err := store.FreeImageName(name); err != nil {
		return fmt.Errorf("checkpoint image: %w", err)
	}
	return nil
}

// createCheckpointImageLocked stores the checkpoint just taken as the
// image opts.CreateImage (see "Checkpoint images" above).
func (c *Container) createCheckpointImageLocked(ctx context.Context, opts CheckpointOptions) error {
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	layer, err := c.rt.tempFile(checkpointImageTemp)
	if err != nil {
		return err
	}
	defer os.Remove(layer)
	if err := c.exportCheckpointLocked(layer, criu.CompressionNone, opts.IgnoreRootfs, opts.IgnoreVolumes); err != nil {
		return err
	}
	_, err = store.CreateLayerImage(ctx, layer, storage.LayerImageOptions{
		Name:        opts.CreateImage,
		Annotations: c.checkpointAnnotations(opts.EngineVersion),
		Comment:     "podlite checkpoint of container " + c.config.Name,
	})
	if err != nil {
		return fmt.Errorf("storing the checkpoint of %s as an image: %w", c.config.Name, err)
	}
	return nil
}

// checkpointAnnotations describe the container and this host on a
// checkpoint image; empty values are left out.
func (c *Container) checkpointAnnotations(engineVersion string) map[string]string {
	var host criu.Manifest
	hostManifest(&host)
	rootfsImageName := c.imageFullName()
	a := map[string]string{
		annotationCheckpointName:  c.config.Name,
		annotationRawImageName:    c.config.ImageName,
		annotationRootfsImageID:   c.config.ImageID,
		annotationRootfsImageName: rootfsImageName,
		annotationRuntimeName:     "podlite",
		annotationRuntimeVersion:  libcontainerVersion(),
		annotationHostArch:        host.Arch,
		annotationHostKernel:      host.Kernel,
		annotationCgroupVersion:   host.CgroupVersion,
	}
	if engineVersion != "" {
		a[annotationEngineVersion] = "podlite " + engineVersion
	}
	if host.CRIUVersion > 0 {
		a[annotationCRIUVersion] = strconv.Itoa(host.CRIUVersion)
	}
	for k, v := range a {
		if v == "" {
			delete(a, k)
		}
	}
	return a
}

// libcontainerVersion is the version of the libcontainer linked into
// podlite ("libcontainer v1.5.2"), or "" when the build does not say.
func libcontainerVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == "github.com/opencontainers/runc" {
			return "libcontainer " + m.Version
		}
	}
	return ""
}

// CheckpointImageArchive writes the checkpoint that the local image
// nameOrID holds (made by checkpoint --create-image, perhaps pushed and
// pulled since) to a temporary archive under the root and returns its
// path, for CheckImport and ImportCheckpoint; the caller removes it. An
// image without the checkpoint annotation is refused with an error
// wrapping define.ErrInvalidArg, a missing one with define.ErrNotFound.
func (r *Runtime) CheckpointImageArchive(ctx context.Context, nameOrID string) (_ string, retErr error) {
	store, err := r.Storage()
	if err != nil {
		return "", err
	}
	img, err := store.Inspect(ctx, nameOrID)
	if err != nil {
		return "", err
	}
	if _, ok := img.Annotations[annotationCheckpointName]; !ok {
		return "", fmt.Errorf("image %s is not a checkpoint image (it has no %s annotation): %w", nameOrID, annotationCheckpointName, define.ErrInvalidArg)
	}
	path, err := r.tempFile(checkpointImageTemp)
	if err != nil {
		return "", err
	}
	defer func() {
		if retErr != nil {
			_ = os.Remove(path)
		}
	}()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return "", err
	}
	err = store.WriteLayer(img.ID, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("reading checkpoint image %s: %w", nameOrID, err)
	}
	return path, nil
}

// tempFile creates an empty file, readable by its owner only, in ROOT/tmp:
// on the disk that holds the checkpoints and images, never a small tmpfs.
func (r *Runtime) tempFile(prefix string) (string, error) {
	dir := filepath.Join(r.cfg.Root, "tmp")
	if err := ensureDir(dir); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, prefix)
	if err != nil {
		return "", fmt.Errorf("creating a temporary file in %s: %w", dir, err)
	}
	name := f.Name()
	if err := f.Close(); err != nil {
		_ = os.Remove(name)
		return "", err
	}
	return name, nil
}
