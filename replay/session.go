package replay

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"io/fs"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/ci"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/keep"
	"github.com/llmvcr/llmvcr/internal/match"
	"github.com/llmvcr/llmvcr/internal/playback"
	"github.com/llmvcr/llmvcr/internal/testpath"
	"github.com/llmvcr/llmvcr/recorder"
)

// recordFlag is -record: alone it re-records every test that uses replay;
// -record=REGEXP re-records only the tests it selects, as -run would.
var recordFlag recordValue

func init() {
	if testing.Testing() {
		flag.Var(&recordFlag, "record", "re-record llmvcr cassettes: alone (last, after the package) for every test run, or =REGEXP for the tests it selects as -run would")
	}
}

type recordValue struct {
	set    bool
	re     *regexp.Regexp   // the whole pattern, for String
	levels []*regexp.Regexp // the pattern split on '/', one per name level
}

// matches reports whether the test name is selected, as -run selects:
// the pattern is split on '/' and each part must match (unanchored) the
// name's part at the same level. A name with more levels than the
// pattern matches on the levels the pattern has; one with fewer does not.
func (v *recordValue) matches(name string) bool {
	if v.re == nil {
		return true
	}
	parts := strings.Split(name, "/")
	if len(parts) < len(v.levels) {
		return false
	}
	for n, re := range v.levels {
		if !re.MatchString(parts[n]) {
			return false
		}
	}
	return true
}

