package replay

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/llmvcr/llmvcr/cassettes"
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
	idx    *cassettes.Index    // replay, new-episodes
	nreq   atomic.Int64        // requests received
	done   atomic.Bool         // the test has ended: do not call t.Error any more
	rec    *Recorder           // records (record, new-episodes)
	client *http.Client
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
// hosts.)
// The cleanup saves only when the test passed.
func New(t testing.TB, opts ...Option) *Session {
	t.Helper()
	s := &Session{t: t, cfg: config{clock: realClock{}}}
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
	s.mode = mode
	network := mode == ModeRecord || mode == ModeNewEpisodes || mode == ModePassthrough
	// http.DefaultTransport given explicitly may reach the network: under
	// CI it is allowed for loopback hosts only (checked per request).
	if network && ciSet() && s.cfg.real == nil {
		what := "record"
		if mode == ModePassthrough {
			what = "reach the real server"
		}
		t.Fatalf("replay: %s: refusing to %s (mode %s) because CI is set; record on a workstation with GROQ_API_KEY set and commit the cassette", s.path, what, mode)
	}
	if (mode == ModeRecord || mode == ModeNewEpisodes) && s.cfg.real == nil {
		envs := append(append([]string{}, cassettes.DefaultSecretEnv()...), s.cfg.secretEnvs...)
		set := false
		for _, e := range envs {
			set = set || os.Getenv(e) != ""
		}
		if !set {
			t.Fatalf("replay: recording needs %s set in the environment (the API key the real server wants; it is scrubbed from the cassette): %s was not recorded", strings.Join(envs, " or "), s.path)
		}
	}
	s.scrub = cassettes.NewScrubber(append([]cassettes.Option{cassettes.WithLogf(t.Logf)}, s.cfg.scrub...)...)
	s.real = s.cfg.real
	if s.real == nil {
		s.real = http.DefaultTransport
	}
	match := append([]cassettes.MatchOption{cassettes.MatchScrubber(s.scrub)}, s.cfg.match...)
	switch mode {
	case ModeReplay:
		c, err := cassettes.Load(s.path)
		if errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("replay: no cassette %s for %s; record it with:\n\tGROQ_API_KEY=... go test %s -run '%s' -record\n(the package first, -record last), or every test of every package with:\n\tGROQ_API_KEY=... LLMVCR_MODE=record go test ./...", s.path, t.Name(), packageDir(), runPattern(t.Name()))
		}
		if err != nil {
			t.Fatal(err)
		}
		s.idx = cassettes.NewIndex(c, match...)
	case ModeNewEpisodes:
		c, err := cassettes.Load(s.path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			c = cassettes.New(s.path)
		case err != nil:
			t.Fatal(err)
		}
		s.cas = c
		s.idx = cassettes.NewIndex(c, match...)
		s.rec = &Recorder{Real: s.real, Clock: s.cfg.clock, OnRecorded: func(i *cassettes.Interaction) {
			s.idx.Add(i, true) // later identical requests record again
		}}
	case ModeRecord:
		if c, err := cassettes.Load(s.path); err == nil {
			s.old = c
		}
		s.cas = cassettes.New(s.path)
		s.rec = &Recorder{Real: s.real, Clock: s.cfg.clock}
	}
	s.client = &http.Client{Transport: s}
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
	parts := strings.Split(testName, "/")
	for n, orig := range parts {
		var b strings.Builder
		replaced := false
		for _, r := range orig {
			if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				b.WriteRune(r)
			} else {
				b.WriteByte('_')
				// go test itself turns spaces into '_' in t.Name(), so a
				// space is no new collision.
				replaced = replaced || r != ' '
			}
		}
		p := b.String()
		if p == "" || strings.Trim(p, ".") == "" {
			p = "_" + p
		}
		if replaced {
			h := fnv.New32a()
			h.Write([]byte(orig))
			p = fmt.Sprintf("%s-%08x", p, h.Sum32())
		}
		parts[n] = p
	}
	return filepath.Join(append([]string{"testdata", "cassettes"}, parts...)...) + ".yaml"
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
// http.DefaultTransport (given with WithRealTransport) in a mode that
// reaches the server; loopback hosts (a test's own server) are allowed.
func (s *Session) ciGuard(r *http.Request) error {
	if s.mode == ModeReplay || s.cfg.real != http.DefaultTransport || !ciSet() {
		return nil
	}
	host := r.URL.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("replay: %s: refusing to send %s %s over the network because CI is set; record on a workstation and commit the cassette", s.path, r.Method, s.scrub.ScrubURL(r.URL.String()))
}

// ciSet reports whether the CI environment variable says this is a CI run:
// set to anything but "", "0" or "false" (in any case).
func ciSet() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

