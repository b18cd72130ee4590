// Package clock declares the Clock that groq, replay, recorder and fakes
// tell the time and wait on, and the wall clock they use when a test gives
// them no clock of its own. replay.Clock is this interface, so one test
// clock, such as a *fakeclock.Clock, serves them all.
package clock

import (
	"context"
	"time"
)

// Clock tells the time and waits, so that tests of timing never sleep.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done, when it returns ctx.Err().
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
type Real struct{}

// Now returns time.Now().
func (Real) Now() time.Time { return time.Now() }

// Sleep waits for d on a timer, or until ctx is done, when it returns
// ctx.Err(). A d of zero or less returns at once.
func (Real) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