// splitLevels splits a -run style pattern on the '/' that are not inside
// brackets or parentheses, as the testing package does.
func splitLevels(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[', '(':
			depth++
		case ']', ')':
			if depth > 0 {
				depth--
			}
		case '/':
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// String returns the flag as given ("" when unset).
func (v *recordValue) String() string {
	if v == nil || !v.set {
		return ""
	}
	if v.re == nil {
		return "true"
	}
	return v.re.String()
}

// Set parses -record, -record=true/false or -record=REGEXP.
func (v *recordValue) Set(s string) error {
	switch s {
	case "", "true":
		v.set, v.re, v.levels = true, nil, nil
	case "false":
		v.set, v.re, v.levels = false, nil, nil
	default:
		re, err := regexp.Compile(s)
		if err != nil {
			return fmt.Errorf("replay: -record: %w", err)
		}
		var levels []*regexp.Regexp
		for _, part := range splitLevels(s) {
			l, err := regexp.Compile(part)
			if err != nil {
				return fmt.Errorf("replay: -record: level %q: %w", part, err)
			}
			levels = append(levels, l)
		}
		v.set, v.re, v.levels = true, re, levels
	}
	return nil
}

// flagArgs returns the test binary's arguments left after its flags; a
// variable so tests can stand in for the command line.
var flagArgs = flag.Args

// looksLikePackages reports whether s is a go package pattern (./...,
// ../x, ./pkg, example.com/m/...) rather than a test name pattern.
func looksLikePackages(s string) bool {
	return s == "." || s == ".." || s == "..." || s == "all" ||
		strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") ||
		strings.HasSuffix(s, "/...") || strings.Contains(s, "/.../")
}

// packageArgs explains `go test -record ./...`: go test stops reading
// packages at the first flag it does not know, so the packages after
// -record went to the test binary (or became -record's value) and only
// the current directory's package ran.
func packageArgs(value string, args []string) error {
	var pkgs []string
	if looksLikePackages(value) {
		pkgs = append(pkgs, value)
	}
	for _, a := range args {
		if looksLikePackages(a) {
			pkgs = append(pkgs, a)
		}
	}
	if len(pkgs) == 0 {
		return nil
	}
	p := strings.Join(pkgs, " ")
	return fmt.Errorf("replay: %q after -record is a package pattern, but go test reads packages only before its first unknown flag, so it ran only the package in the current directory and re-recorded nothing else; re-record those packages with LLMVCR_MODE=record go test %s (or put the packages first, go test %s -record, which works only when every package's test binary imports replay: one whose tests do not fails with \"flag provided but not defined: -record\")", p, p, p)
}

// IsBoolFlag lets -record be given without a value.
func (v *recordValue) IsBoolFlag() bool { return true }

// Session is one test's connection to its cassette. Its Client and
// Transport answer requests according to the mode.
type Session struct {
	t      testing.TB
	cfg    config
	mode   Mode
	path   string
	scrub  *cassettes.Scrubber
	real   http.RoundTripper
	cas    *cassettes.Cassette // what will be saved (record, new-episodes)
	old    *cassettes.Cassette // the file before re-recording, for the drift report
	idx    *match.Index        // replay, new-episodes
	nreq   atomic.Int64        // requests received
	rec    *recorder.Recorder  // records (record, new-episodes)
	client *http.Client
	name   string // the test's name, kept for messages after it ended

	// endMu guards ended. Reports take it for reading around t.Error, the
	// cleanup for writing, so no report reaches the test once it is
	// ending (testing panics on a report after the test completed).
	endMu      sync.RWMutex
	ended      bool
	endedQuick atomic.Bool // ended, for the check on every request

	faultLog faultLog // which declared faults applied
	// streamFaults are the stream faults of each request's plan
	// (validateFaults), by request number.
	streamFaults map[int]playback.Faults
	misses       missLog // misses reported

	up        upstreams           // WithUpstream's base URLs
	keyless   bool                // records from a fake or a local server: needs no API key
	guardCI   bool                // under CI, requests may reach loopback hosts only
	routeErrs sync.Map            // requests under no base URL, reported once each
	bodies    openBodies          // response bodies not closed yet
	loaded    *cassettes.Cassette // the cassette as loaded (replay, new-episodes)
}

// New starts a session for the test: it picks the mode (WithMode, else the
// -record flag, else LLMVCR_MODE, else replay), loads the cassette
// (testdata/cassettes/<test name>.yaml unless WithPath), and registers a
// cleanup that saves recordings and reports unused interactions. It fails
// the test at once when the cassette is missing in replay mode (saying how
// to record it), when recording or passthrough is asked for while CI is
// set, and when recording with no API key in the environment. (A session
// given WithRealTransport records through that transport, a local fake in
// a test, and is not refused; http.DefaultTransport only for loopback
// hosts. So is one given WithUpstream with a loopback upstream.) A bad
// WithUpstream base URL fails the test at once.
// The cleanup saves only when the test passed (not failed, not skipped)
// and made at least one request; otherwise the previous cassette is left
// byte for byte and the log says why. Invalid faults (see OnRequest) fail
// the test at once. Once the test ends, requests through the session get
// an error matching ErrTestEnded.
func New(t testing.TB, opts ...Option) *Session {
	t.Helper()
	s := &Session{t: t, cfg: config{clock: clock.Real{}}, name: t.Name()}
	for _, o := range opts {
		o(&s.cfg)
	}
	s.path = s.cfg.path
	if s.path == "" {
		s.path = DefaultPath(t.Name())
	}
	mode, err := resolveMode(t.Name(), s.cfg.mode)
	if err != nil {
		t.Fatal(err)
	}
	if s.streamFaults, err = validateFaults(s.cfg.faults); err != nil {
		t.Fatalf("%s: %v", s.path, err)
	}
	if f := s.cfg.scale; math.IsNaN(f) || math.IsInf(f, 0) {
		t.Fatalf("replay: %s: TimingScaled(%v): the factor must be a finite number (1 replays as recorded, 0 at once)", s.path, f)
	}
	s.mode = mode
	if s.up, err = parseUpstreams(s.cfg.upstreams); err != nil {
		t.Fatalf("%s: %v", s.path, err)
	}
	network := mode == ModeRecord || mode == ModeNewEpisodes || mode == ModePassthrough
	// A transport given, or an upstream on a loopback host, is a local
	// server. http.DefaultTransport (given, or under a loopback upstream)
	// may reach the network: under CI it is allowed for loopback hosts
	// only (checked per request).
	local := s.cfg.real != nil || s.up.loopback()
	if network && ci.Set() && !local {
		what := "record"
		if mode == ModePassthrough {
			what = "reach the real server"
		}
		t.Fatalf("replay: %s: refusing to %s (mode %s) because CI is set; record on a workstation with %s set and commit the cassette", s.path, what, mode, s.cfg.keyNames())
	}
	if (mode == ModeRecord || mode == ModeNewEpisodes) && !local && !s.cfg.keySet() {
		t.Fatal(s.cfg.missingKey(s.path))
	}
	if network {
		for _, p := range s.up {
			t.Logf("replay: %s: %s answers for %s, which the cassette stores", s.path, p.upstream, p.production)
		}
	}
	if s.cfg.canned != "" && network {
		t.Logf("replay: %s: this recording comes from %s: its answers are canned, not a real API's", s.path, s.cfg.canned)
	}
	// Every provider key variable that is set is a secret.
	s.scrub = cassettes.NewScrubber(append([]cassettes.Option{cassettes.WithLogf(t.Logf), cassettes.WithSecretEnv(keyEnvs...)}, s.cfg.scrub...)...)
	// A fake (WithFakeTransport) or a loopback upstream records with no
	// key. A transport given to WithRealTransport may be one that reaches
	// the real API (a logging wrapper), so commands still set the key.
	s.keyless = s.cfg.canned != "" || s.up.loopback()
	s.real = s.cfg.real
	if s.real == nil {
		s.real = http.DefaultTransport
	}
	s.guardCI = s.cfg.real == http.DefaultTransport || (s.cfg.real == nil && len(s.up) > 0)
	if len(s.up) > 0 {
		s.real = forwarder{m: s.up, next: s.real}
	}
	matching := append([]cassettes.MatchOption{cassettes.MatchScrubber(s.scrub)}, s.cfg.match...)
	// A malformed IgnoreJSONPaths path stops the test in every mode,
	// before any request.
	if err := match.CheckOptions(matching...); err != nil {
		t.Fatalf("replay: %v", err)
	}
	switch mode {
	case ModeReplay:
		c, err := cassettes.Load(s.path)
		if errors.Is(err, fs.ErrNotExist) {
			if s.keyless {
				t.Fatalf("replay: no cassette %s for %s; record it (from the session's fake or local server, no key needed) with:\n\t%s\n(the package first, -record last)", s.path, t.Name(), s.cfg.recordCommandFor(t.Name(), "", true))
			}
			t.Fatalf("replay: no cassette %s for %s; record it with:\n\t%s\n(the package first, -record last), or every test of every package with:\n\t%s LLMVCR_MODE=record go test ./...\n%s\nNo key? Record canned answers from the embedded fake with replay.WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()).", s.path, t.Name(), s.cfg.recordCommand(t.Name()), s.cfg.keyAssign(), s.cfg.keyHelp())
		}
		if err != nil {
			t.Fatal(err)
		}
		s.noteCanned(c)
		s.loaded = c
		s.idx = match.NewIndex(c.Path, c.Interactions, matching...)
	case ModeNewEpisodes:
		c, err := cassettes.Load(s.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c = cassettes.New(s.path)
		case err != nil:
			t.Fatal(err)
		}
		s.noteCanned(c)
		s.cas = c
		s.loaded = c
		s.idx = match.NewIndex(c.Path, c.Interactions, matching...)
		s.rec = &recorder.Recorder{Real: s.real, Clock: s.cfg.clock, Source: s.cfg.canned, OnRecorded: func(i *cassettes.Interaction) {
			s.idx.AddUsed(i) // later identical requests record again
		}}
	case ModeRecord:
		if c, err := cassettes.Load(s.path); err == nil {
			s.old = c
		}
		s.cas = cassettes.New(s.path)
		s.rec = &recorder.Recorder{Real: s.real, Clock: s.cfg.clock, Source: s.cfg.canned}
	}
	s.client = &http.Client{Transport: transport{s}}
	t.Cleanup(s.cleanup)
	return s
}

// DefaultPath is the cassette path for a test name:
// testdata/cassettes/<name>.yaml, with subtests as folders and every
// character other than letters, digits, '.', '-' and '_' replaced by '_'.
// A name part that had characters other than spaces replaced gets "-" and
// 8 hex digits of a hash of the original part, so TestX/日本 and TestX/中文
// do not share a file (TestX/__-xxxxxxxx.yaml). (Spaces are not hashed:
// t.Name() has them as '_' already.)
func DefaultPath(testName string) string {
	return testpath.Path(filepath.Join("testdata", "cassettes"), testName, ".yaml")
}

func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for n, p := range parts {
		parts[n] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// packageDir is the test's package directory relative to its module root
// ("./replay"), for a command to paste; "." when it cannot be found.
func packageDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			rel, err := filepath.Rel(dir, wd)
			if err != nil || rel == "." {
				return "."
			}
			return "./" + filepath.ToSlash(rel)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return "."
		}
		dir = up
	}
}

// ciGuard refuses, under CI, a request that would leave the machine through
// http.DefaultTransport (given with WithRealTransport, or under
// WithUpstream) in a mode that reaches the server, to sent; loopback hosts
// (a test's own server) are allowed.
func (s *Session) ciGuard(r *http.Request, sent *url.URL) error {
	if s.mode == ModeReplay || !s.guardCI || !ci.Set() || isLoopback(sent.Hostname()) {
		return nil
	}
	return fmt.Errorf("replay: %s: refusing to send %s %s over the network because CI is set; record on a workstation and commit the cassette", s.path, r.Method, s.scrub.ScrubURL(sent.String()))
}

func resolveMode(name string, forced *Mode) (Mode, error) {
	if forced != nil {
		return *forced, nil
	}
	if recordFlag.set {
		if err := packageArgs(recordFlag.String(), flagArgs()); err != nil {
			return 0, err
		}
		if recordFlag.matches(name) {
			return ModeRecord, nil
		}
		return ModeReplay, nil
	}
	if env := os.Getenv("LLMVCR_MODE"); env != "" {
		return parseMode(env)
	}
	return ModeReplay, nil
}

// Client returns an HTTP client whose transport is the session.
func (s *Session) Client() *http.Client { return s.client }

// Transport returns the session as an http.RoundTripper.
func (s *Session) Transport() http.RoundTripper { return transport{s} }

// transport is the session as an http.RoundTripper.
type transport struct{ s *Session }

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) { return t.s.roundTrip(r) }

