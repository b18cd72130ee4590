package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/playback"
)

// maxTiming bounds -timing: a factor past it (or NaN, or infinity) is a
// mistake, not a pace anyone waits for.
const maxTiming = 1000

// serveConfig holds the flags of record serve.
type serveConfig struct {
	addr    string
	timing  float64
	strict  bool
	repeat  bool
	ignore  []string
	headers []string
	faults  []string
	grace   time.Duration
}

func serveFlags(c *serveConfig) *flag.FlagSet {
	fs := flag.NewFlagSet("record serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:0", "listen on `host:port` (port 0 picks a free one)")
	fs.Float64Var(&c.timing, "timing", 0, "pace answers: each wait (time to headers, stream event offsets) times this `factor`; 1 as recorded, 0 at once")
	fs.BoolVar(&c.strict, "strict", false, "exit with status 1 when a request missed or a recording was never replayed")
	fs.BoolVar(&c.repeat, "repeat", false, "once every recording of a request was used, the last keeps answering (default: each answers once, in recorded order)")
	fs.Var(listFlag{&c.ignore}, "ignore", "a JSON `path` of request bodies left out of matching, such as seed or messages[*].tool_call_id (repeat the flag, or separate with commas)")
	fs.Var(listFlag{&c.headers}, "match-header", "a request header `name` that must match too (repeat the flag, or separate with commas)")
	fs.Var(listFlag{&c.faults}, "fault", "a fault on the N-th request, `N:KIND`: N:cut-after=K, N:stall-after=K, N:corrupt-event=K, N:respond=STATUS, N:reset, N:stall-headers (repeatable)")
	fs.DurationVar(&c.grace, "grace", 10*time.Second, "on stop, how long answers still streaming may take to finish")
	return fs
}

const serveUsage = `record serve: answer HTTP requests from cassettes, for clients in any language.

Usage:
  record serve [-addr HOST:PORT] [-timing F] [-strict] [-repeat] [-ignore PATH]
               [-match-header NAME] [-fault N:KIND] CASSETTE...

The first line on stdout is the base URL, such as http://127.0.0.1:43123: give
it to the client in place of the API's origin, keeping the recorded path
(https://api.groq.com/openai/v1 becomes http://127.0.0.1:43123/openai/v1).
Requests are matched as replay matches them: method, path and query, and the
JSON body by value (key order, spacing and number spelling do not matter);
identical requests get their recordings in recorded order. Streams are sent
event by event (at their recorded offsets with -timing 1).

A request no recording matches gets 404 with X-Should-Retry: false and
X-Llmvcr-Replay-Miss: true; its JSON body's error message is the report: the
closest recording and the differences by JSON path. The report is logged on
stderr too. On SIGINT or SIGTERM the server stops and lists the recordings
never replayed; with -strict, a miss or an unused recording makes the exit
status 1.

Bounds: a CASSETTE is a regular file of at most 256 MiB. A request body over
64 MiB gets 413, one not sent within a minute 408, and one that would take
the bodies being read at once past 256 MiB 503 with Retry-After; a kept-alive
connection idle for two minutes is closed.

No answer of serve's passes for a real API's: each carries X-Llmvcr-Source,
so a recording of it (record proxy in front of serve, a replay session
recording against it) is marked canned, as one recorded from a fake is, and
record lint and replay say so. A recording's own mark is kept in it ("record
serve, replaying a recording from the embedded fake Groq server"); a real
API's recording replayed is a copy, not a live answer ("record serve,
replaying a real API's recording"); serve's own answers (a miss, a fault)
say "record serve".

Faults (N counts requests from 1, in arrival order): cut-after=K breaks the
connection after K events; stall-after=K stops sending after K events until
the client gives up; corrupt-event=K garbles event K's data (from 0);
respond=STATUS answers STATUS (an error, 400 to 599) with a JSON error;
reset breaks the connection before any answer; stall-headers sends nothing
until the client gives up (a stop breaks both stalls at once).

Flags:
`

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c serveConfig
	fs := serveFlags(&c)
	paths, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, serveUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return err
	}
	if err != nil {
		return flagError(err)
	}
	if len(paths) == 0 {
		return usagef("record serve needs at least one cassette: record serve CASSETTE...")
	}
	if math.IsNaN(c.timing) || c.timing < 0 || c.timing > maxTiming {
		return usagef("-timing %v: want a factor from 0 to %d (0 answers at once, 1 as recorded)", c.timing, maxTiming)
	}
	if c.grace < 0 {
		return usagef("-grace must not be negative")
	}
	faults, err := parseFaults(c.faults)
	if err != nil {
		return err
	}
	var match []cassettes.MatchOption
	if len(c.ignore) > 0 {
		match = append(match, cassettes.IgnoreJSONPaths(c.ignore...))
	}
	if len(c.headers) > 0 {
		match = append(match, cassettes.MatchHeaders(c.headers...))
	}
	if c.repeat {
		match = append(match, cassettes.Repeatable())
	}
	if err := checkMatchOptions(match...); err != nil {
		return usagef("%v", err)
	}
	log := &lockedWriter{w: stderr}
	logf := func(format string, args ...any) { log.printf("record serve: "+format, args...) }
	s := &server{bodies: &bodyGate{max: maxRequestBody}, scale: c.timing, faults: faults, logf: logf, stopping: ctx.Done(), scrub: cassettes.NewScrubber(cassettes.WithLogf(func(string, ...any) {})), reported: map[uint64]bool{}}
	for _, p := range paths {
		if err := checkCassette(p); err != nil {
			return err
		}
		cas, err := cassettes.Load(p)
		if err != nil {
			return fmt.Errorf("cannot serve %s: %w", p, unwrapPath(err))
		}
		s.sets = append(s.sets, newCassetteSet(p, cas, match))
	}
	ln, err := listenAddr(c.addr)
	if err != nil {
		return err
	}
	for _, set := range s.sets {
		logf("%s: %s (%s)", set.path, plural(len(set.cas.Interactions), "recording"), strings.Join(set.origins, ", "))
	}
	logw := scrubWriter{w: log, scrub: s.scrub.ScrubString}
	if _, err := serveUntil(ctx, ln, s, c.grace, stdout, logw, logf); err != nil {
		return err
	}
	return s.finish(c.strict)
}

