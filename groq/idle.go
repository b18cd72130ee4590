package groq

import (
	"sync"
	"sync/atomic"
	"time"
)

// lazyTimer is the idle timer of a real stream. Reset(d) and Stop mean
// what they mean on a *time.Timer made by time.AfterFunc(d, f) (run f once
// d passes with no Reset; Stop cancels until the next Reset), with one
// tolerance: f runs between d and d+tick(d) after the last Reset (d/32,
// or 1ms for a timeout under 32ms), never before d.
//
// A stream resets its idle timer before every event and stops it after:
// on a *time.Timer that is two trips through the runtime's timer lock and
// heap per event, and reading the time for a deadline is most of the cost
// again on a virtual machine's clock. That was the larger part of what the
// idle timeout added to a stream of small chunks (bench/'s
// BenchmarkDecode). Here Reset and Stop each store one atomic word; the
// underlying timer ticks every d/idleChecks while the stream is live and
// its callback does the clock reading: it notes when it last saw an event
// go by, and runs f once d has passed since with none.
type lazyTimer struct {
	f     func()                                // what to run when idle for d
	now   func() time.Duration                  // a monotonic clock
	after func(time.Duration, func()) idleTimer // starts the underlying timer

	// Written by Reset and Stop only, which are not called concurrently
	// (a stream calls them from the goroutine ranging over its events).
	n uint64 // Resets and Stops so far

	d       atomic.Int64  // the idle timeout, a time.Duration
	state   atomic.Uint64 // n<<1, plus 1 when the last call was a Stop
	running atomic.Bool   // the underlying timer is set to go off
	fired   atomic.Bool   // f ran (or is running) since the last Reset

	mu     sync.Mutex    // guards what follows
	t      idleTimer     // the underlying timer
	seen   uint64        // state when the callback last looked
	quiet  time.Duration // on now's clock: no Reset seen since (a Reset may be up to one tick older)
	halted bool          // halt was called; nothing runs any more
}

// idleChecks is how many times per timeout a live stream's idle timer
// looks at the clock; f may run up to 1/idleChecks of the timeout late.
const idleChecks = 32

// monoEpoch is the origin of monoNow.
var monoEpoch = time.Now()

// monoNow reads the monotonic clock (time.Since reads only it).
func monoNow() time.Duration { return time.Since(monoEpoch) }

// afterFunc is time.AfterFunc as an idleTimer.
func afterFunc(d time.Duration, f func()) idleTimer { return time.AfterFunc(d, f) }

// newLazyTimer starts a lazyTimer that runs f after d without a Reset,
// reading the time with now and starting its underlying timer with after.
func newLazyTimer(d time.Duration, f func(), now func() time.Duration, after func(time.Duration, func()) idleTimer) *lazyTimer {
	l := &lazyTimer{f: f, now: now, after: after, n: 1}
	l.d.Store(int64(d))
	l.state.Store(l.n << 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.running.Store(true)
	l.seen, l.quiet = l.state.Load(), now()
	l.t = after(tick(d), l.expire)
	return l
}

// tick is how often the underlying timer goes off for a timeout d.
func tick(d time.Duration) time.Duration {
	return max(d/idleChecks, min(d, time.Millisecond), 1)
}

// active reports whether the timer is waiting: neither stopped nor fired.
func (l *lazyTimer) active() bool { return l.state.Load()&1 == 0 && !l.fired.Load() }

// Reset restarts the wait for d. It reports whether the timer was active.
func (l *lazyTimer) Reset(d time.Duration) bool {
	was := l.active()
	l.n++
	l.state.Store(l.n << 1)
	if time.Duration(l.d.Load()) != d || !l.running.Load() {
		l.restart(d)
	}
	return was
}

// restart sets the underlying timer again: after a Stop let it lapse, or
// f ran, or for a different timeout.
func (l *lazyTimer) restart(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.halted {
		return
	}
	l.d.Store(int64(d))
	l.fired.Store(false)
	l.seen, l.quiet = l.state.Load(), l.now()
	l.running.Store(true)
	l.t.Reset(tick(d))
}

// Stop stops the wait until the next Reset. It reports whether the timer
// was active.
func (l *lazyTimer) Stop() bool {
	was := l.active()
	l.n++
	l.state.Store(l.n<<1 | 1)
	return was
}

// halt stops the timer for good, underlying timer included, so nothing of
// it runs after the stream is over.
func (l *lazyTimer) halt() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.halted = true
	l.running.Store(false)
	l.t.Stop()
}

// expire runs when the underlying timer goes off.
func (l *lazyTimer) expire() {
	l.mu.Lock()
	if l.halted || !l.running.Load() {
		l.mu.Unlock()
		return
	}
	now := l.now()
	d := time.Duration(l.d.Load())
	if l.state.Load()&1 == 1 {
		// Stopped, not waiting for an event: let the timer lapse. A
		// Reset that came after the Load above may have seen running
		// still true, so look again once it is false.
		l.running.Store(false)
		st := l.state.Load()
		if st&1 == 1 {
			l.mu.Unlock()
			return
		}
		l.running.Store(true)
		l.seen, l.quiet = st, now
		l.t.Reset(tick(d))
		l.mu.Unlock()
		return
	}
	if st := l.state.Load(); st != l.seen {
		// Resets went by since the last look, the latest no later than
		// now: count the quiet from now, which can only make f later.
		l.seen, l.quiet = st, now
	}
	if idle := now - l.quiet; idle < d {
		l.t.Reset(min(tick(d), d-idle))
		l.mu.Unlock()
		return
	}
	l.running.Store(false)
	l.fired.Store(true)
	l.mu.Unlock()
	l.f()
}
