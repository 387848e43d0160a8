package libpod

import (
	"context"
	"errors"
	"fmt"

	"github.com/podlite/podlite/libpod/define"
)

// PruneContainers removes every exited or created container and returns
// their IDs. It keeps going past failures and returns them joined.
func (r *Runtime) PruneContainers() ([]string, error) {
	ctrs, err := r.Containers()
	if err != nil {
		return nil, err
	}
	var removed []string
	var errs []error
	for _, c := range ctrs {
		switch c.State().Status {
		case define.StatusExited, define.StatusCreated:
		default:
			continue
		}
		err := r.RemoveContainer(context.Background(), c.ID(), false, false)
		switch {
		case err == nil:
			removed = append(removed, c.ID())
		case errors.Is(err, define.ErrNotFound):
			// Removed by someone else meanwhile.
		case errors.Is(err, define.ErrInvalidState):
			// Started meanwhile: not prunable any more.
		default:
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("pruning containers: %w", errors.Join(errs...))
	}
	return removed, nil
}
