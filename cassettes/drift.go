package cassettes

import (
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/match"
	"github.com/llmvcr/llmvcr/internal/sse"
)

// Change is one difference between an old and a re-recorded cassette.
type Change struct {
	Interaction int    // position in the cassettes; -1 for the cassette as a whole
	Part        string // "request", "response", "request header", "response header", "status", "interactions"
	Path        string // JSON path in the body (events[3].choices[0].delta.content), or header name
	Old, New    string // the values, JSON-encoded where the body is JSON; "(absent)" when missing
	Volatile    bool   // a field expected to change on every recording (ids, timestamps, timings)
}

// String renders the change on one line: where, old value, new value.
func (c Change) String() string {
	where := c.Part
	if c.Interaction >= 0 {
		where = fmt.Sprintf("interaction %d %s", c.Interaction, c.Part)
	}
	if c.Path != "" {
		where += " " + c.Path
	}
	return fmt.Sprintf("%s: %s -> %s", where, c.Old, c.New)
}

// DriftReport lists what changed between two recordings of a cassette,
// field by field.
type DriftReport struct {
	Changes []Change // in interaction order; volatile ones included
}

// Stable returns the changes that are not volatile: the ones a reviewer
// should read.
func (r *DriftReport) Stable() []Change {
	var out []Change
	for _, c := range r.Changes {
		if !c.Volatile {
			out = append(out, c)
		}
	}
	return out
}

// Volatile returns the changes in fields that change on every recording.
func (r *DriftReport) Volatile() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Volatile {
			out = append(out, c)
		}
	}
	return out
}