// Mode returns the session's mode.
func (s *Session) Mode() Mode { return s.mode }

// Path returns the cassette file.
func (s *Session) Path() string { return s.path }

// fail reports an error on the test unless it is ending or has ended.
func (s *Session) fail(err error) {
	s.endMu.RLock()
	defer s.endMu.RUnlock()
	if !s.ended {
		s.t.Errorf("%v", err)
	}
}

// report puts msg in the test log as an error, unless the test is ending
// or has ended.
func (s *Session) report(msg string) {
	s.endMu.RLock()
	defer s.endMu.RUnlock()
	if !s.ended {
		s.t.Error(msg)
	}
}

// isEnded reports whether the test's cleanup has begun.
func (s *Session) isEnded() bool { return s.endedQuick.Load() }

// ErrTestEnded is matched (errors.Is) by the error a session returns for
// a request that arrives after its test ended, such as one from a
// goroutine the code under test left running. Such a request is neither
// answered nor recorded, and nothing is reported on the finished test.
var ErrTestEnded = errors.New("replay: the test has ended")

// lateError is the error for a request after the test ended.
type lateError struct{ msg string }

func (e *lateError) Error() string        { return e.msg }
func (e *lateError) Is(target error) bool { return target == ErrTestEnded }

// Retryable reports false: the test will not come back.
func (e *lateError) Retryable() bool { return false }

