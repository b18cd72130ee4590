package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// This file is what record proxy and record serve share: a loopback
// server that prints its base URL, logs safely, and stops gracefully.

// afterCut bounds how long the handlers still running when the grace
// period ended are waited for once their requests are cancelled: long
// enough for a recording to be finished (recorder's Close reads on for at
// most one second), short enough that a stop always ends.
const afterCut = 5 * time.Second

// lockedWriter serializes writes from concurrent handlers to one log.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// printf writes one log line.
func (l *lockedWriter) printf(format string, args ...any) {
	fmt.Fprintf(l, format+"\n", args...)
}

// scrubWriter passes log text through scrub before it reaches w: the
// standard library's own log lines (a client's malformed request, a
// failed upstream) may quote a URL or a header.
type scrubWriter struct {
	w     io.Writer
	scrub func(string) string
}

func (s scrubWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(s.w, s.scrub(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// tracker counts the handlers running, so a stop can wait for them.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0
}

func (t *tracker) start() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		t.idle = make(chan struct{})
	}
	t.n++
}

func (t *tracker) end() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.idle)
	}
}

func (t *tracker) running() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// wait waits until no handler runs, or d passed; it reports whether none
// runs.
func (t *tracker) wait(d time.Duration) bool {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return true
	}
	idle := t.idle
	t.mu.Unlock()
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-idle:
		return true
	case <-timer.C:
		return false
	}
}

// listenAddr opens addr, refusing a malformed one as a usage error.
func listenAddr(addr string) (net.Listener, error) {
	if err := checkAddr(addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return ln, nil
}

// checkAddr refuses an -addr that is not HOST:PORT, as a usage error that
// comes before any other refusal (such as the CI guard).
func checkAddr(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return usagef("-addr %q: want HOST:PORT, such as 127.0.0.1:0 (0 picks a free port)", addr)
	}
	return nil
}

// baseURL is the URL clients use to reach ln: a listener on every
// address (0.0.0.0, ::) is reached at 127.0.0.1.
func baseURL(ln net.Listener) string {
	a, ok := ln.Addr().(*net.TCPAddr)
	if !ok {
		return "http://" + ln.Addr().String()
	}
	host := a.IP.String()
	if a.IP == nil || a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, strconv.Itoa(a.Port))
}

// stopReport says how a server stopped.
type stopReport struct {
	cut   int // requests still running when the grace period ended, cancelled
	stuck int // requests still running afterCut after that
}

// serveUntil serves h on ln until ctx ends: the base URL is the first
// line of stdout, before any request is served. Then it stops taking
// requests, lets the ones running finish for up to grace, cancels the
// rest, and returns once every handler has returned (or afterCut more
// passed). logw receives the standard library's log lines.
func serveUntil(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, stdout io.Writer, logw io.Writer, log1 func(format string, args ...any)) (stopReport, error) {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	var t tracker
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			t.start()
			defer t.end()
			h.ServeHTTP(w, r)
		}),
		BaseContext:       func(net.Listener) context.Context { return base },
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       idleTimeout,
		ErrorLog:          log.New(logw, "", 0),
	}
	if _, err := fmt.Fprintln(stdout, baseURL(ln)); err != nil {
		ln.Close()
		return stopReport{}, fmt.Errorf("write the base URL: %w", err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return stopReport{}, fmt.Errorf("serve on %s: %w", ln.Addr(), err)
		}
	case <-ctx.Done():
	}
	var rep stopReport
	// A second SIGINT or SIGTERM during the stop ends the wait at once:
	// someone pressing Ctrl-C again does not want to wait out -grace.
	again := make(chan os.Signal, 1)
	signal.Notify(again, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(again)
	if n := t.running(); n > 0 {
		log1("stopping: waiting up to %s for %s still running (Ctrl-C again to stop now)", grace, plural(n, "request"))
	}
	sctx, scancel := context.WithTimeout(context.Background(), grace)
	go func() {
		select {
		case <-again:
			log1("stopping now: a second signal")
			scancel()
		case <-sctx.Done():
		}
	}()
	err := srv.Shutdown(sctx)
	scancel()
	if err != nil {
		rep.cut = t.running()
		cancel() // the requests still running end now
		srv.Close()
		if rep.cut > 0 {
			log1("stopping: cancelled %s still running after %s", plural(rep.cut, "request"), grace)
		}
	}
	if !t.wait(afterCut) {
		rep.stuck = t.running()
		log1("stopping: %s did not end %s after being cancelled", plural(rep.stuck, "request"), afterCut)
	}
	return rep, nil
}

// Request bodies are read whole into memory by serve (to match them) and
// by the proxy (to record them); these bound what a client can make them
// hold, and for how long. Variables, so that tests can make them small.
var (
	// bodyTimeout bounds the reading of one request body: a client that
	// sends it slower gets a 408 instead of holding its buffer open.
	bodyTimeout = time.Minute
	// bodiesInFlight bounds the bytes of all the request bodies being
	// read at once: past it a request gets a 503 (retry later) instead of
	// adding its body to memory.
	bodiesInFlight int64 = 256 << 20
	// idleTimeout closes a kept-alive connection with no request on it.
	idleTimeout = 2 * time.Minute
)