// checkCassette gives a directory named as a cassette a hint (its files);
// cassettes.Load refuses every other path that is no cassette file (a
// named pipe, a device, a file over inputfile.MaxSize) before reading it.
func checkCassette(path string) error {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("cannot serve %s: it is a directory; give its cassette files (record serve %s)", path, filepath.Join(path, "*.yaml"))
	}
	return nil
}

// cassetteSet is one served cassette.
type cassetteSet struct {
	path    string
	cas     *cassettes.Cassette
	idx     *matchIndex
	origins []string // the scheme://host of its recorded URLs, in recorded order
}

func newCassetteSet(path string, c *cassettes.Cassette, match []cassettes.MatchOption) *cassetteSet {
	s := &cassetteSet{path: path, cas: c, idx: newIndex(c, match...)}
	seen := map[string]bool{}
	for _, i := range c.Interactions {
		u, err := url.Parse(i.Request.URL)
		if err != nil || u.Host == "" {
			continue
		}
		o := u.Scheme + "://" + u.Host
		if !seen[o] {
			seen[o] = true
			s.origins = append(s.origins, o)
		}
	}
	return s
}

// server answers requests from its cassettes.
type server struct {
	bodies *bodyGate // admits request bodies
	sets   []*cassetteSet
	scale  float64
	faults map[int]*serveFault
	logf   func(string, ...any)
	scrub  *cassettes.Scrubber // for log lines: the default secrets
	// stopping is closed when the server begins to stop: a stalled answer
	// (a stall fault) would never finish within the grace, so it breaks
	// at once.
	stopping <-chan struct{}

	n        atomic.Int64 // requests received
	answered atomic.Int64
	mu       sync.Mutex
	misses   int
	reported map[uint64]bool // misses already reported in full
	applied  map[int]bool    // requests whose faults applied
}

// maxRequestBody bounds a request body read for matching.
const maxRequestBody = 64 << 20