// roundTrip answers one request according to the session's mode.
func (s *Session) roundTrip(r *http.Request) (*http.Response, error) {
	if s.isEnded() {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &lateError{msg: fmt.Sprintf("replay: %s %s arrived after test %s ended (a goroutine left running?); it was not answered: %v",
			r.Method, s.scrub.ScrubURL(r.URL.String()), s.name, ErrTestEnded)}
	}
	n := int(s.nreq.Add(1))
	if err := r.Context().Err(); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		if f := s.cfg.faults[n]; len(f) == 1 && f[0].kind == faultStallHeaders {
			// A stall ends when the caller gives up; a caller that gave
			// up before asking met exactly that.
			s.faultLog.apply(n)
		}
		return nil, err
	}
	orig, sent := r, r.URL
	if len(s.up) > 0 {
		stored, to, err := s.up.route(r.URL)
		if err != nil {
			if r.Body != nil {
				r.Body.Close()
			}
			return nil, s.routeError(r, err)
		}
		r, sent = withURL(r, stored), to
	}
	if err := s.ciGuard(r, sent); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		s.fail(err)
		return nil, err
	}
	resp, from, reqBody, err := s.answer(r, n)
	if err != nil || resp == nil {
		return resp, err
	}
	resp.Request = orig
	if from != missAnswer {
		s.bodies.track(resp, openBody{n: n, method: r.Method, url: r.URL, from: from, sent: reqBody, header: r.Header})
	}
	return resp, nil
}

