// Package match answers HTTP requests from recorded interactions: the
// Index that replay (and record serve) look requests up in. A request
// matches a recording with the same method, URL (scrubbed as the cassette
// was saved), matched headers (Headers) and body: byte for byte, or, for
// JSON, by canonical form (keys sorted, numbers by value, IgnoreJSONPaths
// left out). A request that matches nothing gets a *MissError naming the
// closest recording and the differences by JSON path; one whose
// recordings cannot be told apart, an *AmbiguousError. Users configure
// matching through replay's options (cassettes.MatchOption is Option).
package match

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/dnaeon/go-vcr.v3/cassette"

	"github.com/llmvcr/llmvcr/internal/httpbody"
	"github.com/llmvcr/llmvcr/internal/jsonpath"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/retry"
	"github.com/llmvcr/llmvcr/internal/textcut"
)

// Interaction is a recorded request and its response (go-vcr v3's type,
// which cassettes.Interaction is too).
type Interaction = cassette.Interaction

// Request is a recorded request (go-vcr v3's type).
type Request = cassette.Request

// Option configures an Index (cassettes.MatchOption is this type).
type Option func(*config)

type config struct {
	headers []string
	ignore  []jsonpath.Pattern
	scrub   *Scrubbing
	repeat  bool
	err     error // the first malformed IgnoreJSONPaths path
}

// Headers makes the named request headers part of a match (by default
// all headers are ignored). Values are compared after scrubbing.
func Headers(names ...string) Option {
	return func(c *config) {
		for _, n := range names {
			c.headers = append(c.headers, http.CanonicalHeaderKey(n))
		}
	}
}

// IgnoreJSONPaths leaves the given paths of JSON request bodies out of a
// match. A path is written as assert's IgnorePaths and failure messages
// write it: "seed", "messages[*].tool_call_id", "tools[0].function.strict",
// "**.x_groq", `metadata["a.b"]`. A malformed path is an error from
// CheckOptions and from every Match.
func IgnoreJSONPaths(paths ...string) Option {
	return func(c *config) {
		for _, p := range paths {
			jp, err := jsonpath.Parse(p)
			if err != nil {
				if c.err == nil {
					c.err = fmt.Errorf("cassettes: IgnoreJSONPaths: %w", err)
				}
				continue
			}
			c.ignore = append(c.ignore, jp)
		}
	}
}

// Repeatable lets recorded interactions answer more than once: once every
// recording of a request has been used, the last one keeps answering.
func Repeatable() Option {
	return func(c *config) { c.repeat = true }
}

// Scrub sets the scrubbing the cassette was saved with: incoming requests
// are scrubbed the same way before they are compared, and miss reports
// are scrubbed with it. By default, DefaultScrubbing.
func Scrub(s *Scrubbing) Option {
	return func(c *config) { c.scrub = s }
}

// Index answers requests from recorded interactions. It is built once per
// cassette: each recorded body's compact and canonical forms are computed
// at build time, so a lookup is a map access on the request's bytes, and
// the request's body is parsed only when its bytes match no recording.
// Identical requests get their recorded responses in recorded order;
// different requests may come in any order. An Index is safe for
// concurrent use.
type Index struct {
	path string
	cfg  config

	mu      sync.Mutex
	entries []*entry
	exact   map[headKey]map[string]*queue // recorded body bytes (as saved, and compact) -> the queue of their canonical form
	canon   map[headKey]map[string]*queue // canonical body -> entries, in recorded order
}

// headKey is what a match compares besides the body.
type headKey struct {
	method, url string
	headers     string // the MatchHeaders values, "" when none are matched
}

type entry struct {
	n    int
	i    *Interaction
	body string // the recorded body under the request body rule (Scrubbing.requestBody)
	used bool
}

type queue struct {
	list       []*entry
	next       int  // list[:next] are all used
	indistinct bool // an entry was recorded for a request that differed from another only in scrubbed text
}

// ambiguous reports a queue whose recordings cannot be told apart: more
// than one, recorded for requests that differed only in text Save
// scrubbed.
func (q *queue) ambiguous() bool { return q.indistinct && len(q.list) > 1 }

func (q *queue) take(repeat bool) *entry {
	for q.next < len(q.list) && q.list[q.next].used {
		q.next++
	}
	if q.next == len(q.list) {
		if repeat && len(q.list) > 0 {
			return q.list[len(q.list)-1]
		}
		return nil
	}
	e := q.list[q.next]
	e.used = true
	q.next++
	return e
}

