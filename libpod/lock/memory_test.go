package lock_test

import (
	"testing"

	"github.com/podlite/podlite/libpod/lock"
	"github.com/podlite/podlite/libpod/lock/locktest"
)

func TestMemoryManager(t *testing.T) {
	locktest.Run(t, func(*testing.T) lock.Manager { return lock.NewMemoryManager() })
}
