package storage

import (
	"context"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/podlite/podlite/libpod/define"
)

func TestNetworkFailure(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	if !networkFailure(fmt.Errorf("pulling x: %w: %w", refused, define.ErrUnavailable)) {
		t.Error("a refused connection is not taken for a network failure")
	}
	if networkFailure(fmt.Errorf("pulling x: manifest unknown: %w", define.ErrNotFound)) {
		t.Error("a missing image is taken for a network failure")
	}
}

func TestRetryDo(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	two := uint(2)
	for _, c := range []struct {
		name      string
		count     *uint
		err       error
		wantCalls int
	}{
		{"network failure retried", &two, refused, 3},
		{"no count, no retry", nil, refused, 1},
		{"other failure not retried", &two, define.ErrNotFound, 1},
		{"success once", &two, nil, 1},
	} {
		calls := 0
		err := Retry{Count: c.count, Delay: time.Millisecond}.do(context.Background(), func() error {
			calls++
			return c.err
		})
		if calls != c.wantCalls || (err == nil) != (c.err == nil) {
			t.Errorf("%s: %d calls, error %v; want %d calls", c.name, calls, err, c.wantCalls)
		}
	}
}