// CheckOptions returns the first malformed IgnoreJSONPaths path among
// opts as an error, so that a session can refuse it at its start.
func CheckOptions(opts ...Option) error {
	var c config
	for _, o := range opts {
		o(&c)
	}
	return c.err
}

// NewIndex indexes the interactions of the cassette at path (which names
// it in errors) for matching. With a malformed IgnoreJSONPaths path,
// every Match returns that error.
func NewIndex(path string, interactions []*Interaction, opts ...Option) *Index {
	x := &Index{
		path:  path,
		exact: map[headKey]map[string]*queue{},
		canon: map[headKey]map[string]*queue{},
	}
	for _, o := range opts {
		o(&x.cfg)
	}
	if x.cfg.scrub == nil {
		x.cfg.scrub = DefaultScrubbing()
	}
	for _, i := range interactions {
		x.add(i)
	}
	return x
}

// AddUsed indexes one more interaction that counts as already used: one
// just recorded, which answered its own request, so that a later
// identical request is not answered with it.
func (x *Index) AddUsed(i *Interaction) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.add(i).used = true
}

func (x *Index) add(i *Interaction) *entry {
	body := i.Request.Body
	// A recording is compared as an incoming request is, under the
	// request body rule: the same as saved, unless the cassette was
	// written by other rules (by hand, or before a credential name was
	// known), whose credentials then neither decide a match nor show in a
	// report.
	e := &entry{n: len(x.entries), i: i, body: x.cfg.scrub.requestBody(i.Request.Headers, body)}
	x.entries = append(x.entries, e)
	head := x.headKey(i.Request.Method, i.Request.URL, i.Request.Headers)
	q := push(x.canon, head, x.canonical([]byte(e.body)), e)
	// The bytes a client sends (compact JSON) and the bytes as saved
	// both lead to the canonical queue, so requests that are the same
	// after canonicalisation share one queue, one order, whatever their
	// bytes.
	inner := x.exact[head]
	if inner == nil {
		inner = map[string]*queue{}
		x.exact[head] = inner
	}
	inner[httpbody.CompactJSON(body)] = q // unchanged when not JSON
	inner[body] = q
	return e
}

func push(m map[headKey]map[string]*queue, head headKey, body string, e *entry) *queue {
	inner := m[head]
	if inner == nil {
		inner = map[string]*queue{}
		m[head] = inner
	}
	q := inner[body]
	if q == nil {
		q = &queue{}
		inner[body] = q
	}
	q.list = append(q.list, e)
	q.indistinct = q.indistinct || e.i.Request.Headers.Get(IndistinctHeader) != ""
	return q
}

func (x *Index) headKey(method, url string, h http.Header) headKey {
	k := headKey{method: method, url: url}
	if len(x.cfg.headers) == 0 {
		return k
	}
	var b strings.Builder
	for _, name := range x.cfg.headers {
		b.WriteByte('\n')
		b.WriteString(name)
		b.WriteByte(':')
		// Each value as Save writes it (secrets.Engine.ScrubHeader: by the
		// header's name, listed or by suffix, and by its value).
		for n, v := range h.Values(name) {
			if n > 0 {
				b.WriteByte(',')
			}
			b.WriteString(x.cfg.scrub.eng.ScrubHeader(name, v))
		}
	}
	k.headers = b.String()
	return k
}

// canonical returns the body's canonical form: for JSON, the value with
// ignored paths removed, re-encoded with sorted keys and no spaces; for
// anything else, the bytes themselves (see canonicalBody). A secret
// written with escapes is scrubbed from it.
func (x *Index) canonical(body []byte) string {
	return x.cfg.scrub.Canonical(body, x.cfg.ignore...)
}

// Canonical returns the body's canonical form (see canonicalBody) with
// the ignored paths removed, and a secret written with escapes scrubbed
// from it: two bodies with the same canonical form answer each other's
// requests.
func (s *Scrubbing) Canonical(body []byte, ignore ...jsonpath.Pattern) string {
	c := canonicalBody(body, ignore)
	if s.containsText(c) {
		return s.scrubString(c) // a secret written with escapes
	}
	return c
}

// CanonicalBody returns the canonical form of a body as saved (no path
// ignored, nothing scrubbed): requests with the same one are the same
// request.
func CanonicalBody(body []byte) string { return canonicalBody(body, nil) }