// readGated reads a body a bodyGate admitted; a failure is the reason to
// give the client (400 when the gate gave none: the client broke off).
func readGated(rb io.ReadCloser, length int64) ([]byte, *bodyError) {
	body, err := httpbody.ReadBody(&http.Request{Body: rb, ContentLength: length})
	if err == nil {
		return body, nil
	}
	var be *bodyError
	if errors.As(err, &be) {
		return nil, be
	}
	return nil, &bodyError{status: http.StatusBadRequest, msg: "cannot read the request body: " + err.Error(), err: err}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := int(s.n.Add(1))
	// No answer of serve's is a real API's: one recorded from it (by
	// record proxy, or by a replay session recording) is marked canned.
	w.Header().Set(httpbody.SourceHeader, serveSource)
	rb, release, berr := s.bodies.open(w, r)
	defer release()
	var body []byte
	if berr == nil {
		body, berr = readGated(rb, r.ContentLength)
	}
	if berr != nil {
		s.logf("request %d: %s %s: refused: %s", n, r.Method, s.scrub.ScrubURL(r.URL.RequestURI()), berr.msg)
		writeError(w, berr.status, refusalHeader(berr.status), "llmvcr_replay_error", "record serve: "+berr.msg)
		return
	}
	f := s.faults[n] // nil when none
	if f != nil && f.whole() {
		s.apply(n)
		s.logf("request %d: %s %s: fault %s", n, r.Method, s.scrub.ScrubURL(r.URL.RequestURI()), f.spec)
		switch f.plan.Whole.Kind {
		case playback.FaultRespond:
			writeError(w, f.plan.Whole.Status, nil, "fault_injected", fmt.Sprintf("record serve: fault -fault %s", f.spec))
		case playback.FaultReset, playback.FaultRefuse:
			panic(http.ErrAbortHandler) // the connection breaks before any answer
		case playback.FaultStallHeaders:
			select {
			case <-r.Context().Done():
			case <-s.stopping:
				panic(http.ErrAbortHandler)
			}
		}
		return
	}
	set, i, miss, err := s.match(r, body)
	switch {
	case err != nil:
		s.logf("request %d: %s %s: %v", n, r.Method, s.scrub.ScrubURL(r.URL.RequestURI()), err)
		writeError(w, http.StatusConflict, http.Header{"X-Should-Retry": {"false"}}, "llmvcr_replay_ambiguous", err.Error())
		return
	case i == nil:
		s.miss(w, r, body, miss)
		return
	}
	release() // the body was matched: the answer (a stream that lasts) does not hold it
	s.answered.Add(1)
	s.play(w, r, n, set, i, f)
}

// match finds the recording for r in the cassettes, in order, trying the
// request's path and query under each origin the cassette recorded. With
// no match, miss is the report to give: the one whose closest recording
// differs least.
func (s *server) match(r *http.Request, body []byte) (*cassetteSet, *cassettes.Interaction, *missError, error) {
	var best *missError
	for _, set := range s.sets {
		origins := set.origins
		if len(origins) == 0 {
			origins = []string{"http://" + r.Host}
		}
		for _, o := range origins {
			u, err := url.Parse(o + r.URL.RequestURI())
			if err != nil {
				continue
			}
			rr := r.Clone(r.Context())
			rr.URL = u
			i, err := set.idx.Match(rr, body)
			var me *missError
			switch {
			case err == nil:
				return set, i, nil, nil
			case errors.As(err, &me):
				if best == nil || closerMiss(me, best) {
					best = me
				}
			default:
				return nil, nil, nil, err
			}
		}
	}
	return nil, nil, best, nil
}

// closerMiss reports whether miss a shows a closer recording than b: one at
// all, then one of the same method and URL, then fewer differences.
func closerMiss(a, b *missError) bool {
	if (a.Closest != nil) != (b.Closest != nil) {
		return a.Closest != nil
	}
	if a.Closest == nil {
		return false
	}
	sameA := a.Closest.Method == a.Method && a.Closest.URL == a.URL
	sameB := b.Closest.Method == b.Method && b.Closest.URL == b.URL
	if sameA != sameB {
		return sameA
	}
	return len(a.Paths) < len(b.Paths)
}

