package groq

import (
	"testing"
	"time"
)

// tickTimer is the underlying timer of a lazyTimer under test: the test
// makes it go off by hand.
type tickTimer struct {
	f       func()
	resets  int
	stops   int
	pending bool
	last    time.Duration // the duration of the last start or Reset
}

func (t *tickTimer) Reset(d time.Duration) bool {
	t.resets++
	was := t.pending
	t.pending, t.last = true, d
	return was
}

func (t *tickTimer) Stop() bool {
	t.stops++
	was := t.pending
	t.pending = false
	return was
}

// goOff runs the callback as the runtime would when the timer is due.
func (t *tickTimer) goOff() {
	t.pending = false
	t.f()
}

// lazyHarness is a lazyTimer on a hand-moved clock and a hand-fired
// underlying timer.
type lazyHarness struct {
	clock time.Duration
	under *tickTimer
	fired int
	l     *lazyTimer
}

func newLazyHarness(d time.Duration) *lazyHarness {
	h := &lazyHarness{}
	h.l = newLazyTimer(d, func() { h.fired++ }, func() time.Duration { return h.clock },
		func(d time.Duration, f func()) idleTimer {
			h.under = &tickTimer{f: f, pending: true, last: d}
			return h.under
		})
	return h
}

// advance moves the clock by dt, making the underlying timer go off at
// each time it is due on the way.
func (h *lazyHarness) advance(dt time.Duration) {
	end := h.clock + dt
	for h.under.pending {
		due := h.clock + h.under.last
		if due > end {
			break
		}
		h.clock = due
		h.under.goOff()
	}
	h.clock = end
}

func TestLazyTimerFiresAfterIdle(t *testing.T) {
	const d = 60 * time.Second
	h := newLazyHarness(d)
	h.advance(d - time.Millisecond)
	if h.fired != 0 {
		t.Fatalf("fired before the timeout: %d", h.fired)
	}
	h.advance(d/idleChecks + time.Millisecond)
	if h.fired != 1 {
		t.Fatalf("fired %d times by d+d/%d, want once", h.fired, idleChecks)
	}
	h.advance(10 * d)
	if h.fired != 1 {
		t.Fatalf("fired %d times, want once per idle period", h.fired)
	}
}

// Events a second apart for ten minutes keep a one-minute idle timer
// quiet, and it fires between d and d+d/idleChecks after the last one.
func TestLazyTimerResetPostpones(t *testing.T) {
	const d = 60 * time.Second
	h := newLazyHarness(d)
	for range 600 {
		h.advance(time.Second)
		h.l.Reset(d)
	}
	if h.fired != 0 {
		t.Fatalf("fired during a live stream")
	}
	h.advance(d - time.Nanosecond)
	if h.fired != 0 {
		t.Fatalf("fired before d had passed since the last Reset")
	}
	h.advance(d/idleChecks + time.Nanosecond)
	if h.fired != 1 {
		t.Fatalf("fired %d times by d+d/%d after the last Reset, want once", h.fired, idleChecks)
	}
}

// A stream calls Stop after every read and Reset before the next: many
// of them cost no work on the underlying timer, which is the point.
func TestLazyTimerResetIsCheap(t *testing.T) {
	h := newLazyHarness(60 * time.Second)
	for range 10000 {
		h.l.Stop()
		h.l.Reset(60 * time.Second)
	}
	if h.under.resets != 0 || h.under.stops != 0 {
		t.Errorf("10000 Stop/Reset pairs reset the underlying timer %d times and stopped it %d times, want none", h.under.resets, h.under.stops)
	}
}

// While stopped (the stream's consumer holds an event) the timer never
// fires, however long; a Reset starts a full wait again.
func TestLazyTimerStop(t *testing.T) {
	const d = time.Minute
	h := newLazyHarness(d)
	h.advance(d / 2)
	if !h.l.Stop() {
		t.Error("Stop of an active timer reported false")
	}
	h.advance(10 * d)
	if h.fired != 0 {
		t.Fatalf("fired while stopped")
	}
	if h.l.Stop() {
		t.Error("Stop of a stopped timer reported true")
	}
	if h.l.Reset(d) {
		t.Error("Reset of a stopped timer reported true")
	}
	h.advance(d - time.Nanosecond)
	if h.fired != 0 {
		t.Fatalf("fired before d after the Reset that followed a Stop")
	}
	h.advance(d / idleChecks)
	if h.fired != 1 {
		t.Fatalf("fired %d times, want once", h.fired)
	}
}

// A Reset with a shorter timeout than the one running applies at once.
func TestLazyTimerShorterReset(t *testing.T) {
	h := newLazyHarness(time.Hour)
	h.l.Reset(time.Second)
	h.advance(time.Second + time.Second/idleChecks)
	if h.fired != 1 {
		t.Fatalf("fired %d times a second after Reset(1s), want once", h.fired)
	}
}

// After halt nothing runs, and the underlying timer is stopped.
func TestLazyTimerHalt(t *testing.T) {
	h := newLazyHarness(time.Second)
	h.l.halt()
	if h.under.pending {
		t.Error("the underlying timer is still set after halt")
	}
	h.l.Reset(time.Second)
	h.under.goOff() // a callback already on its way when halt ran
	h.advance(time.Hour)
	if h.fired != 0 {
		t.Errorf("fired %d times after halt", h.fired)
	}
}

func TestLazyTimerTinyTimeouts(t *testing.T) {
	for _, d := range []time.Duration{1, time.Microsecond, time.Millisecond} {
		h := newLazyHarness(d)
		h.advance(d - 1)
		if h.fired != 0 {
			t.Errorf("%v: fired early", d)
		}
		h.advance(2*d + 1)
		if h.fired != 1 {
			t.Errorf("%v: fired %d times by 2d, want once", d, h.fired)
		}
	}
}

// A stream's own idle timer is a lazyTimer, and nothing of it is left
// set once the stream is over.
func TestStreamHaltsIdleTimer(t *testing.T) {
	body := sseOf(textChunk("a", ""), textChunk("b", ""), textChunk("", "stop"))
	m := streamModel(t, &bodyTransport{body: body})
	if _, ok := m.newTimer(time.Minute, func() {}).(*lazyTimer); !ok {
		t.Fatal("a model's stream idle timer is not a lazyTimer")
	}
	var under *tickTimer
	m.newTimer = func(d time.Duration, f func()) idleTimer {
		return newLazyTimer(d, f, monoNow, func(d time.Duration, f func()) idleTimer {
			under = &tickTimer{f: f, pending: true, last: d}
			return under
		})
	}
	sr, err := m.RequestStream(t.Context(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil || sr.Response().Text() != "ab" {
		t.Fatalf("err %v text %q", err, sr.Response().Text())
	}
	if under == nil || under.pending || under.stops == 0 {
		t.Errorf("after the stream the underlying idle timer is %+v, want stopped", under)
	}
}