// canonicalBody returns the canonical form of a body: for JSON, the value
// with the ignored paths removed, re-encoded with sorted keys, no spaces
// and numbers by value; for anything else, the bytes themselves. Decoding
// turns invalid UTF-8 and lone surrogate escapes into U+FFFD, which would
// make bodies that differ look the same, so a JSON body whose decoded
// strings hold U+FFFD is matched by its exact (compacted) bytes instead,
// without ignored paths; so is a JSON body that gives a key twice
// (decoding would keep one of its values). No canonical JSON form equals
// such bytes, or a body that is not JSON.
func canonicalBody(body []byte, ignore []jsonpath.Pattern) string {
	v, err := jsonvalue.Decode(body)
	var dup *jsonvalue.DuplicateKeyError
	if errors.As(err, &dup) {
		// Not the value it decodes to: matched by its compact text.
		return httpbody.CompactJSON(string(body))
	}
	if err != nil {
		return string(body)
	}
	for _, p := range ignore {
		v = p.Remove(v)
	}
	b, err := json.Marshal(normNumbers(v))
	if err != nil {
		return string(body)
	}
	if bytes.Contains(b, []byte("\uFFFD")) || bytes.Contains(b, []byte(`\ufffd`)) {
		return httpbody.CompactJSON(string(body))
	}
	return string(b)
}

// normNumbers replaces every number of a decoded JSON value (decoded with
// UseNumber) with its canonical text (jsonvalue.CanonicalNumber), in place.
func normNumbers(v any) any {
	return jsonvalue.MapNumbers(v, func(n json.Number) any { return json.Number(jsonvalue.CanonicalNumber(string(n))) })
}

func parseJSON(body []byte) (any, bool) {
	v, err := jsonvalue.Decode(body)
	return v, err == nil
}

// Match returns the recorded interaction for the request, whose body the
// caller has already read (body may be nil). It marks the interaction
// used. When nothing matches, the error is a *MissError; when the
// recordings it matches cannot be told apart (they were made for requests
// that differed only in scrubbed text), an *AmbiguousError.
func (x *Index) Match(r *http.Request, body []byte) (*Interaction, error) {
	if x.cfg.err != nil {
		return nil, x.cfg.err
	}
	url := x.cfg.scrub.scrubURL(r.URL.String())
	head := x.headKey(r.Method, url, r.Header)
	body = httpbody.DecodeRequestBody(r.Header, body) // Save stores it decoded
	// The bytes of a recording (which, saved, hold no secret) need no
	// scrubbing: look them up first. Then the body as Save would have
	// written it, which is all that the lookup, the differences and the
	// report see from here on.
	if e, found, err := x.takeExact(head, body, r.Method, url); found || err != nil {
		return e, err
	}
	if scrubbed := x.cfg.scrub.requestBody(r.Header, string(body)); scrubbed != string(body) {
		body = []byte(scrubbed)
		if e, found, err := x.takeExact(head, body, r.Method, url); found || err != nil {
			return e, err
		}
	}
	// The bytes differ from every recording (or its queue is used up):
	// compare canonical forms.
	canon := x.canonical(body)
	x.mu.Lock()
	if inner := x.canon[head]; inner != nil {
		if q := inner[canon]; q != nil {
			if q.ambiguous() {
				x.mu.Unlock()
				return nil, x.ambiguity(q, r.Method, url)
			}
			if e := q.take(x.cfg.repeat); e != nil {
				x.mu.Unlock()
				return e.i, nil
			}
		}
	}
	x.mu.Unlock()
	return nil, x.miss(r.Method, url, head, canon, body)
}

// ambiguity is the error for a request whose recordings cannot be told
// apart (the caller holds x.mu).
func (x *Index) ambiguity(q *queue, method, url string) error {
	e := &AmbiguousError{Path: x.path, Method: method, URL: x.cfg.scrub.scrubURL(url)}
	for _, en := range q.list {
		e.Interactions = append(e.Interactions, en.n)
	}
	return e
}

// AmbiguousError reports a request whose recordings cannot be told apart:
// they were recorded for requests that differed only in text Save
// scrubbed (secret-shaped data, which becomes the same placeholder in
// every one), so the cassette cannot say which of them answers this
// request. Replaying one of them could answer with another request's
// recording, so none is used.
type AmbiguousError struct {
	Path         string // the cassette file
	Method       string // of the request
	URL          string // of the request (scrubbed)
	Interactions []int  // the recordings that cannot be told apart
}

