package reliability

import (
	"context"
	"fmt"
	"github.com/llmvcr/llmvcr/internal/httpbody"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// captureTB is a testing.TB that keeps a copy of everything logged or
// reported through it (so a test can search a session's log and count
// the failures it reported) and passes it on.
type captureTB struct {
	testing.TB
	mu     sync.Mutex
	log    strings.Builder
	errors int
}

func (c *captureTB) note(failure bool, s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log.WriteString(s)
	c.log.WriteByte('\n')
	if failure {
		c.errors++
	}
}

func (c *captureTB) Log(args ...any) { c.note(false, fmt.Sprint(args...)); c.TB.Log(args...) }
func (c *captureTB) Logf(format string, args ...any) {
	c.note(false, fmt.Sprintf(format, args...))
	c.TB.Logf(format, args...)
}
func (c *captureTB) Error(args ...any) { c.note(true, fmt.Sprint(args...)); c.TB.Error(args...) }
func (c *captureTB) Errorf(format string, args ...any) {
	c.note(true, fmt.Sprintf(format, args...))
	c.TB.Errorf(format, args...)
}
func (c *captureTB) Fatal(args ...any) { c.note(true, fmt.Sprint(args...)); c.TB.Fatal(args...) }
func (c *captureTB) Fatalf(format string, args ...any) {
	c.note(true, fmt.Sprintf(format, args...))
	c.TB.Fatalf(format, args...)
}
func (c *captureTB) Skip(args ...any) { c.note(false, fmt.Sprint(args...)); c.TB.Skip(args...) }
func (c *captureTB) Skipf(format string, args ...any) {
	c.note(false, fmt.Sprintf(format, args...))
	c.TB.Skipf(format, args...)
}

func (c *captureTB) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.log.String()
}

func (c *captureTB) Errors() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errors
}

// exchange is one call a recording makes.
type exchange struct {
	prompt   string
	streamed bool
}

// recordFromFake records the fake's default answers to calls into path, in
// a subtest (whose end saves the cassette), and returns the base URL the
// recording used, which replay must use too.
func recordFromFake(t *testing.T, path string, calls []exchange) string {
	t.Helper()
	var baseURL string
	t.Run("record", func(t *testing.T) {
		g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
		baseURL = g.URL
		s := replay.New(t, replay.WithMode(replay.ModeRecord), replay.WithPath(path), replay.WithRealTransport(g.Client().Transport))
		m, _ := replayModel(t, baseURL, s, 0)
		for _, c := range calls {
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			_, err := ask(ctx, m, []llm.Message{llm.NewRequest(llm.User(c.prompt))}, c.streamed)
			cancel()
			if err != nil {
				t.Fatalf("recording %q: %v", c.prompt, err)
			}
		}
	})
	if t.Failed() {
		t.FailNow()
	}
	return baseURL
}

