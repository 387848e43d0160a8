package libpod

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/podlite/podlite/libpod/checkpoint"
	"github.com/podlite/podlite/libpod/define"
	"github.com/podlite/podlite/libpod/oci"
	"github.com/podlite/podlite/libpod/storage"
	"github.com/podlite/podlite/pkg/criu"
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
// image opts.CreateImage (see "Checkpoint images" in package checkpoint).
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
// checkpoint image (see checkpoint.ImageAnnotations).
func (c *Container) checkpointAnnotations(engineVersion string) map[string]string {
	var host criu.Manifest
	hostManifest(&host)
	return checkpoint.ImageAnnotations(checkpoint.ImageInfo{
		Name: c.config.Name, RawImageName: c.config.ImageName,
		RootfsImageID: c.config.ImageID, RootfsImageName: c.imageFullName(),
		EngineVersion: engineVersion, RuntimeVersion: oci.Version(), Host: host,
	})
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
	if _, ok := img.Annotations[checkpoint.AnnotationCheckpointName]; !ok {
		return "", fmt.Errorf("image %s is not a checkpoint image (it has no %s annotation): %w", nameOrID, checkpoint.AnnotationCheckpointName, define.ErrInvalidArg)
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