func resolveMode(name string, forced *Mode) (Mode, error) {
	if forced != nil {
		return *forced, nil
	}
	if recordFlag.set {
		if recordFlag.matches(name) {
			return ModeRecord, nil
		}
		return ModeReplay, nil
	}
	if env := os.Getenv("LLMVCR_MODE"); env != "" {
		return ParseMode(env)
	}
	return ModeReplay, nil
}

// Client returns an HTTP client whose transport is the session.
func (s *Session) Client() *http.Client { return s.client }

// Transport returns the session as an http.RoundTripper.
func (s *Session) Transport() http.RoundTripper { return s }

// Mode returns the session's mode.
func (s *Session) Mode() Mode { return s.mode }

// Path returns the cassette file.
func (s *Session) Path() string { return s.path }

// fail reports an error on the test unless it has already ended.
func (s *Session) fail(err error) {
	if !s.done.Load() {
		s.t.Errorf("%v", err)
	}
}

// RoundTrip answers one request according to the session's mode.
func (s *Session) RoundTrip(r *http.Request) (*http.Response, error) {
	n := int(s.nreq.Add(1))
	if err := r.Context().Err(); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, err
	}
	if err := s.ciGuard(r); err != nil {
		if r.Body != nil {
			r.Body.Close()
		}
		s.fail(err)
		return nil, err
	}
	if s.mode == ModePassthrough || s.mode == ModeRecord {
		body, err := cassettes.ReadBody(r)
		if err != nil {
			return nil, fmt.Errorf("replay: read request body: %w", err)
		}
		if s.mode == ModePassthrough {
			return s.real.RoundTrip(withBody(r, body))
		}
		return s.rec.record(r, body)
	}
	// Replay: the body is needed only while it is matched, so its buffer
	// is reused.
	bp := bodyPool.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 1<<20 {
			bodyPool.Put(bp)
		}
	}()
	body, err := cassettes.AppendBody((*bp)[:0], r)
	if err != nil {
		return nil, fmt.Errorf("replay: read request body: %w", err)
	}
	*bp = body
	faults := s.cfg.faults[n]
	if err := headerFault(r, faults); err != nil {
		return nil, err
	}
	for _, f := range faults {
		if f.kind == faultRespond {
			return respondFault(r, f), nil
		}
	}
	i, err := s.idx.Match(r, body)
	if err != nil {
		if s.mode == ModeNewEpisodes {
			var miss *cassettes.MissError
			if errors.As(err, &miss) {
				return s.rec.record(r, bytes.Clone(body))
			}
		}
		s.fail(err)
		return nil, err
	}
	return s.replay(r, i, faults)
}

func withBody(r *http.Request, body []byte) *http.Request {
	r2 := r.Clone(r.Context())
	if body != nil {
		r2.Body = io.NopCloser(bytes.NewReader(body))
		r2.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		r2.ContentLength = int64(len(body))
	} else {
		r2.Body = nil
	}
	return r2
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

// cleanup saves recordings and reports interactions never replayed.
func (s *Session) cleanup() {
	defer s.done.Store(true)
	switch s.mode {
	case ModeReplay:
		if s.cfg.allowUnused {
			return
		}
		if unused := s.idx.Unused(); len(unused) > 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "replay: %s: %d recorded interaction(s) were never replayed (use replay.AllowUnused() if that is intended):", s.path, len(unused))
			for _, n := range unused {
				i := s.idx.Interaction(n)
				fmt.Fprintf(&b, "\n  interaction %d: %s %s %s", n, i.Request.Method, s.scrub.ScrubURL(i.Request.URL), summarize(s.scrub.ScrubString(i.Request.Body)))
			}
			s.t.Error(s.scrub.ScrubString(b.String()))
		}
	case ModeRecord, ModeNewEpisodes:
		if n := s.rec.Open(); n > 0 {
			s.t.Errorf("replay: %s: %d response bodies still open; close them before the test ends (the cassette was not saved)", s.path, n)
			return
		}
		if s.t.Failed() {
			s.t.Logf("replay: %s was not saved: the test failed, so the recording may be incomplete; the previous cassette (if any) is left as it was", s.path)
			return
		}
		recorded := s.rec.Interactions()
		if s.mode == ModeRecord && len(recorded) == 0 && s.nreq.Load() > 0 {
			s.t.Errorf("replay: %s: none of the %d requests got a response, so there is nothing to save; the previous cassette (if any) is left as it was", s.path, s.nreq.Load())
			return
		}
		s.cas.Interactions = append(s.cas.Interactions, recorded...)
		var err error
		if s.cfg.rawBodies {
			err = s.cas.SaveWith(s.scrub, true)
		} else {
			err = s.cas.SaveWith(s.scrub, false)
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
