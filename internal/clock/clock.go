// Package clock is the wall clock that groq, replay and fakes wait on when
// a test gives them no clock of its own. Each of those packages declares a
// Clock interface of the same shape (Now, Sleep), so one test clock, such
// as fakes.ManualClock, serves all three.
package clock

import (
	"context"
	"time"
)

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