// bodyGate admits request bodies: each at most max bytes, read within
// bodyTimeout, and all those being read together at most bodiesInFlight
// bytes.
type bodyGate struct {
	max int64

	mu   sync.Mutex
	used int64
}

// bodyError is why a request body was not taken: a status and a message
// for the client.
type bodyError struct {
	status int
	msg    string
	err    error // the read's error, when a read failed
}

func (e *bodyError) Error() string { return e.msg }

// refusalHeader is the header of an answer refusing a request with
// status: a client may retry only a 503 (too many bodies at once), after
// a second; every other refusal would come again.
func refusalHeader(status int) http.Header {
	h := http.Header{"X-Should-Retry": {strconv.FormatBool(status == http.StatusServiceUnavailable)}}
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "1")
	}
	return h
}
func (e *bodyError) Unwrap() error { return e.err }

// take reserves n bytes, reporting whether they fit.
func (g *bodyGate) take(n int64) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if n > bodiesInFlight-g.used {
		return false
	}
	g.used += n
	return true
}

func (g *bodyGate) give(n int64) {
	g.mu.Lock()
	g.used -= n
	g.mu.Unlock()
}

// open admits r's body before it is read: a declared length over max is
// refused at once (413), and the declared length is reserved first (a
// reader of the body may allocate it before reading a byte), else 503.
// The body returned takes more as it is read past what was declared,
// fails once over max or past the budget, and arms a read deadline of
// bodyTimeout on the connection that it clears when the body ends, so
// the answer (a stream that lasts) is not bound by it. release gives the
// body's bytes back; call it once the body is no longer held.
func (g *bodyGate) open(w http.ResponseWriter, r *http.Request) (body io.ReadCloser, release func(), err *bodyError) {
	if r.ContentLength > g.max {
		return nil, func() {}, g.tooLarge(nil)
	}
	reserved := max(r.ContentLength, 0)
	if !g.take(reserved) {
		return nil, func() {}, g.busy(nil)
	}
	b := &gatedBody{g: g, rc: http.NewResponseController(w), body: http.MaxBytesReader(w, r.Body, g.max), held: reserved}
	if r.Body != nil && r.Body != http.NoBody {
		b.rc.SetReadDeadline(time.Now().Add(bodyTimeout)) // a connection that cannot is unbounded, as before
		b.armed = true
	}
	return b, b.release, nil
}

func (g *bodyGate) tooLarge(err error) *bodyError {
	return &bodyError{status: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("the request body is larger than %d MiB", g.max>>20), err: err}
}

func (g *bodyGate) busy(err error) *bodyError {
	return &bodyError{status: http.StatusServiceUnavailable, msg: fmt.Sprintf("more than %d MiB of request bodies are being read at once; retry later", bodiesInFlight>>20), err: err}
}

// gatedBody is a request body admitted by a bodyGate.
type gatedBody struct {
	g      *bodyGate
	rc     *http.ResponseController
	body   io.ReadCloser
	mu     sync.Mutex
	read   int64 // bytes read
	held   int64 // bytes taken from the gate, not given back
	armed  bool  // a read deadline is set
	failed *bodyError
}

func (b *gatedBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failed != nil {
		return 0, b.failed
	}
	n, err := b.body.Read(p)
	b.read += int64(n)
	if more := b.read - b.held; more > 0 { // past the declared length: a chunked body
		if !b.g.take(more) {
			return 0, b.fail(b.g.busy(nil))
		}
		b.held += more
	}
	if err != nil {
		var mb *http.MaxBytesError
		var ne net.Error
		switch {
		case errors.As(err, &mb):
			return n, b.fail(b.g.tooLarge(err))
		case errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
			return n, b.fail(&bodyError{status: http.StatusRequestTimeout, msg: fmt.Sprintf("the request body was not sent within %s", bodyTimeout), err: err})
		}
		if err == io.EOF {
			b.disarm()
		}
	}
	return n, err
}

// fail ends the body with e: later reads return e, and the connection's
// read deadline is moved to now, so that nothing (the server discarding
// the rest of the body before the answer) waits on this client any more.
// The answer saying why is still written.
func (b *gatedBody) fail(e *bodyError) error {
	b.failed = e
	b.armed = false
	b.rc.SetReadDeadline(time.Now())
	return e
}

// disarm clears the read deadline once the body ended.
func (b *gatedBody) disarm() {
	if b.armed {
		b.armed = false
		b.rc.SetReadDeadline(time.Time{})
	}
}

func (b *gatedBody) Close() error { return b.body.Close() }

// release gives the body's bytes back to the gate (once).
func (b *gatedBody) release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.g.give(b.held)
	b.held, b.read = 0, 0
	b.failed = &bodyError{status: http.StatusInternalServerError, msg: "the body was released"}
}