// Error names the cassette, the request and the recordings, and says what
// to change.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("cassettes: %s: the recordings for %s %s cannot be told apart: interactions %s were recorded for requests that differed only in text scrubbed as secret-shaped, so the cassette cannot say which one answers this request; keep secret-shaped values out of request bodies (or make the requests differ otherwise) and record again",
		e.Path, e.Method, e.URL, strings.Trim(fmt.Sprint(e.Interactions), "[]"))
}

// Retryable reports false: asking again gets the same answer (see
// internal/retry: groq's client does not retry it).
func (e *AmbiguousError) Retryable() bool { return false }

// IndistinctHeader marks, in a saved request, a recording made for a
// request that differed from another recording's only in text that
// cassettes' Save scrubbed (see AmbiguousError). Save sets it; the Index
// reads it.
const IndistinctHeader = httpbody.HeaderPrefix + "Indistinct"

// takeExact answers a request whose body bytes are those of a recording,
// from the queue of that recording's canonical form, without parsing.
// found is false when no recording has these bytes or its queue is used
// up (then the canonical lookup decides, and reports the miss); the error
// is an *AmbiguousError when the queue's recordings cannot be told apart.
func (x *Index) takeExact(head headKey, body []byte, method, url string) (*Interaction, bool, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if inner := x.exact[head]; inner != nil {
		if q := inner[string(body)]; q != nil {
			if q.ambiguous() {
				return nil, false, x.ambiguity(q, method, url)
			}
			if e := q.take(x.cfg.repeat); e != nil {
				return e.i, true, nil
			}
		}
	}
	return nil, false, nil
}

// Unused returns the positions (in recorded order) of the interactions no
// request has matched.
func (x *Index) Unused() []int {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []int
	for _, e := range x.entries {
		if !e.used {
			out = append(out, e.n)
		}
	}
	return out
}

// RequestBody returns the n-th indexed interaction's request body under
// the request body rule Save applies (credential-named values redacted),
// as reports may show it: a hand-written cassette can still hold a value
// Save would have scrubbed.
func (x *Index) RequestBody(n int) string {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n < 0 || n >= len(x.entries) {
		return ""
	}
	return x.entries[n].body
}

// Interaction returns the n-th indexed interaction.
func (x *Index) Interaction(n int) *Interaction {
	x.mu.Lock()
	defer x.mu.Unlock()
	if n < 0 || n >= len(x.entries) {
		return nil
	}
	return x.entries[n].i
}

// MissError reports a request that no recorded interaction answers. Its
// text names the cassette, the request, the closest recording, and the
// differences between their JSON bodies by path; secrets are scrubbed.
type MissError struct {
	Path     string   // the cassette file
	Method   string   // of the request
	URL      string   // of the request (scrubbed)
	Reason   string   // why nothing matched, in one line
	Replayed bool     // the request has recordings, all already replayed: Closest is one of them
	Closest  *Request // the closest recorded request; nil when the cassette is empty
	ClosestN int      // its position in the cassette
	Paths    []string // body differences: "messages[1].content: recorded \"a\", got \"b\""
	Diff     string   // go-cmp diff of the JSON bodies (-recorded +got)
}

// Retryable reports false: asking again gets the same answer. HTTP
// clients that retry (groq.Model) check it and fail at once.
func (e *MissError) Retryable() bool { return false }

// Error is the full report: request, reason, closest recording and body
// differences by path, then the go-cmp diff.
func (e *MissError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cassettes: no recorded interaction in %s matches %s %s: %s", e.Path, textcut.Clip(e.Method, maxLine), textcut.Clip(e.URL, maxLine), e.Reason)
	if e.Closest != nil {
		fmt.Fprintf(&b, "\nclosest recorded request: interaction %d, %s %s", e.ClosestN, textcut.Clip(e.Closest.Method, maxLine), textcut.Clip(e.Closest.URL, maxLine))
	}
	if len(e.Paths) > 0 {
		b.WriteString("\nrequest body differences (recorded -> got):")
		for _, p := range e.Paths {
			b.WriteString("\n  ")
			b.WriteString(p)
		}
	}
	if e.Diff != "" {
		b.WriteString("\ndiff (-recorded +got):\n")
		b.WriteString(e.Diff)
	}
	return b.String()
}

