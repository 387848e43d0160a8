package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"syscall"
	"time"
)

// Retry is podman's --retry and --retry-delay for a pull or a push: one
// that fails on the network is tried again Count times, after Delay or,
// when it is 0, after 2 s doubling each time.
type Retry struct {
	// Count nil or 0 means no retry (the Runtime fills in the config's
	// retry when the user gave none).
	Count *uint
	Delay time.Duration
}

// do runs fn, and again after a network failure, as r says.
func (r Retry) do(ctx context.Context, fn func() error) error {
	var retries uint
	if r.Count != nil {
		retries = *r.Count
	}
	delay := r.Delay
	if delay == 0 {
		delay = 2 * time.Second
	}
	for attempt := uint(1); ; attempt++ {
		err := fn()
		if err == nil || attempt > retries || !networkFailure(err) {
			return err
		}
		slog.Warn(fmt.Sprintf("failed, retrying in %s ... (%d/%d)", delay, attempt, retries), "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		if r.Delay == 0 {
			delay *= 2
		}
	}
}

// networkFailure says whether err is a failure of the network (refused,
// reset, timed out) that a later try may not meet.
func networkFailure(err error) bool {
	var op *net.OpError
	var ne net.Error
	return errors.As(err, &op) || errors.As(err, &ne) && ne.Timeout() ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF)
}
