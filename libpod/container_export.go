package libpod

import (
	"fmt"
	"io"

	"github.com/podlite/podlite/libpod/define"
)

// Export writes the container's root filesystem to w as a tar stream.
func (c *Container) Export(w io.Writer) error {
	if c.config.StorageID == "" {
		return fmt.Errorf("container %s has no rootfs to export: %w", c.config.Name, define.ErrNotSupported)
	}
	store, err := c.rt.Storage()
	if err != nil {
		return err
	}
	if err := store.ExportRootfs(c.config.StorageID, w); err != nil {
		return fmt.Errorf("exporting container %s: %w", c.config.Name, err)
	}
	return nil
}
