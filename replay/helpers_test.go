package replay

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeKey has the shape of a Groq key; it is not a real one.
const fakeKey = "gsk_FAKEfakeFAKEfake0123456789abcdefFAKE"

// fakeT stands in for a test so a test can see what the session reports.
type fakeT struct {
	testing.TB
	name string

	mu       sync.Mutex
	errors   []string
	fatals   []string
	logs     []string
	cleanups []func()
}

func newFakeT(t *testing.T, name string) *fakeT { return &fakeT{TB: t, name: name} }

func (f *fakeT) Name() string { return f.name }
func (f *fakeT) Helper()      {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeT) Error(args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errors = append(f.errors, fmt.Sprint(args...))
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeT) Fatal(args ...any) {
	f.mu.Lock()
	f.fatals = append(f.fatals, fmt.Sprint(args...))
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeT) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeT) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }

// Failed reports whether the fake test has reported an error.
func (f *fakeT) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.errors)+len(f.fatals) > 0
}

// end runs the cleanups as the end of a test would.
func (f *fakeT) end() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.cleanups = nil
}

func (f *fakeT) allErrors() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(append(append([]string{}, f.fatals...), f.errors...), "\n")
}

// start calls New on a goroutine (so a Fatal there ends only it) and
// returns the session, or nil when New failed the test.
func start(f *fakeT, opts ...Option) *Session {
	var s *Session
	done := make(chan struct{})
	go func() {
		defer close(done)
		s = New(f, opts...)
	}()
	<-done
	return s
}

// fakeClock is a manual clock: Sleep advances it at once and notes the
// wait, so timing is checked without sleeping.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fakeGroq is a stand-in for Groq's chat completions endpoint: it answers
// JSON with the request's last user message echoed, or, when the request
// asks for a stream, events handed to it by the test.
type fakeGroq struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // request bodies
	auth     []string // Authorization headers seen
}

func newFakeGroq(t *testing.T, handler func(w http.ResponseWriter, r *http.Request, body string)) *fakeGroq {
	t.Helper()
	g := &fakeGroq{}
	g.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.requests = append(g.requests, string(b))
		g.auth = append(g.auth, r.Header.Get("Authorization"))
		g.mu.Unlock()
		handler(w, r, string(b))
	}))
	t.Cleanup(g.Close)
	return g
}

func (g *fakeGroq) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.requests)
}

// post sends a JSON body with the fake key, as an SDK would.
func post(t testing.TB, c *http.Client, url, body string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+fakeKey)
	return c.Do(req)
}

// offline is a real transport that fails every request, to prove replay
// never reaches it.
type offline struct{ t testing.TB }

func (o offline) RoundTrip(r *http.Request) (*http.Response, error) {
	o.t.Errorf("replay reached the network: %s %s", r.Method, r.URL)
	return nil, fmt.Errorf("offline")
}

// timingInstant is the default pacing, said out loud.
func timingInstant() Option { return TimingScaled(0) }

// timingAsRecorded replays streams at their recorded offsets.
func timingAsRecorded() Option { return TimingScaled(1) }
