package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/internal/match"
)

// missStatus is the HTTP status of the answer to a request that no
// recording matches: 404, as HTTP mock servers (WireMock, MockServer)
// answer a request no stub matches. No common client retries it: the
// Stainless SDKs (openai-go, anthropic-sdk-go, groq-python) retry 408,
// 409, 429 and 5xx and also honour the X-Should-Retry: false the answer
// carries; go-openai does not retry; genai and go-retryablehttp retry 429
// and 5xx; groq.Model retries 408, 409, 429, 498 and 5xx and honours
// X-Should-Retry. It is not 400 (clients handle some 400s, such as a
// context too long, by changing the request and sending it again) nor
// 401/403 (auth transports refresh a token and retry).
const missStatus = http.StatusNotFound

// missHeader is set ("true") on the answer to a request that no
// recording matches, so a program or proxy can tell a replay miss from
// a real 404.
const missHeader = "X-Llmvcr-Replay-Miss"

// missLog remembers the misses already reported and the recordings they
// showed as closest.
type missLog struct {
	mu       sync.Mutex
	reported map[uint64]bool
	closest  map[int]bool // interactions shown as closest to a miss
}

// first notes a miss whose key is k (missKey) and reports whether it is
// the first of its request.
func (l *missLog) first(k uint64, closest int, hasClosest bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.reported == nil {
		l.reported, l.closest = map[uint64]bool{}, map[int]bool{}
	}
	if hasClosest {
		l.closest[closest] = true
	}
	if l.reported[k] {
		return false
	}
	l.reported[k] = true
	return true
}

// missKey identifies a missed request: its method and URL, its body as
// JSON values (so the same request sent by two clients, with its keys in
// another order or other spacing, is one request) and its differences
// from the closest recording, which hold the matched headers' values.
func missKey(method, url string, body []byte, diffs []string) uint64 {
	h := fnv.New64a()
	io.WriteString(h, method)
	h.Write([]byte{0})
	io.WriteString(h, url)
	h.Write([]byte{0})
	h.Write(canonicalJSON(body))
	for _, d := range diffs {
		h.Write([]byte{0})
		io.WriteString(h, d)
	}
	return h.Sum64()
}

// canonicalJSON returns a JSON body with its object keys sorted and no
// spacing (numbers as written), or body itself when it is not one JSON
// value.
func canonicalJSON(body []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return body
	}
	if _, err := dec.Token(); err != io.EOF {
		return body
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // <, > and & as written, for reports
	if enc.Encode(v) != nil {
		return body
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// shownAsClosest reports whether interaction n was shown as the closest
// recording of a reported miss.
func (l *missLog) shownAsClosest(n int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closest[n]
}

// miss answers a request that no recording matches: the report goes to
// the test log once per distinct request, and the client gets an answer
// that no common client retries (missStatus, X-Should-Retry: false) whose
// error message is short and points at the log.
func (s *Session) miss(r *http.Request, body []byte, m *match.MissError) *http.Response {
	diffs := s.differences(r, m)
	if s.misses.first(missKey(r.Method, m.URL, body, diffs), m.ClosestN, m.Closest != nil) {
		s.report(missReport(m, diffs, callerLine(), s.recordCommandFor(r.URL.Hostname())))
	}
	msg := fmt.Sprintf("llmvcr replay miss: no recording in %s matches %s %s; the test log has the differences and the command that re-records this test", s.path, m.Method, m.URL)
	// The error shape of OpenAI-compatible APIs and Gemini ({"error":
	// {"message"}}) with Anthropic's top-level "type", so each SDK finds
	// the message where it looks.
	b, _ := json.Marshal(map[string]any{
		"type":  "error",
		"error": map[string]any{"type": "llmvcr_replay_miss", "message": msg},
	})
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Should-Retry", "false")
	h.Set(missHeader, "true")
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", missStatus, http.StatusText(missStatus)),
		StatusCode:    missStatus,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(strings.NewReader(string(b))),
		ContentLength: int64(len(b)),
		Request:       r,
	}
}

// differences lists what differs between the missed request and the
// closest recording, each as "where: recorded X, got Y": the method, the
// URL's host, path and query, the matched headers, then the body's JSON
// paths. It is empty when there is no closest recording, or when the
// closest is the same request, already replayed.
func (s *Session) differences(r *http.Request, m *match.MissError) []string {
	c := m.Closest
	if c == nil || len(m.Paths) == 0 && m.Replayed {
		return nil
	}
	var out []string
	if c.Method != m.Method {
		out = append(out, fmt.Sprintf("method: recorded %s, got %s", c.Method, m.Method))
	}
	out = append(out, urlDifferences(c.URL, m.URL)...)
	if len(s.cfg.headers) > 0 {
		// The request's values as the cassette would hold them (secrets
		// redacted), as matching compares them.
		got := cassettes.Interaction{Request: cassettes.Request{Headers: http.Header{}}}
		for _, name := range s.cfg.headers {
			if vs := r.Header.Values(name); len(vs) > 0 {
				got.Request.Headers[http.CanonicalHeaderKey(name)] = slices.Clone(vs)
			}
		}
		if s.scrubPart(&got) {
			for _, name := range s.cfg.headers {
				rec, now := c.Headers.Values(name), got.Request.Headers.Values(name)
				if !slices.Equal(rec, now) {
					out = append(out, fmt.Sprintf("header %s: recorded %s, got %s", http.CanonicalHeaderKey(name), headerValues(rec), headerValues(now)))
				}
			}
		}
	}
	out = append(out, m.Paths...)
	if len(m.Paths) == 0 && m.Diff != "" {
		out = append(out, "body: differs (not JSON; see the diff)")
	}
	return out
}

// scrubPart scrubs an interaction the session built for a report (a
// request's headers or body alone) as Save would, and reports whether
// that worked: a custom scrubber (WithScrubFunc) written for whole
// recordings may fail, or panic, on one; the report then leaves the part
// out rather than show it unscrubbed.
func (s *Session) scrubPart(i *cassettes.Interaction) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return s.scrub.Scrub(i) == nil
}