// String renders the report: the stable changes one per line, then a
// count of the volatile ones by path.
func (r *DriftReport) String() string {
	var b strings.Builder
	st := r.Stable()
	if len(st) == 0 {
		b.WriteString("no changes apart from volatile fields\n")
	}
	for _, c := range st {
		b.WriteString(c.String())
		b.WriteByte('\n')
	}
	if v := r.Volatile(); len(v) > 0 {
		counts := map[string]int{}
		for _, c := range v {
			counts[c.Part+" "+c.Path]++
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "volatile fields changed (%d):", len(v))
		for _, k := range keys {
			fmt.Fprintf(&b, " %s x%d;", k, counts[k])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

type driftConfig struct {
	keys    map[string]bool
	headers map[string]bool
}

// defaultVolatileKeys are JSON object keys whose values are expected to
// differ between two recordings of the same exchange.
var defaultVolatileKeys = []string{
	"id", "created", "system_fingerprint", "seed",
	"queue_time", "prompt_time", "completion_time", "total_time",
}

// defaultVolatileHeaders are response and request headers expected to
// differ between two recordings.
var defaultVolatileHeaders = []string{
	"Date", "Content-Length", "Cf-Ray", "X-Request-Id", "Set-Cookie", "Age", "Etag",
	"X-Ratelimit-Remaining-Requests", "X-Ratelimit-Remaining-Tokens",
	"X-Ratelimit-Reset-Requests", "X-Ratelimit-Reset-Tokens",
	"Retry-After", "Via", "Server-Timing",
}

// Drift compares an old cassette with a re-recorded one, interaction by
// interaction (each new one paired with the old one that has the same
// request, the rest in recorded order; Change.Interaction is the position
// in the new cassette, or in the old one for a removed interaction): status, headers, and bodies field by
// field (JSON bodies by path, event streams event by event with each
// event's data compared as JSON). Changes in volatile fields are marked as
// such rather than left out.
func Drift(old, cur *Cassette) *DriftReport {
	cfg := driftConfig{keys: map[string]bool{}, headers: map[string]bool{}}
	for _, k := range defaultVolatileKeys {
		cfg.keys[k] = true
	}
	for _, h := range defaultVolatileHeaders {
		cfg.headers[http.CanonicalHeaderKey(h)] = true
	}
	r := &DriftReport{}
	if len(old.Interactions) != len(cur.Interactions) {
		r.Changes = append(r.Changes, Change{Interaction: -1, Part: "interactions",
			Old: strconv.Itoa(len(old.Interactions)), New: strconv.Itoa(len(cur.Interactions))})
	}
	// Pair each new interaction with the first unpaired old one that has
	// the same request (method, URL, body as JSON); the rest pair up in
	// order, so an interaction added in the middle does not shift the
	// comparison of everything after it.
	x := NewScrubber(WithoutDefaultSecrets()).rules
	key := func(i *Interaction) string {
		return i.Request.Method + " " + i.Request.URL + "\n" + x.Canonical([]byte(i.Request.Body))
	}
	byKey := map[string][]int{}
	for k, i := range old.Interactions {
		byKey[key(i)] = append(byKey[key(i)], k)
	}
	pair := make([]int, len(cur.Interactions))
	used := make([]bool, len(old.Interactions))
	for k, i := range cur.Interactions {
		pair[k] = -1
		if q := byKey[key(i)]; len(q) > 0 {
			pair[k], byKey[key(i)] = q[0], q[1:]
			used[q[0]] = true
		}
	}
	next := 0
	for k := range cur.Interactions {
		if pair[k] >= 0 {
			continue
		}
		for next < len(used) && used[next] {
			next++
		}
		if next < len(used) {
			pair[k], used[next] = next, true
		}
	}
	for k, i := range cur.Interactions {
		if pair[k] < 0 {
			r.Changes = append(r.Changes, Change{Interaction: k, Part: "interaction", Old: "(absent)", New: i.Request.Method + " " + i.Request.URL})
			continue
		}
		r.Changes = append(r.Changes, cfg.interaction(k, old.Interactions[pair[k]], i)...)
	}
	for k, i := range old.Interactions {
		if !used[k] {
			r.Changes = append(r.Changes, Change{Interaction: k, Part: "interaction", Old: i.Request.Method + " " + i.Request.URL, New: "(absent)"})
		}
	}
	return r
}

func (cfg *driftConfig) interaction(k int, a, b *Interaction) []Change {
	var out []Change
	add := func(part, path, o, n string, vol bool) {
		out = append(out, Change{Interaction: k, Part: part, Path: path, Old: o, New: n, Volatile: vol})
	}
	if a.Request.Method != b.Request.Method {
		add("request", "method", a.Request.Method, b.Request.Method, false)
	}
	if a.Request.URL != b.Request.URL {
		add("request", "url", a.Request.URL, b.Request.URL, false)
	}
	for _, c := range cfg.headerChanges(a.Request.Headers, b.Request.Headers) {
		add("request header", c[0], c[1], c[2], cfg.headers[c[0]])
	}
	for _, c := range cfg.bodyChanges(a.Request.Headers, a.Request.Body, b.Request.Body) {
		add("request", c.Path, c.Old, c.New, c.Volatile)
	}
	if a.Response.Code != b.Response.Code {
		add("status", "", strconv.Itoa(a.Response.Code), strconv.Itoa(b.Response.Code), false)
	}
	for _, c := range cfg.headerChanges(a.Response.Headers, b.Response.Headers) {
		add("response header", c[0], c[1], c[2], cfg.headers[c[0]])
	}
	for _, c := range cfg.bodyChanges(b.Response.Headers, a.Response.Body, b.Response.Body) {
		add("response", c.Path, c.Old, c.New, c.Volatile)
	}
	return out
}

func (cfg *driftConfig) headerChanges(a, b http.Header) [][3]string {
	names := map[string]bool{}
	for k := range a {
		names[http.CanonicalHeaderKey(k)] = true
	}
	for k := range b {
		names[http.CanonicalHeaderKey(k)] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][3]string
	for _, k := range keys {
		va, vb := strings.Join(a.Values(k), ", "), strings.Join(b.Values(k), ", ")
		_, ina := a[k]
		_, inb := b[k]
		if va == vb && ina == inb {
			continue
		}
		if !ina {
			va = "(absent)"
		}
		if !inb {
			vb = "(absent)"
		}
		out = append(out, [3]string{k, va, vb})
	}
	return out
}

var diffLine = regexp.MustCompile(`^(.*): recorded (.*), got (.*)$`)

func (cfg *driftConfig) bodyChanges(h http.Header, a, b string) []Change {
	if a == b {
		return nil
	}
	var va, vb any
	var okA, okB bool
	prefix := ""
	if httpbody.IsSSE(h) || strings.Contains(a, httpbody.TimingPrefix) {
		va, okA = sseValues(a)
		vb, okB = sseValues(b)
		prefix = "events"
	} else {
		va, okA = parseJSON([]byte(a))
		vb, okB = parseJSON([]byte(b))
	}
	if !okA || !okB {
		if prefix == "events" {
			sa, _ := httpbody.StripTiming(a)
			sb, _ := httpbody.StripTiming(b)
			if sa == sb {
				return nil // only the timing changed
			}
		}
		return []Change{{Path: "(body)", Old: truncate(a, 120), New: truncate(b, 120)}}
	}
	var out []Change
	for _, d := range match.DiffPaths(va, vb, nil) {
		m := diffLine.FindStringSubmatch(d)
		if m == nil {
			continue
		}
		path := m[1]
		if prefix != "" {
			if strings.HasPrefix(path, "[") {
				path = prefix + path
			} else if path == "(body)" {
				path = prefix
			}
		}
		out = append(out, Change{Path: path, Old: m[2], New: m[3], Volatile: cfg.volatilePath(path)})
	}
	return out
}

func (cfg *driftConfig) volatilePath(p string) bool {
	last := p
	if i := strings.LastIndexByte(p, '.'); i >= 0 {
		last = p[i+1:]
	}
	if i := strings.IndexByte(last, '['); i >= 0 {
		last = last[:i]
	}
	return cfg.keys[last]
}

// sseValues decodes a stream body into the list of its events' data, each
// parsed as JSON when it is JSON.
func sseValues(body string) (any, bool) {
	body, err := httpbody.StripTiming(body)
	if err != nil {
		return nil, false
	}
	dec := sse.NewDecoder(strings.NewReader(body))
	var out []any
	for {
		ev, err := dec.Next()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		if v, ok := parseJSON(ev.Data); ok {
			out = append(out, v)
		} else {
			out = append(out, string(ev.Data))
		}
	}
}

// parseJSON decodes a JSON body (numbers as json.Number); ok is false
// when it is not JSON.
func parseJSON(body []byte) (any, bool) {
	v, err := jsonvalue.Decode(body)
	return v, err == nil
}
