package lock

import (
	"fmt"
	"strings"

	"github.com/podlite/podlite/libpod/define"
)

// checkName accepts names that are safe as a single file name, so that the
// memory manager refuses exactly what the file manager must.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00") {
		return fmt.Errorf("lock name %q is not a plain file name: %w", name, define.ErrInvalidArg)
	}
	return nil
}

func notHeldError(name string) error {
	return fmt.Errorf("unlocking %s: lock not held: %w", name, define.ErrInvalidState)
}
