package libpod

import (
	"fmt"

	"github.com/podlite/podlite/libpod/names"
)

// RenameContainer gives a container a new name; running containers may be
// renamed too. The new name must be valid and unused.
func (r *Runtime) RenameContainer(nameOrID, newName string) error {
	if err := names.Check(newName); err != nil {
		return err
	}
	c, err := r.LookupContainer(nameOrID)
	if err != nil {
		return err
	}
	return c.withLock(func() error {
		if err := r.store.RenameContainer(c.config.ID, newName); err != nil {
			return fmt.Errorf("renaming container %s to %s: %w", c.config.Name, newName, err)
		}
		c.config.Name = newName
		return nil
	})
}
