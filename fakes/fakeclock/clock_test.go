package fakeclock_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/fakes/fakeclock"
)

var t0 = time.Date(2026, 2, 18, 17, 12, 20, 0, time.UTC)

func TestManualClock(t *testing.T) {
	c := fakeclock.New(t0)
	done := make(chan error)
	sctx, scancel := context.WithCancel(context.Background())
	go func() { done <- c.Sleep(sctx, time.Minute) }()
	if err := c.WaitForSleepers(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
	scancel()
	if err := <-done; !errors.Is(err, context.Canceled) || hasSleeper(c) {
		t.Errorf("cancelled sleep: %v, still a sleeper: %v", err, hasSleeper(c))
	}
	wctx, wcancel := context.WithCancel(context.Background())
	wcancel()
	if err := c.WaitForSleepers(wctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitForSleepers on a cancelled context = %v", err)
	}
	if !c.Now().Equal(t0) {
		t.Errorf("the clock moved without Advance: %v", c.Now())
	}
}

// hasSleeper reports whether a goroutine waits in c.Sleep now, without
// waiting for one.
func hasSleeper(c *fakeclock.Clock) bool {
	now, cancel := context.WithCancel(context.Background())
	cancel()
	return c.WaitForSleepers(now, 1) == nil
}