// replayModel returns a groq.Model talking through the session, on an
// instant clock.
func replayModel(t testing.TB, baseURL string, s *replay.Session, retries int, opts ...groq.Option) (*groq.Model, *fakeclock.Clock) {
	t.Helper()
	clock := fakeclock.NewInstant(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	m, err := groq.NewModel(fakes.DefaultModel, append([]groq.Option{
		groq.WithBaseURL(baseURL),
		groq.WithHTTPClient(s.Client()),
		groq.WithAPIKey(testKey),
		groq.WithClock(clock),
		groq.WithJitter(func() float64 { return 0 }),
		groq.WithMaxRetries(retries),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m, clock
}

// TestReplayFaults plays faults through a replayed cassette (recorded from
// the fake at the start of the test) against groq.Model.
func TestReplayFaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "faults.yaml")
	question := "What is the capital of France?"
	baseURL := recordFromFake(t, path, []exchange{{question, false}, {question, true}})

	// How many events the recorded stream has.
	c, err := cassettes.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	var events int
	for _, it := range c.Interactions {
		if httpbody.IsSSE(it.Response.Headers) {
			evs, err := httpbody.SplitSSE(it.Response.Body)
			if err != nil {
				t.Fatal(err)
			}
			events = len(evs)
		}
	}
	if events < 3 {
		t.Fatalf("the recorded stream has %d events", events)
	}

	sec, ms := time.Second, time.Millisecond
	on := func(faults ...replay.Fault) []replay.Option { return []replay.Option{replay.OnRequest(1, faults...)} }
	rateLimit := func(n int) []replay.Option {
		var opts []replay.Option
		for i := 1; i <= n; i++ {
			opts = append(opts, replay.OnRequest(i, replay.Respond(429, http.Header{"Retry-After": {"2"}, "Content-Type": {"application/json"}},
				`{"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}`)))
		}
		return opts
	}
	html := http.Header{"Content-Type": {"text/html"}}
	var fs []fault
	for k := 0; k <= events; k++ {
		f := fault{name: fmt.Sprintf("replayed stream cut after event %d of %d", k, events), kind: stream, replay: on(replay.CutAfter(k)), want: kindAPI}
		if k == events {
			f.want = kindOK
		}
		fs = append(fs, f)
	}
	fs = append(fs,
		fault{name: "replayed body cut before its end", replay: on(replay.CutAfter(0)), want: kindAPI},
		fault{name: "replayed body stalls until deadline", timeout: stallAfter, replay: on(replay.StallAfter(0)), want: kindAPI, check: timedOut},
		fault{name: "replayed stream stalls until deadline", kind: stream, timeout: stallAfter, replay: on(replay.StallAfter(2)), want: kindAPI, check: timedOut},
		fault{name: "replayed stream stalls until WithTimeout", kind: stream, model: []groq.Option{groq.WithTimeout(stallAfter)}, replay: on(replay.StallAfter(0)), want: kindAPI, check: timedOut},
		fault{name: "replayed event 2 garbled", kind: stream, replay: on(replay.CorruptEvent(2)), want: kindUnexpected},
		fault{name: "replayed body garbled", replay: on(replay.CorruptEvent(0)), want: kindUnexpected},
		fault{name: "429 retry-after 2s, then the recording", retries: 2, replay: rateLimit(1), want: kindOK, check: sleptIs(-1, 2*sec)},
		fault{name: "429 retry-after 2s, then the recording", kind: stream, retries: 2, replay: rateLimit(1), want: kindOK, check: sleptIs(-1, 2*sec)},
		fault{name: "429 three times", retries: 2, replay: rateLimit(3), want: kindHTTP, status: 429, check: sleptIs(-1, 2*sec, 2*sec)},
		fault{name: "498 is not retried, the recording is not reached", retries: 2, replay: on(replay.Respond(498, nil, `{"error":{"message":"Capacity exceeded","type":"capacity_exceeded"}}`)),
			want: kindHTTP, status: 498, check: allOf(sleptIs(-1), errSays("Capacity exceeded"))},
		fault{name: "500, 503, then the recording", kind: stream, retries: 2, replay: []replay.Option{
			replay.OnRequest(1, replay.Respond(500, nil, `{"error":{"message":"Internal Server Error"}}`)),
			replay.OnRequest(2, replay.Respond(503, nil, `{"error":{"message":"Service Unavailable"}}`)),
		}, want: kindOK, check: sleptIs(-1, 500*ms, sec)},
		fault{name: "HTML 502 page", replay: (on(replay.Respond(502, html, htmlPage))), want: kindHTTP, status: 502},
		fault{name: "HTML page with 200", replay: (on(replay.Respond(200, html, htmlPage))), want: kindUnexpected},
		fault{name: "HTML page with 200", kind: stream, replay: (on(replay.Respond(200, html, htmlPage))), want: kindUnexpected},
		fault{name: "JSON body answered to a stream", kind: stream, replay: (on(replay.Respond(200, http.Header{"Content-Type": {"application/json"}}, c.Interactions[0].Response.Body))), want: kindUnexpected},
		fault{name: "stream without [DONE]", kind: stream, replay: (on(replay.Respond(200, http.Header{"Content-Type": {"text/event-stream"}},
			"data: "+`{"id":"c","choices":[{"index":0,"delta":{"content":"Paris"}}]}`+"\n\n"))), want: kindAPI},
		fault{name: "50 MB error body", replay: (on(replay.Respond(500, http.Header{"Content-Type": {"application/json"}}, `{"error":{"message":"`+strings.Repeat("x", huge)+`"}}`))),
			want: kindHTTP, status: 500, check: errBodyBounded},
		fault{name: "50 MB 200 body, not JSON", replay: (on(replay.Respond(200, http.Header{"Content-Type": {"application/json"}}, strings.Repeat("x", huge)))),
			want: kindUnexpected, check: heldBytes},
		fault{name: "connection refused", replay: on(replay.Refuse()), want: kindAPI},
		fault{name: "connection refused, then the recording", retries: 2, replay: on(replay.Refuse()), want: kindOK, check: sleptIs(-1, 500*ms)},
		fault{name: "reset before headers", kind: stream, replay: on(replay.ResetBeforeHeaders()), want: kindAPI},
		fault{name: "reset before headers, then the recording", kind: stream, retries: 2, replay: on(replay.ResetBeforeHeaders()), want: kindOK, check: sleptIs(-1, 500*ms)},
		fault{name: "stall before headers until deadline", timeout: stallAfter, replay: on(replay.StallBeforeHeaders()), want: kindAPI, check: timedOut},
		fault{name: "stream stalls before headers until WithTimeout", kind: stream, model: []groq.Option{groq.WithTimeout(stallAfter)}, replay: on(replay.StallBeforeHeaders()), want: kindAPI, check: timedOut},
	)
	for i := range fs {
		fs[i].ask = question
	}
	playFaults(t, "replay_faults", "faults against groq.Model through a replayed cassette", fs, func(t *testing.T, f fault) (result, outcome) {
		s := replay.New(t, append([]replay.Option{replay.WithPath(path), replay.AllowUnused()}, f.replay...)...)
		m, clock := replayModel(t, baseURL, s, f.retries, f.model...)
		var r result
		o := callModel(m, f, &r)
		r.slept = clock.Slept()
		return r, o
	})
}