// miss answers a request no recording matches, as replay does: 404 with
// X-Should-Retry: false, so no common client retries, and the report as
// the error message; the report is logged once per distinct request.
func (s *server) miss(w http.ResponseWriter, r *http.Request, body []byte, m *missError) {
	report := "no cassette is served"
	if m != nil {
		report = strings.ReplaceAll(m.Error(), "\u00a0", " ") // go-cmp's non-breaking spaces
		report = strings.TrimPrefix(report, "cassettes: ")
	}
	report = "record serve: " + report
	h := fnv.New64a()
	fmt.Fprintf(h, "%s\x00%s\x00", r.Method, r.URL.RequestURI())
	h.Write(body)
	s.mu.Lock()
	s.misses++
	first := !s.reported[h.Sum64()]
	s.reported[h.Sum64()] = true
	s.mu.Unlock()
	if first {
		s.logf("MISS %s", strings.TrimPrefix(report, "record serve: "))
	} else {
		s.logf("MISS again: %s %s (reported above)", r.Method, s.scrub.ScrubURL(r.URL.RequestURI()))
	}
	writeError(w, http.StatusNotFound, http.Header{"X-Should-Retry": {"false"}, "X-Llmvcr-Replay-Miss": {"true"}}, "llmvcr_replay_miss", report)
}

// writeError answers status with a JSON error body in the shape of
// OpenAI-compatible APIs and Gemini ({"error": {"message"}}) with
// Anthropic's top-level "type", so each SDK finds the message.
func writeError(w http.ResponseWriter, status int, h http.Header, typ, msg string) {
	b, _ := json.Marshal(map[string]any{"type": "error", "error": map[string]any{"type": typ, "message": msg}})
	for k, v := range h {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// hopHeaders describe one connection, not the answer: a recording's are
// not replayed (the server sets its own).
var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Te", "Trailer", "Upgrade"}

// play writes recording i onto w with internal/playback: the recorded
// headers, then the body whole, or event by event, flushed, at the
// recorded offsets times the scale, with the request's stream faults.
func (s *server) play(w http.ResponseWriter, r *http.Request, n int, set *cassetteSet, i *cassettes.Interaction, sf *serveFault) {
	ctx := r.Context()
	p, err := playback.Prepare(&i.Response)
	if err == nil && p.Code < 200 {
		// An informational status is no answer: net/http would send it
		// and then a 200 of its own with the recorded body.
		err = fmt.Errorf("status %d is informational, not a final answer (a hand-edited cassette?)", p.Code)
	}
	if err != nil {
		s.logf("request %d: %s: cannot replay the recording: %v", n, set.path, err)
		writeError(w, http.StatusInternalServerError, http.Header{"X-Should-Retry": {"false"}}, "llmvcr_replay_error", fmt.Sprintf("record serve: %s: cannot replay the recording: %v", set.path, err))
		return
	}
	pieces := p.Pieces()
	f := playback.NoFaults
	if sf != nil {
		f = sf.plan.Stream
		fits := true
		for k, x := range sf.faults {
			if !x.Fits(len(pieces)) {
				fits = false
				s.logf("request %d: %s never applied: the answer has only %s", n, sf.names[k], plural(len(pieces), "event"))
			}
		}
		if fits {
			s.apply(n)
		}
	}
	s.logf("request %d: %s %s -> %s interaction %d (%d)", n, r.Method, s.scrub.ScrubURL(r.URL.RequestURI()), set.path, recordedAt(set, i), p.Code)
	clk := clock.Real{}
	if d := p.HeaderWait(s.scale); d > 0 {
		if clk.Sleep(ctx, d) != nil {
			return
		}
	}
	h := w.Header()
	for k, v := range p.Header {
		h[k] = v
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
	h.Set(httpbody.SourceHeader, servedFrom(i.Response.Headers.Get(httpbody.SourceHeader)))
	if p.Whole(f) {
		h.Set("Content-Length", strconv.Itoa(len(p.Body)))
		w.WriteHeader(p.Code)
		io.WriteString(w, p.Body)
		return
	}
	if p.Length < 0 || !f.None() {
		h.Del("Content-Length") // a stream, a recorded break or a fault: the end is the connection's
	}
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan struct{})
	if f.Stall >= 0 {
		// A stalled stream never finishes: the stop breaks it at once
		// rather than waiting out the grace.
		go func() {
			select {
			case <-s.stopping:
				close(stopped)
				cancel()
			case <-bctx.Done():
			}
		}()
	}
	body := playback.NewBody(bctx, cancel, pieces, playback.Config{Clock: clk, Start: clk.Now(), Scale: s.scale, EndErr: p.EndErr, Faults: f})
	defer body.Close()
	w.WriteHeader(p.Code)
	rc := http.NewResponseController(w)
	rc.Flush()
	buf := make([]byte, 32<<10)
	for {
		k, err := body.Read(buf)
		if k > 0 {
			if _, werr := w.Write(buf[:k]); werr != nil {
				return
			}
			rc.Flush()
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF):
			return
		case errors.Is(err, io.ErrUnexpectedEOF):
			panic(http.ErrAbortHandler) // a recorded break, or cut-after: the client sees the connection break
		default:
			select {
			case <-stopped:
				panic(http.ErrAbortHandler) // a stall the stop ended: the client sees the connection break
			default:
				return // the client is gone, or the server is stopping
			}
		}
	}
}

// serveSource is the X-Llmvcr-Source (httpbody.SourceHeader) of the
// answers serve makes itself: a miss, a fault, an error.
const serveSource = "record serve"

// maxSource bounds the X-Llmvcr-Source serve passes on from a recording.
const maxSource = 200

// servedFrom is the X-Llmvcr-Source of an answer replayed from a
// recording whose own is recorded ("" for a real API's answer). A
// recording of it is canned either way: a real API's answer replayed is a
// copy, not a live answer (its timing is serve's, and the request it
// answers only matched the recorded one). The value names the original
// source once, so a canned recording stays canned, under the same name,
// however many times it goes through serve and a proxy.
func servedFrom(recorded string) string {
	if recorded == "" {
		return serveSource + ", replaying a real API's recording"
	}
	// One line of printable text, bounded: the value is a response
	// header and a lint message quotes it.
	clean := strings.Join(strings.FieldsFunc(recorded, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }), " ")
	if len(clean) > maxSource {
		clean = strings.ToValidUTF8(clean[:maxSource], "") + "..."
	}
	switch {
	case clean == "":
		return serveSource + ", replaying a canned recording"
	case clean == serveSource || strings.HasPrefix(clean, serveSource+","):
		return clean // it went through serve before
	}
	return serveSource + ", replaying a recording from " + clean
}

