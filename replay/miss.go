package replay

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"sync"

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

// first notes a miss of the request and reports whether it is the first
// of this request (same method, URL and body).
func (l *missLog) first(method, url string, body []byte, closest int, hasClosest bool) bool {
	h := fnv.New64a()
	io.WriteString(h, method)
	h.Write([]byte{0})
	io.WriteString(h, url)
	h.Write([]byte{0})
	h.Write(body)
	k := h.Sum64()
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
	if s.misses.first(r.Method, r.URL.String(), body, m.ClosestN, m.Closest != nil) {
		s.report(missReport(m, s.cfg.recordCommandFor(s.name, r.URL.Hostname())))
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

// missReport is the miss as one block: what differs and where first, then
// the closest recording, the differences, the diff, and the command that
// re-records the test.
func missReport(m *match.MissError, command string) string {
	var b strings.Builder
	what := m.Reason
	if len(m.Paths) > 0 {
		what = m.Paths[0]
		if len(m.Paths) > 1 {
			what += fmt.Sprintf(" (and %d more difference(s))", len(m.Paths)-1)
		}
	}
	fmt.Fprintf(&b, "replay: %s %s matches no recording in %s: %s", m.Method, m.URL, m.Path, what)
	if m.Closest != nil {
		fmt.Fprintf(&b, "\nclosest recorded request: interaction %d, %s %s", m.ClosestN, m.Closest.Method, m.Closest.URL)
	}
	if len(m.Paths) > 1 {
		b.WriteString("\nrequest body differences (recorded -> got):")
		for _, p := range m.Paths {
			b.WriteString("\n  " + p)
		}
	}
	if m.Diff != "" {
		b.WriteString("\ndiff (-recorded +got):\n")
		// go-cmp puts non-breaking spaces in its output at random, to
		// keep it from being parsed; a person reads spaces.
		b.WriteString(strings.TrimRight(strings.ReplaceAll(m.Diff, "\u00a0", " "), "\n"))
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
}

// recordCommandFor is the command that re-records the named test whose
// requests go to host: with the session's WithSecretEnv variable, else
// the variable of the provider at host, else a placeholder and the list.
func (c *config) recordCommandFor(name, host string) string {
	if len(c.secretEnvs) == 0 {
		if env, ok := hostKeyEnvs[strings.ToLower(host)]; ok {
			return fmt.Sprintf("%s=... go test %s -run '%s' -record", env, packageDir(), runPattern(name))
		}
		return c.recordCommand(name) + "\n" + c.keyHelp()
	}
	return c.recordCommand(name)
}