const maxDiffLines = 60

func (x *Index) miss(method, url string, head headKey, canon string, body []byte) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	me := &MissError{Path: x.path, Method: method, URL: url}
	if inner := x.canon[head]; inner != nil {
		if q := inner[canon]; q != nil {
			me.Reason = fmt.Sprintf("all %d recorded interactions with this request were already replayed", len(q.list))
			me.Replayed = true
			e := q.list[len(q.list)-1]
			rq := e.i.Request
			rq.Body = e.body
			me.Closest, me.ClosestN = &rq, e.n
			return x.scrubMiss(me)
		}
	}
	if len(x.entries) == 0 {
		me.Reason = "the cassette has no interactions"
		return x.scrubMiss(me)
	}
	got, gotJSON := parseJSON(body)
	if gotJSON {
		// Ignored paths are left out of the request too: they neither
		// choose the closest recording nor show in the differences.
		for _, p := range x.cfg.ignore {
			got = p.Remove(got)
		}
	}
	best, bestScore := (*entry)(nil), 0
	var bestPaths []string
	for _, e := range x.entries {
		score := 0
		if e.i.Request.Method != method {
			score += 1000
		}
		if e.i.Request.URL != url {
			score += 500
		}
		if e.used {
			score += 1
		}
		var paths []string
		if rec, ok := parseJSON([]byte(e.body)); ok && gotJSON {
			for _, p := range x.cfg.ignore {
				rec = p.Remove(rec)
			}
			paths = DiffPaths(rec, got, x.cfg.scrub)
			score += 10 * len(paths)
		} else if e.body != string(body) {
			score += 100
		}
		if best == nil || score < bestScore {
			best, bestScore, bestPaths = e, score, paths
		}
	}
	rq := best.i.Request
	rq.Body = best.body
	me.Closest, me.ClosestN, me.Paths = &rq, best.n, bestPaths
	switch {
	case rq.Method != method || rq.URL != url:
		me.Reason = "no recorded request has this method and URL"
	case len(bestPaths) > 0:
		me.Reason = "the request body differs from every recording"
	case len(x.cfg.headers) > 0:
		me.Reason = "the request's matched headers (" + strings.Join(x.cfg.headers, ", ") + ") differ"
	default:
		me.Reason = "the request body differs from every recording"
	}
	if len(rq.Body)+len(body) > maxLineDiff {
		// go-cmp's line diff of texts this long takes seconds to minutes.
		s := x.cfg.scrub
		me.Diff = firstDifference(s.scrubString(rq.Body), s.scrubString(string(body)))
	} else if rec, ok := parseJSON([]byte(rq.Body)); ok && gotJSON {
		for _, p := range x.cfg.ignore {
			rec = p.Remove(rec)
		}
		s := x.cfg.scrub
		me.Diff = limitLines(s.scrubString(cmp.Diff(s.scrubValue(rec), s.scrubValue(got))), maxDiffLines)
	} else if rq.Body != string(body) {
		s := x.cfg.scrub
		me.Diff = limitLines(s.scrubString(cmp.Diff(s.scrubString(rq.Body), s.scrubString(string(body)))), maxDiffLines)
	}
	return x.scrubMiss(me)
}

func (x *Index) scrubMiss(me *MissError) error {
	s := x.cfg.scrub
	me.URL = s.scrubURL(me.URL)
	for n, p := range me.Paths {
		me.Paths[n] = s.scrubString(p)
	}
	me.Diff = s.scrubString(me.Diff)
	if me.Closest != nil {
		c := *me.Closest
		c.URL = s.scrubURL(c.URL)
		c.Body = s.scrubString(c.Body)
		c.Headers = c.Headers.Clone()
		s.ScrubHeaders(c.Headers)
		me.Closest = &c
	}
	return me
}