// missAnswer stands, in answer's results, for the answer to a miss: the
// miss was reported already, so its body is not followed.
var missAnswer = &cassettes.Interaction{}

// answer answers request n according to the session's mode, with the
// recording it replayed (nil for an answer from the server or a fault,
// missAnswer for a miss) and, for an answer from the server, the request
// body sent.
func (s *Session) answer(r *http.Request, n int) (*http.Response, *cassettes.Interaction, []byte, error) {
	if s.mode == ModeRecord || s.mode == ModePassthrough {
		body, err := httpbody.ReadBody(r)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("replay: read request body: %w", err)
		}
		rt := s.real
		if s.mode == ModeRecord {
			rt = s.rec
		}
		resp, err := rt.RoundTrip(httpbody.WithBody(r, body))
		return resp, nil, body, err
	}
	// Replay: the body is needed only while it is matched, so its buffer
	// is reused.
	bp := bodyPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 {
			bodyPool.Put(bp)
		}
	}()
	body, err := httpbody.AppendBody((*bp)[:0], r)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("replay: read request body: %w", err)
	}
	*bp = body
	faults := s.cfg.faults[n]
	if len(faults) > 0 && faults[0].whole() {
		s.faultLog.apply(n) // validated: alone on its request
	}
	if err := headerFault(r, faults); err != nil {
		return nil, nil, nil, err
	}
	for _, f := range faults {
		if f.kind == faultRespond {
			return respondFault(r, f), nil, nil, nil
		}
	}
	i, err := s.idx.Match(r, body)
	if err != nil {
		var miss *match.MissError
		if errors.As(err, &miss) {
			if s.mode == ModeNewEpisodes {
				if len(faults) > 0 {
					s.faultLog.apply(n) // recorded live: faults apply to replayed answers only
				}
				sent := bytes.Clone(body)
				resp, err := s.rec.RoundTrip(httpbody.WithBody(r, sent))
				return resp, nil, sent, err
			}
			return s.miss(r, body, miss), missAnswer, nil, nil
		}
		s.fail(err)
		return nil, nil, nil, err
	}
	resp, err := s.replay(r, i, n, faults)
	return resp, i, nil, err
}

// headerFault returns the error of a fault that strikes before any answer:
// a refused connection, a reset, or a stall until the request gives up.
func headerFault(r *http.Request, faults []Fault) error {
	for _, f := range faults {
		switch f.kind {
		case faultRefuse:
			return &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
		case faultReset:
			return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
		case faultStallHeaders:
			<-r.Context().Done()
			return r.Context().Err()
		}
	}
	return nil
}

func respondFault(r *http.Request, f Fault) *http.Response {
	h := f.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", f.status, http.StatusText(f.status)),
		StatusCode:    f.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(f.body)),
		ContentLength: int64(len(f.body)),
		Request:       r,
	}
}

