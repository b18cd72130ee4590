// Package fakeclock is a test clock: it tells the time and waits like the
// wall clock, but moves only when the test says so, and it records every
// wait. It satisfies groq.Clock, replay.Clock and the clock of the fake
// Groq server (fakes.WithClock), so a test checks retry and stream delays
// without sleeping:
//
//	clock := fakeclock.NewInstant(t0) // every Sleep returns at once
//	model, _ := groq.NewModel(name, groq.WithClock(clock), ...)
//	// ... after a 429 asking for 2s: clock.Slept() is [2s]
//
// A clock made by New holds sleepers until Advance moves it past their
// deadline; WaitForSleepers lets the test advance only once someone waits.
package fakeclock

import (
	"context"
	"sync"
	"time"
)

// Clock is a clock that moves only when told to. Sleepers wait until
// Advance moves the clock past their deadline, or, for a clock made by
// NewInstant, return at once after moving the clock forward themselves.
// Every duration asked for is recorded, so a test can check the delays
// without waiting for them.
type Clock struct {
	mu       sync.Mutex
	now      time.Time
	instant  bool            // Sleep advances the clock itself and returns
	sleepers []*sleeper      // waiting, in arrival order
	slept    []time.Duration // every d passed to Sleep, in order
	changed  chan struct{}   // closed and replaced whenever sleepers change
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
}

// New returns a clock stopped at start; sleepers wait for Advance.
func New(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// NewInstant returns a clock at start whose Sleep moves the clock
// forward by d and returns at once.
func NewInstant(start time.Time) *Clock {
	c := New(start)
	c.instant = true
	return c
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and waits until the clock has moved d forward, or until
// ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	if c.instant || d <= 0 {
		if d > 0 {
			c.now = c.now.Add(d)
		}
		c.notifyLocked()
		c.mu.Unlock()
		return ctx.Err()
	}
	s := &sleeper{until: c.now.Add(d), wake: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.notifyLocked()
	c.mu.Unlock()
	select {
	case <-s.wake:
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		c.removeLocked(s)
		c.notifyLocked()
		c.mu.Unlock()
		return ctx.Err()
	}
}

// Advance moves the clock forward by d and wakes the sleepers whose time
// has come.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.sleepers[:0]
	for _, s := range c.sleepers {
		if !s.until.After(c.now) {
			close(s.wake)
			continue
		}
		kept = append(kept, s)
	}
	c.sleepers = kept
	c.notifyLocked()
}

// WaitForSleepers blocks until at least n goroutines wait in Sleep, or ctx
// is done. It lets a test advance the clock only once the server is
// waiting on it.
func (c *Clock) WaitForSleepers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		if len(c.sleepers) >= n {
			c.mu.Unlock()
			return nil
		}
		ch := c.changed
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Slept returns every duration passed to Sleep, in order.
func (c *Clock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

func (c *Clock) removeLocked(s *sleeper) {
	for i, x := range c.sleepers {
		if x == s {
			c.sleepers = append(c.sleepers[:i], c.sleepers[i+1:]...)
			return
		}
	}
}

func (c *Clock) notifyLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}