// recordedAt is i's place in its cassette.
func recordedAt(set *cassetteSet, i *cassettes.Interaction) int {
	for k, x := range set.cas.Interactions {
		if x == i {
			return k
		}
	}
	return -1
}

func (s *server) apply(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.applied == nil {
		s.applied = map[int]bool{}
	}
	s.applied[n] = true
}

// finish lists what was never replayed and the faults that never applied,
// and says whether the session passes -strict.
func (s *server) finish(strict bool) error {
	unused, total := 0, 0
	for _, set := range s.sets {
		total += len(set.cas.Interactions)
		for _, k := range set.idx.Unused() {
			unused++
			i := set.idx.Interaction(k)
			s.logf("never replayed: %s interaction %d: %s %s %s", set.path, k, i.Request.Method, s.scrub.ScrubURL(i.Request.URL), serveSummary(s.scrub.ScrubString(i.Request.Body)))
		}
	}
	s.mu.Lock()
	misses := s.misses
	var unfired []string
	for n, f := range s.faults {
		if !s.applied[n] {
			unfired = append(unfired, fmt.Sprintf("-fault %s", f.spec))
		}
	}
	s.mu.Unlock()
	sort.Strings(unfired)
	for _, u := range unfired {
		s.logf("fault never applied: %s", u)
	}
	s.logf("%s, %d answered, %d missed; %d of %s never replayed", plural(int(s.n.Load()), "request"), s.answered.Load(), misses, unused, plural(total, "recording"))
	if strict && (unused > 0 || misses > 0 || len(unfired) > 0) {
		return &failure{fmt.Sprintf("-strict: %d missed, %d of %s never replayed, %s never applied", misses, unused, plural(total, "recording"), plural(len(unfired), "fault"))}
	}
	return nil
}