// urlDifferences says where two URLs (as scrubbed) differ: scheme and
// host, path, query.
func urlDifferences(recorded, got string) []string {
	if recorded == got {
		return nil
	}
	ru, err1 := url.Parse(recorded)
	gu, err2 := url.Parse(got)
	if err1 != nil || err2 != nil {
		return []string{fmt.Sprintf("URL: recorded %s, got %s", recorded, got)}
	}
	var out []string
	if ru.Scheme != gu.Scheme || ru.Host != gu.Host {
		out = append(out, fmt.Sprintf("host: recorded %s://%s, got %s://%s", ru.Scheme, ru.Host, gu.Scheme, gu.Host))
	}
	if ru.EscapedPath() != gu.EscapedPath() {
		out = append(out, fmt.Sprintf("path: recorded %s, got %s", ru.EscapedPath(), gu.EscapedPath()))
	}
	if ru.RawQuery != gu.RawQuery {
		out = append(out, fmt.Sprintf("query: recorded %q, got %q", ru.RawQuery, gu.RawQuery))
	}
	if len(out) == 0 {
		out = append(out, fmt.Sprintf("URL: recorded %s, got %s", recorded, got))
	}
	return out
}

// headerValues quotes a header's values for a report.
func headerValues(vs []string) string {
	if len(vs) == 0 {
		return "(absent)"
	}
	q := make([]string, len(vs))
	for n, v := range vs {
		q[n] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// callerLine names the line of the test that sent the request: the
// outermost frame in a _test.go file (outside this package) on the
// calling goroutine's stack, which an HTTP client calls its transport
// on; so the test function's (or subtest's) own line, not a helper's or
// a test transport's. It is "" when there is none (a request from a
// goroutine the code started).
func callerLine() string {
	var pcs [64]uintptr
	n := runtime.Callers(3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	line := ""
	for {
		f, more := frames.Next()
		if strings.HasSuffix(f.File, "_test.go") && !strings.HasPrefix(f.Function, "github.com/llmvcr/llmvcr/replay.") {
			line = fmt.Sprintf("%s:%d", filepath.Base(f.File), f.Line)
		}
		if !more {
			return line
		}
	}
}

// missReport is the miss as one block: what differs and where first, then
// the closest recording, every difference, the diff, the test line that
// sent the request, and the command that re-records the test.
func missReport(m *match.MissError, diffs []string, caller, command string) string {
	var b strings.Builder
	what := m.Reason
	if m.Replayed && len(diffs) == 0 && m.Closest != nil {
		what += " (the test sent it more often than it was recorded: re-record, or give replay.AllowRepeats() to answer again with the last recording)"
	}
	if len(diffs) > 0 {
		what = diffs[0]
		if len(diffs) > 1 {
			what += fmt.Sprintf(" (and %d more difference(s))", len(diffs)-1)
		}
	}
	fmt.Fprintf(&b, "replay: %s %s matches no recording in %s: %s", m.Method, m.URL, m.Path, what)
	if m.Closest != nil {
		fmt.Fprintf(&b, "\nclosest recorded request: interaction %d, %s %s", m.ClosestN, m.Closest.Method, m.Closest.URL)
	}
	if len(diffs) > 1 {
		b.WriteString("\ndifferences (recorded -> got):")
		for _, p := range diffs {
			b.WriteString("\n  " + p)
		}
	}
	if m.Diff != "" {
		b.WriteString("\ndiff (-recorded +got):\n")
		// go-cmp puts non-breaking spaces in its output at random, to
		// keep it from being parsed; a person reads spaces.
		b.WriteString(strings.TrimRight(strings.ReplaceAll(m.Diff, "\u00a0", " "), "\n"))
	}
	if caller != "" {
		b.WriteString("\nsent at " + caller)
	}
	b.WriteString("\nif the change is intended, re-record this test with:\n\t" + command)
	return b.String()
}

// hostKeyEnvs maps the API hosts of the common providers to the variable
// their clients read the key from.
var hostKeyEnvs = map[string]string{
	"api.groq.com":                      "GROQ_API_KEY",
	"api.openai.com":                    "OPENAI_API_KEY",
	"api.anthropic.com":                 "ANTHROPIC_API_KEY",
	"generativelanguage.googleapis.com": "GEMINI_API_KEY",
	"api.mistral.ai":                    "MISTRAL_API_KEY",
	"api.x.ai":                          "XAI_API_KEY",
	"api.deepseek.com":                  "DEEPSEEK_API_KEY",
	"openrouter.ai":                     "OPENROUTER_API_KEY",
	"api.together.xyz":                  "TOGETHER_API_KEY",
	"api.fireworks.ai":                  "FIREWORKS_API_KEY",
	"api.cerebras.ai":                   "CEREBRAS_API_KEY",
	"api.cohere.com":                    "COHERE_API_KEY",
	"api.perplexity.ai":                 "PERPLEXITY_API_KEY",
	"api.voyageai.com":                  "VOYAGE_API_KEY",
}

// hostKeyEnv returns the key variable of the provider at host.
func hostKeyEnv(host string) (string, bool) {
	host = strings.ToLower(host)
	if env, ok := hostKeyEnvs[host]; ok {
		return env, true
	}
	if strings.HasSuffix(host, ".openai.azure.com") {
		return "AZURE_OPENAI_API_KEY", true
	}
	return "", false
}

// recordCommandFor is the command that re-records the session's test,
// whose requests go to host: with no key for a session that records from
// a fake or a loopback upstream (it needs none), else with the session's
// WithSecretEnv variable, else the variable of the provider at host, else
// a placeholder and the list.
func (s *Session) recordCommandFor(host string) string {
	return s.cfg.recordCommandFor(s.name, host, s.keyless)
}

// recordCommandFor is the command that re-records the named test whose
// requests go to host (see Session.recordCommandFor).
func (c *config) recordCommandFor(name, host string, keyless bool) string {
	if keyless {
		return fmt.Sprintf("go test %s -run '%s' -record", packageDir(), runPattern(name))
	}
	if len(c.secretEnvs) == 0 {
		if env, ok := hostKeyEnv(host); ok {
			return fmt.Sprintf("%s=... go test %s -run '%s' -record", env, packageDir(), runPattern(name))
		}
		return c.recordCommand(name) + "\n" + c.keyHelp()
	}
	return c.recordCommand(name)
}