// scrubValue scrubs every string (and object key) of a decoded JSON
// value, returning a copy where one changed.
func (s *Scrubbing) scrubValue(v any) any {
	switch t := v.(type) {
	case string:
		return s.scrubString(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[s.scrubString(k)] = s.scrubValue(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for n, e := range t {
			out[n] = s.scrubValue(e)
		}
		return out
	}
	return v
}

// limitLines keeps the first n lines of s, each cut to maxLine bytes,
// saying what it left out.
func limitLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	more := 0
	if len(lines) > n {
		lines, more = lines[:n], len(lines)-n
	}
	var b strings.Builder
	for _, l := range lines {
		if len(l) > maxLine {
			b.WriteString(textcut.Clip(strings.TrimSuffix(l, "\n"), maxLine))
			b.WriteByte('\n')
			continue
		}
		b.WriteString(l)
	}
	if more > 0 {
		fmt.Fprintf(&b, "... (%d more lines)\n", more)
	}
	return b.String()
}

// Bounds of a miss report: bodies longer together than maxLineDiff get no
// go-cmp diff (it would take seconds to minutes), only their first
// difference; a line of the report, a path or a URL is cut at maxLine bytes.
const (
	maxLineDiff = 1 << 20
	maxLine     = 500
)

// firstDifference describes where two long (scrubbed) bodies first
// differ: their lengths, the byte, and a little of each from just before it.
func firstDifference(rec, got string) string {
	at := 0
	for at < len(rec) && at < len(got) && rec[at] == got[at] {
		at++
	}
	start := max(at-40, 0)
	start = textcut.Start(rec, start, 0)
	part := func(s string) string {
		if start >= len(s) {
			return `""`
		}
		end := min(start+120, len(s))
		end = textcut.Start(s, end, start)
		return strconv.Quote(s[start:end])
	}
	return fmt.Sprintf("(bodies of %d and %d bytes, too long for a line diff) first difference at byte %d:\n- %s\n+ %s\n",
		len(rec), len(got), at, part(rec), part(got))
}

// DiffPaths lists the differences between two decoded JSON values by
// path ("messages[1].content: recorded \"a\", got \"b\""), walking
// objects key by key (sorted) and arrays index by index; numbers are
// compared by value. Values are scrubbed with s (when not nil) before
// they are shortened, so no part of a secret survives the cut.
func DiffPaths(rec, got any, s *Scrubbing) []string {
	var out []string
	walkDiff(nil, rec, got, true, true, s, &out)
	return out
}

const maxPaths = 50

func walkDiff(path []jsonpath.Step, a, b any, okA, okB bool, s *Scrubbing, out *[]string) {
	if len(*out) >= maxPaths {
		return
	}
	show := func(v any, ok bool) string {
		if !ok {
			return "(absent)"
		}
		bs, err := json.Marshal(v)
		text := string(bs)
		if err != nil {
			text = fmt.Sprint(v)
		}
		if s != nil {
			text = s.scrubString(text)
		}
		if len(text) > 120 {
			end := 120
			end = textcut.Start(text, end, 0)
			text = text[:end] + "..."
		}
		return text
	}
	name := textcut.Clip(jsonpath.Format(path), maxLine) // as IgnoreJSONPaths reads it
	if name == "" {
		name = "(body)"
	}
	if okA && okB {
		switch ta := a.(type) {
		case map[string]any:
			if tb, ok := b.(map[string]any); ok {
				keys := make([]string, 0, len(ta)+len(tb))
				for k := range ta {
					keys = append(keys, k)
				}
				for k := range tb {
					if _, dup := ta[k]; !dup {
						keys = append(keys, k)
					}
				}
				sort.Strings(keys)
				for _, k := range keys {
					va, ina := ta[k]
					vb, inb := tb[k]
					walkDiff(append(path, jsonpath.Key(k)), va, vb, ina, inb, s, out)
				}
				return
			}
		case []any:
			if tb, ok := b.([]any); ok {
				for n := 0; n < max(len(ta), len(tb)); n++ {
					var va, vb any
					if n < len(ta) {
						va = ta[n]
					}
					if n < len(tb) {
						vb = tb[n]
					}
					walkDiff(append(path, jsonpath.Index(n)), va, vb, n < len(ta), n < len(tb), s, out)
				}
				return
			}
		}
		if na, ok := a.(json.Number); ok {
			if nb, ok := b.(json.Number); ok && jsonvalue.NumbersEqual(string(na), string(nb)) {
				return // 1 and 1.0 are the same number
			}
		}
		if reflect.DeepEqual(a, b) {
			return
		}
	}
	*out = append(*out, fmt.Sprintf("%s: recorded %s, got %s", name, show(a, okA), show(b, okB)))
}

// The errors a cassette miss gives tell a retrying client to stop.
var (
	_ retry.Retryable = (*MissError)(nil)
	_ retry.Retryable = (*AmbiguousError)(nil)
)