// serveSummary is a request body on one short line.
func serveSummary(body string) string {
	b := strings.Join(strings.Fields(body), " ")
	return oneLine(b, 100)
}

// serveFault is the -fault flags of one request.
type serveFault struct {
	spec   string           // the flags' values as given, such as "2:cut-after=3, 2:corrupt-event=1"
	names  []string         // each fault as given: "-fault 2:cut-after=3"
	faults []playback.Fault // each fault
	plan   playback.Plan
}

// whole reports whether the fault replaces the whole answer.
func (f *serveFault) whole() bool { return f.plan.Whole.Kind != 0 }

// serveFaultKinds are the faults -fault knows, and whether each takes a
// value (an event count or a status).
var serveFaultKinds = map[string]struct {
	kind   playback.FaultKind
	hasArg bool
}{
	"cut-after":     {playback.FaultCut, true},
	"stall-after":   {playback.FaultStall, true},
	"corrupt-event": {playback.FaultCorrupt, true},
	"respond":       {playback.FaultRespond, true},
	"reset":         {playback.FaultReset, false},
	"stall-headers": {playback.FaultStallHeaders, false},
}

// parseFaults parses the -fault flags, and checks the faults of each
// request with playback's rules, which replay's OnRequest follows too.
func parseFaults(specs []string) (map[int]*serveFault, error) {
	out := map[int]*serveFault{}
	var order []int
	for _, spec := range specs {
		n, f, err := parseFault(spec)
		if err != nil {
			return nil, err
		}
		sf := out[n]
		if sf == nil {
			sf = &serveFault{}
			out[n] = sf
			order = append(order, n)
		}
		sf.spec = strings.TrimPrefix(sf.spec+", "+spec, ", ")
		sf.names = append(sf.names, "-fault "+spec)
		sf.faults = append(sf.faults, f)
	}
	var problems []string
	for _, n := range order {
		sf := out[n]
		// respond writes an error body: a 1xx would reach the client as
		// a 200 carrying it, and a 2xx or 3xx is no fault.
		plan, ps := playback.PlanFaults(sf.faults, playback.FaultRules{Name: func(k int) string { return sf.names[k] }, MinStatus: 400})
		sf.plan = plan
		problems = append(problems, ps...)
	}
	if len(problems) > 0 {
		return nil, usagef("%s", strings.Join(problems, "; "))
	}
	return out, nil
}

// parseFault parses one -fault N:KIND.
func parseFault(spec string) (int, playback.Fault, error) {
	ns, kind, ok := strings.Cut(spec, ":")
	n, err := strconv.Atoi(ns)
	if !ok || err != nil || n < 1 {
		return 0, playback.Fault{}, usagef("-fault %q: want N:KIND with N the request's number from 1, such as 2:cut-after=3", spec)
	}
	name, arg, hasArg := strings.Cut(kind, "=")
	known, ok := serveFaultKinds[name]
	if !ok {
		return 0, playback.Fault{}, usagef("-fault %q: unknown fault %q (want cut-after=K, stall-after=K, corrupt-event=K, respond=STATUS, reset or stall-headers)", spec, name)
	}
	if known.hasArg != hasArg {
		if hasArg {
			return 0, playback.Fault{}, usagef("-fault %q: %s takes no value", spec, name)
		}
		return 0, playback.Fault{}, usagef("-fault %q: %s needs a value, such as %s=1", spec, name, name)
	}
	f := playback.Fault{Kind: known.kind}
	if hasArg {
		k, err := strconv.Atoi(arg)
		if err != nil || (k < 0 && known.kind != playback.FaultRespond) {
			return 0, playback.Fault{}, usagef("-fault %q: %s takes a number of 0 or more", spec, name)
		}
		if known.kind == playback.FaultRespond {
			f.Status = k
		} else {
			f.K = k
		}
	}
	return n, f, nil
}
