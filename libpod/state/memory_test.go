package state_test

import (
	"testing"

	"github.com/podlite/podlite/libpod/state"
	"github.com/podlite/podlite/libpod/state/statetest"
)

func TestMemoryStore(t *testing.T) {
	statetest.Run(t, func(*testing.T) state.Store { return state.NewMemoryStore() })
}