// cleanup saves recordings and reports interactions never replayed. From
// its start, requests get an error and nothing else is reported on the
// test by them.
func (s *Session) cleanup() {
	// What cleanup reports points at the test's replay.New line (testing
	// follows a helper cleanup to where it was registered), not at this
	// file.
	s.t.Helper()
	s.endMu.Lock()
	s.ended = true
	s.endedQuick.Store(true)
	s.endMu.Unlock()
	// Every mode, streamed or not: a body the client never closed.
	unclosed := s.unclosed()
	if s.mode == ModeReplay || s.mode == ModeNewEpisodes {
		// Faults apply to replayed answers only: a recording session
		// meets none, by design.
		if unfired := s.faultLog.unfired(s.cfg.faults, int(s.nreq.Load())); len(unfired) > 0 {
			s.t.Errorf("replay: %s: %d declared fault(s) never applied, so the test did not meet them:\n  %s", s.path, len(unfired), strings.Join(unfired, "\n  "))
		}
	}
	switch s.mode {
	case ModeReplay:
		if s.cfg.allowUnused {
			return
		}
		var unused []int
		for _, n := range s.idx.Unused() {
			// A recording shown as the closest to a miss was reported
			// with it: the drifted request is the one to fix.
			if !s.misses.shownAsClosest(n) {
				unused = append(unused, n)
			}
		}
		if len(unused) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "replay: %s: %d recorded interaction(s) were never replayed (use replay.AllowUnused() if that is intended):", s.path, len(unused))
			for _, n := range unused {
				i := s.idx.Interaction(n)
				fmt.Fprintf(&b, "\n  interaction %d: %s %s %s", n, i.Request.Method, s.scrub.ScrubURL(i.Request.URL), summarize(s.scrub.ScrubString(s.idx.RequestBody(n))))
			}
			s.t.Error(s.scrub.ScrubString(b.String()))
		}
	case ModeRecord, ModeNewEpisodes:
		if unclosed {
			return // reported: a body the client never closed
		}
		// Only a test that passed and made requests saves: anything
		// else would replace a good cassette with a worse one.
		if s.t.Failed() {
			s.t.Logf("replay: %s was not saved: the test failed, so the recording may be incomplete; the previous cassette (if any) is left as it was", s.path)
			return
		}
		if s.t.Skipped() {
			s.t.Logf("replay: %s was not saved: the test was skipped, so the recording may be incomplete; the previous cassette (if any) is left as it was", s.path)
			return
		}
		if s.nreq.Load() == 0 {
			s.t.Logf("replay: %s was not saved: the test made no request through the session; the previous cassette (if any) is left as it was", s.path)
			return
		}
		recorded := s.rec.Interactions()
		if s.mode == ModeRecord && len(recorded) == 0 {
			s.t.Errorf("replay: %s: none of the %d requests got a response, so there is nothing to save; the previous cassette (if any) is left as it was", s.path, s.nreq.Load())
			return
		}
		if len(recorded) == 0 {
			return // new-episodes, every request replayed: nothing new to save
		}
		if s.mode == ModeRecord && s.old != nil {
			if why := keep.Old(s.old.Interactions, recorded); why != "" {
				s.t.Errorf("replay: %s was not saved: %s; it is left as it was (delete it first to replace it)", s.path, why)
				return
			}
		}
		s.cas.Interactions = append(s.cas.Interactions, recorded...)
		var err error
		if s.cfg.rawBodies {
			err = s.cas.SaveRawWith(s.scrub)
		} else {
			err = s.cas.SaveWith(s.scrub)
		}
		if err != nil {
			s.t.Errorf("replay: %v", err)
			return
		}
		if s.old != nil {
			if rep := cassettes.Drift(s.old, s.cas); len(rep.Changes) > 0 {
				s.t.Logf("replay: re-recorded %s; changes against the previous recording:\n%s", s.path, rep)
			}
		}
	}
}

func summarize(body string) string {
	b := strings.Join(strings.Fields(body), " ")
	if len(b) > 100 {
		b = b[:100] + "..."
	}
	return b
}

var bodyPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

var errBodyClosed = errors.New("replay: read on closed response body")
