package groq

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// fakeClock records the waits asked of it and returns at once, or with the
// context's error when it is done.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

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
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) Waits() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// reply is one scripted HTTP answer.
type reply struct {
	status  int
	header  map[string]string
	body    string
	hangup  bool // close the connection without answering
	blockOn <-chan struct{}
	arrived chan<- struct{} // told when the request arrives
}

const okBody = `{"id":"123","object":"chat.completion","created":1704067200,"model":"llama-3.3-70b-versatile-123","choices":[{"index":0,"message":{"role":"assistant","content":"world"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}}`

// scriptServer answers requests with replies in order (the last one
// repeats) and records what it got.
type scriptServer struct {
	*httptest.Server
	mu      sync.Mutex
	bodies  []string
	headers []http.Header
	paths   []string
}

func newScriptServer(t *testing.T, replies ...reply) *scriptServer {
	t.Helper()
	s := &scriptServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		i := len(s.bodies)
		s.bodies = append(s.bodies, string(b))
		s.headers = append(s.headers, r.Header.Clone())
		s.paths = append(s.paths, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		rp := replies[min(i, len(replies)-1)]
		if rp.arrived != nil {
			rp.arrived <- struct{}{}
		}
		if rp.blockOn != nil {
			select {
			case <-rp.blockOn:
			case <-r.Context().Done():
			}
			return
		}
		if rp.hangup {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		status := rp.status
		if status == 0 {
			status = 200
		}
		w.WriteHeader(status)
		io.WriteString(w, rp.body)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.bodies)
}

func testModel(t *testing.T, url string, opts ...Option) (*Model, *fakeClock) {
	t.Helper()
	clock := newFakeClock()
	opts = append([]Option{WithBaseURL(url), WithAPIKey("gsk_secret_for_tests"), WithClock(clock), WithJitter(func() float64 { return 0 })}, opts...)
	m, err := NewModel("llama-3.3-70b-versatile", opts...)
	if err != nil {
		t.Fatal(err)
	}
	return m, clock
}

func hello() []llm.Message { return []llm.Message{llm.NewRequest(llm.User("hello"))} }

func TestRequestHeaders(t *testing.T) {
	s := newScriptServer(t, reply{body: okBody})
	m, _ := testModel(t, s.URL)
	if _, err := m.Request(context.Background(), hello(), nil, nil); err != nil {
		t.Fatal(err)
	}
	h := s.headers[0]
	if got := h.Get("Authorization"); got != "Bearer gsk_secret_for_tests" {
		t.Errorf("Authorization = %q", got)
	}
	if got := h.Get("User-Agent"); !strings.HasPrefix(got, "llmvcr/") {
		t.Errorf("User-Agent = %q", got)
	}
	if h.Get("Content-Type") != "application/json" || h.Get("Accept") != "application/json" {
		t.Errorf("content headers = %v", h)
	}
	if s.paths[0] != "POST /openai/v1/chat/completions" {
		t.Errorf("path = %q", s.paths[0])
	}
}

func TestExtraHeadersNotMutated(t *testing.T) {
	s := newScriptServer(t, reply{body: okBody})
	m, _ := testModel(t, s.URL)
	headers := map[string]string{"X-Custom": "value", "User-Agent": "my-app/1.0"}
	if _, err := m.Request(context.Background(), hello(), &llm.Settings{ExtraHeaders: headers}, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"X-Custom": "value", "User-Agent": "my-app/1.0"}, headers); diff != "" {
		t.Errorf("caller's headers changed:\n%s", diff)
	}
	if s.headers[0].Get("X-Custom") != "value" || s.headers[0].Get("User-Agent") != "my-app/1.0" {
		t.Errorf("headers sent = %v", s.headers[0])
	}
}

func TestRetries(t *testing.T) {
	fail := func(status int, header map[string]string) reply {
		return reply{status: status, header: header, body: `{"error":{"message":"busy","type":"server_error"}}`}
	}
	ok := reply{body: okBody}
	tests := []struct {
		name      string
		replies   []reply
		opts      []Option
		wantCalls int
		wantWaits []time.Duration
		wantErr   int // HTTP status of the final error; 0 for success
	}{
		{"429 then success", []reply{fail(429, nil), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"408 is retried", []reply{fail(408, nil), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"409 is retried", []reply{fail(409, nil), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"498 flex capacity is not retried, as groq-python", []reply{fail(498, nil)}, nil, 1, nil, 498},
		{"500 is retried", []reply{fail(500, nil), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"503 twice then success", []reply{fail(503, nil), fail(503, nil), ok}, nil, 3, []time.Duration{500 * time.Millisecond, time.Second}, 0},
		{"gives up after 2 retries", []reply{fail(502, nil)}, nil, 3, []time.Duration{500 * time.Millisecond, time.Second}, 502},
		{"400 is not retried", []reply{fail(400, nil)}, nil, 1, nil, 400},
		{"401 is not retried", []reply{fail(401, nil)}, nil, 1, nil, 401},
		{"413 is not retried", []reply{fail(413, nil)}, nil, 1, nil, 413},
		{"x-should-retry false wins", []reply{fail(503, map[string]string{"X-Should-Retry": "false"})}, nil, 1, nil, 503},
		{"x-should-retry true wins", []reply{fail(400, map[string]string{"X-Should-Retry": "true"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"x-should-retry false stops a 429", []reply{fail(429, map[string]string{"X-Should-Retry": "false"})}, nil, 1, nil, 429},
		{"x-should-retry False is not false", []reply{fail(503, map[string]string{"X-Should-Retry": "False"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"x-should-retry TRUE is not true", []reply{fail(400, map[string]string{"X-Should-Retry": "TRUE"})}, nil, 1, nil, 400},
		{"retry-after-ms negative is backoff, retry-after unread", []reply{fail(429, map[string]string{"Retry-After-Ms": "-5", "Retry-After": "3"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"retry-after-ms unreadable falls to retry-after", []reply{fail(429, map[string]string{"Retry-After-Ms": "soon", "Retry-After": "3"}), ok}, nil, 2, []time.Duration{3 * time.Second}, 0},
		{"retry-after float seconds", []reply{fail(429, map[string]string{"Retry-After": " 1.5 "}), ok}, nil, 2, []time.Duration{1500 * time.Millisecond}, 0},
		{"retry-after hex is not a number", []reply{fail(429, map[string]string{"Retry-After": "0x3"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"retry-after nan is backoff", []reply{fail(429, map[string]string{"Retry-After": "nan"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"retry-after inf is backoff", []reply{fail(429, map[string]string{"Retry-After": "inf"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"retry-after seconds", []reply{fail(429, map[string]string{"Retry-After": "3"}), ok}, nil, 2, []time.Duration{3 * time.Second}, 0},
		{"retry-after-ms wins", []reply{fail(429, map[string]string{"Retry-After": "3", "Retry-After-Ms": "250"}), ok}, nil, 2, []time.Duration{250 * time.Millisecond}, 0},
		{"retry-after http date", []reply{fail(429, map[string]string{"Retry-After": "Thu, 01 Jan 2026 00:00:07 GMT"}), ok}, nil, 2, []time.Duration{7 * time.Second}, 0},
		{"retry-after over the cap falls back to backoff", []reply{fail(429, map[string]string{"Retry-After": "3600"})}, nil, 3, []time.Duration{500 * time.Millisecond, time.Second}, 429},
		{"retry-after 0 falls back to backoff", []reply{fail(429, map[string]string{"Retry-After": "0"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"retry-after in the past falls back to backoff", []reply{fail(503, map[string]string{"Retry-After": "Wed, 31 Dec 2025 23:00:00 GMT"}), ok}, nil, 2, []time.Duration{500 * time.Millisecond}, 0},
		{"cap is configurable", []reply{fail(429, map[string]string{"Retry-After": "90"}), ok}, []Option{WithRetryWaitCap(2 * time.Minute)}, 2, []time.Duration{90 * time.Second}, 0},
		{"no retries when disabled", []reply{fail(503, nil)}, []Option{WithMaxRetries(0)}, 1, nil, 503},
		{"backoff is capped at 8s", []reply{fail(500, nil)}, []Option{WithMaxRetries(6)}, 7,
			[]time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScriptServer(t, tt.replies...)
			m, clock := testModel(t, s.URL, tt.opts...)
			_, err := m.Request(context.Background(), hello(), &llm.Settings{Temperature: llm.Ptr(0.0)}, nil)
			if tt.wantErr == 0 && err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.wantErr != 0 {
				var he *llm.ModelHTTPError
				if !errors.As(err, &he) || he.StatusCode != tt.wantErr {
					t.Fatalf("err = %v, want HTTP %d", err, tt.wantErr)
				}
			}
			if s.count() != tt.wantCalls {
				t.Errorf("calls = %d, want %d", s.count(), tt.wantCalls)
			}
			if diff := cmp.Diff(tt.wantWaits, clock.Waits()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			for i, b := range s.bodies {
				if b != s.bodies[0] {
					t.Errorf("attempt %d sent a different body:\n%s\nvs\n%s", i, b, s.bodies[0])
				}
			}
		})
	}
}

func TestBackoffJitter(t *testing.T) {
	m, _ := testModel(t, "http://127.0.0.1:1", WithJitter(func() float64 { return 0.999 }))
	got := m.backoff(1)
	if got > time.Second || got < 750*time.Millisecond {
		t.Errorf("backoff(1) with full jitter = %v, want in [750ms, 1s]", got)
	}
}

func TestShouldRetryReadsTheHeaderAsHTTPX(t *testing.T) {
	// httpx joins a repeated header with ", ": neither "true" nor "false".
	h := http.Header{"X-Should-Retry": {"false", "false"}}
	if !shouldRetry(503, h) {
		t.Error("a repeated x-should-retry decided; the status should")
	}
	h = http.Header{"X-Should-Retry": {"true", "true"}}
	if shouldRetry(400, h) {
		t.Error("a repeated x-should-retry decided; the status should")
	}
	if shouldRetry(200, http.Header{"X-Should-Retry": {""}}) || !shouldRetry(599, nil) || shouldRetry(498, nil) {
		t.Error("status rule")
	}
}

func TestRetryConnectionErrors(t *testing.T) {
	s := newScriptServer(t, reply{hangup: true}, reply{body: okBody})
	m, clock := testModel(t, s.URL)
	r, err := m.Request(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Text() != "world" || s.count() != 2 || len(clock.Waits()) != 1 {
		t.Errorf("text %q calls %d waits %v", r.Text(), s.count(), clock.Waits())
	}
}

func TestErrors(t *testing.T) {
	t.Run("status", func(t *testing.T) {
		s := newScriptServer(t, reply{status: 500, body: `{"error":"test error"}`, header: map[string]string{"X-Should-Retry": "false", "X-Request-Id": "req_1"}})
		m, _ := testModel(t, s.URL)
		_, err := m.Request(context.Background(), hello(), nil, nil)
		var he *llm.ModelHTTPError
		if !errors.As(err, &he) {
			t.Fatalf("err = %T %v", err, err)
		}
		if want := `status_code: 500, model_name: llama-3.3-70b-versatile, body: {"error":"test error"}`; err.Error() != want {
			t.Errorf("Error() = %q, want %q", err.Error(), want)
		}
		if http.Header(he.Header).Get("X-Request-Id") != "req_1" || string(he.Body) != `{"error":"test error"}` {
			t.Errorf("error keeps header %v body %q", he.Header, he.Body)
		}
		if strings.Contains(err.Error(), "gsk_secret_for_tests") {
			t.Error("the API key leaked into the error")
		}
	})
	t.Run("connection", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now: connection refused
		m, clock := testModel(t, "http://"+addr)
		_, err = m.Request(context.Background(), hello(), nil, nil)
		var ae *llm.ModelAPIError
		if !errors.As(err, &ae) || ae.ModelName != "llama-3.3-70b-versatile" || !strings.Contains(ae.Message, "connection to http://"+addr) {
			t.Fatalf("err = %T %v", err, err)
		}
		if len(clock.Waits()) != 2 {
			t.Errorf("connection errors retried %d times, want 2", len(clock.Waits()))
		}
		if strings.Contains(err.Error(), "gsk_secret_for_tests") {
			t.Error("the API key leaked into the error")
		}
	})
	t.Run("timeout", func(t *testing.T) {
		block := make(chan struct{})
		defer close(block)
		s := newScriptServer(t, reply{blockOn: block})
		m, _ := testModel(t, s.URL, WithMaxRetries(0))
		_, err := m.Request(context.Background(), hello(), &llm.Settings{Timeout: 20 * time.Millisecond}, nil)
		var ae *llm.ModelAPIError
		if !errors.As(err, &ae) || !ae.Timeout() {
			t.Fatalf("err = %T %v, want a timeout ModelAPIError", err, err)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		block := make(chan struct{})
		defer close(block)
		arrived := make(chan struct{}, 1)
		s := newScriptServer(t, reply{blockOn: block, arrived: arrived})
		m, clock := testModel(t, s.URL)
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived
			cancel()
		}()
		_, err := m.Request(ctx, hello(), nil, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if len(clock.Waits()) != 0 {
			t.Errorf("a cancelled request was retried: %v", clock.Waits())
		}
	})
	t.Run("status below 400", func(t *testing.T) {
		s := newScriptServer(t, reply{status: 304})
		m, _ := testModel(t, s.URL)
		_, err := m.Request(context.Background(), hello(), nil, nil)
		var ae *llm.ModelAPIError
		if !errors.As(err, &ae) || !strings.Contains(ae.Message, "304") {
			t.Fatalf("err = %T %v", err, err)
		}
	})
	t.Run("html error page", func(t *testing.T) {
		s := newScriptServer(t, reply{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: "<html><body>Bad gateway</body></html>"})
		m, _ := testModel(t, s.URL, WithMaxRetries(0))
		_, err := m.Request(context.Background(), hello(), nil, nil)
		var he *llm.ModelHTTPError
		if !errors.As(err, &he) || he.StatusCode != 502 || !strings.Contains(err.Error(), "Bad gateway") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("200 that is not json", func(t *testing.T) {
		s := newScriptServer(t, reply{header: map[string]string{"Content-Type": "text/html"}, body: "<html>maintenance</html>"})
		m, _ := testModel(t, s.URL)
		_, err := m.Request(context.Background(), hello(), nil, nil)
		var ub *llm.UnexpectedModelBehavior
		if !errors.As(err, &ub) || !strings.Contains(err.Error(), "text/html") || !strings.Contains(err.Error(), "maintenance") {
			t.Fatalf("err = %T %v", err, err)
		}
	})
	t.Run("no choices", func(t *testing.T) {
		s := newScriptServer(t, reply{body: `{"id":"x","choices":[]}`})
		m, _ := testModel(t, s.URL)
		_, err := m.Request(context.Background(), hello(), nil, nil)
		var ub *llm.UnexpectedModelBehavior
		if !errors.As(err, &ub) {
			t.Fatalf("err = %T %v", err, err)
		}
	})
}

func TestToolUseFailedBecomesResponse(t *testing.T) {
	tests := []struct {
		name      string
		generated string
		want      []llm.ResponsePart
	}{
		{"tool call", `{"name": "get_weather", "arguments": {\n  "city": "Paris"\n}}`, []llm.ResponsePart{&llm.ToolCallPart{ToolName: "get_weather", Args: `{"city":"Paris"}`, ToolCallID: derivedID("get_weather", 1, 0)}}},
		{"text", "maybe", []llm.ResponsePart{&llm.TextPart{Content: "maybe"}}},
		{"name without object arguments is text", `{"name": "f", "arguments": "x"}`, []llm.ResponsePart{&llm.TextPart{Content: `{"name": "f", "arguments": "x"}`}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := fmt.Sprintf(`{"error":{"message":"Tool call validation failed","type":"invalid_request_error","code":"tool_use_failed","failed_generation":%q}}`, strings.ReplaceAll(tt.generated, `\n`, "\n"))
			s := newScriptServer(t, reply{status: 400, body: body})
			m, _ := testModel(t, s.URL)
			r, err := m.Request(context.Background(), hello(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, r.Parts); diff != "" {
				t.Errorf("parts (-want +got):\n%s", diff)
			}
			if r.FinishReason != llm.FinishError || r.ModelName != "llama-3.3-70b-versatile" || r.RawFinishReason != "" || r.ProviderDetails != nil {
				t.Errorf("finish %q %q model %q details %v", r.FinishReason, r.RawFinishReason, r.ModelName, r.ProviderDetails)
			}
			// The id the part was created with is the one sent back.
			next, err := wireRequest("m", append(hello(), r), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range r.ToolCalls() {
				if got := next.Messages[1].ToolCalls[0].ID; got != c.ToolCallID {
					t.Errorf("next request sends id %q, the part has %q", got, c.ToolCallID)
				}
			}
		})
	}
	t.Run("other 400 stays an error", func(t *testing.T) {
		s := newScriptServer(t, reply{status: 400, body: `{"error":{"message":"bad","code":"json_validate_failed","failed_generation":"x"}}`})
		m, _ := testModel(t, s.URL)
		if _, err := m.Request(context.Background(), hello(), nil, nil); err == nil {
			t.Fatal("a json_validate_failed 400 became a response")
		}
	})
}

func TestRateLimits(t *testing.T) {
	h := map[string]string{
		"X-Ratelimit-Limit-Requests": "14400", "X-Ratelimit-Remaining-Requests": "14370", "X-Ratelimit-Reset-Requests": "2m59.56s",
		"X-Ratelimit-Limit-Tokens": "6000", "X-Ratelimit-Remaining-Tokens": "5997", "X-Ratelimit-Reset-Tokens": "30ms",
		"X-Request-Id": "req_01abc",
	}
	want := RateLimits{LimitRequests: 14400, RemainingRequests: 14370, ResetRequests: 2*time.Minute + 59560*time.Millisecond,
		LimitTokens: 6000, RemainingTokens: 5997, ResetTokens: 30 * time.Millisecond}
	s := newScriptServer(t, reply{body: okBody, header: h})
	m, _ := testModel(t, s.URL)
	r, err := m.Request(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, m.RateLimits()); diff != "" {
		t.Errorf("Model.RateLimits (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, r.ProviderDetails["rate_limits"]); diff != "" {
		t.Errorf("response rate_limits (-want +got):\n%s", diff)
	}
	if r.ProviderDetails["request_id"] != "req_01abc" {
		t.Errorf("request id = %v", r.ProviderDetails["request_id"])
	}

	h["Retry-After"] = "7"
	h["X-Ratelimit-Remaining-Tokens"] = "0"
	s = newScriptServer(t, reply{status: 429, body: `{"error":{"message":"Rate limit reached","type":"tokens","code":"rate_limit_exceeded"}}`, header: h})
	m, _ = testModel(t, s.URL, WithMaxRetries(0))
	_, err = m.Request(context.Background(), hello(), nil, nil)
	var he *llm.ModelHTTPError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v", err)
	}
	if rl := parseRateLimits(he.Header); rl.RemainingTokens != 0 || rl.LimitTokens != 6000 {
		t.Errorf("rate limits from the error = %+v", rl)
	}
	if d, ok := he.RetryAfter(); !ok || d != 7*time.Second {
		t.Errorf("RetryAfter = %v %v", d, ok)
	}
	if m.RateLimits().RemainingTokens != 0 || m.RateLimits().LimitTokens != 6000 {
		t.Errorf("Model.RateLimits after a 429 = %+v", m.RateLimits())
	}
}

func TestListModels(t *testing.T) {
	body := `{"object":"list","data":[{"id":"llama-3.3-70b-versatile","object":"model","created":1733447754,"owned_by":"Meta","active":true,"context_window":131072,"public_apps":null,"max_completion_tokens":32768,"input_modalities":["text"],"supported_features":["tools"]}]}`
	s := newScriptServer(t, reply{body: body})
	m, _ := testModel(t, s.URL)
	list, err := m.ListModels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.paths[0] != "GET /openai/v1/models" || len(list) != 1 || list[0].ContextWindow != 131072 {
		t.Fatalf("path %q list %+v", s.paths[0], list)
	}
	if string(list[0].Extra["supported_features"]) != `["tools"]` || string(list[0].Extra["input_modalities"]) != `["text"]` {
		t.Errorf("unknown model fields lost: %v", list[0].Extra)
	}
}

// closeCounter counts response bodies closed.
type closeCounter struct {
	rt     http.RoundTripper
	mu     sync.Mutex
	opened int
	closed int
}

func (c *closeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.opened++
	c.mu.Unlock()
	resp.Body = &countingBody{ReadCloser: resp.Body, c: c}
	return resp, nil
}

type countingBody struct {
	io.ReadCloser
	c    *closeCounter
	once sync.Once
}

func (b *countingBody) Close() error {
	b.once.Do(func() { b.c.mu.Lock(); b.c.closed++; b.c.mu.Unlock() })
	return b.ReadCloser.Close()
}

func TestEveryBodyIsClosed(t *testing.T) {
	s := newScriptServer(t, reply{status: 503, body: `{"error":"x"}`}, reply{status: 429, body: `{"error":"y"}`}, reply{body: okBody})
	cc := &closeCounter{rt: http.DefaultTransport}
	m, _ := testModel(t, s.URL, WithHTTPClient(&http.Client{Transport: cc}))
	if _, err := m.Request(context.Background(), hello(), nil, nil); err != nil {
		t.Fatal(err)
	}
	if cc.opened != 3 || cc.closed != 3 {
		t.Errorf("opened %d bodies, closed %d", cc.opened, cc.closed)
	}
}

func TestCancelWhileWaitingToRetry(t *testing.T) {
	s := newScriptServer(t, reply{status: 503, body: `{"error":"x"}`, header: map[string]string{"Retry-After": "30"}})
	ctx, cancel := context.WithCancel(context.Background())
	clock := &cancellingClock{fakeClock: newFakeClock(), cancel: cancel}
	m, err := NewModel("m", WithBaseURL(s.URL), WithAPIKey("k"), WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.Request(ctx, hello(), nil, nil)
	if !errors.Is(err, context.Canceled) || s.count() != 1 {
		t.Fatalf("err = %v after %d requests", err, s.count())
	}
}

// cancellingClock cancels the request's context when asked to wait, as a
// caller giving up during the wait would.
type cancellingClock struct {
	*fakeClock
	cancel context.CancelFunc
}

func (c *cancellingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.cancel()
	<-ctx.Done()
	return ctx.Err()
}

func TestTimeoutWhileReadingTheBody(t *testing.T) {
	// The server sends headers and half a body, then stalls: the attempt
	// times out, is retried, and the caller gets a timeout error.
	block := make(chan struct{})
	defer close(block)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","choi`)
		w.(http.Flusher).Flush()
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	m, clock := testModel(t, srv.URL, WithTimeout(30*time.Millisecond), WithMaxRetries(1))
	_, err := m.Request(context.Background(), hello(), nil, nil)
	var ae *llm.ModelAPIError
	if !errors.As(err, &ae) || !ae.Timeout() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %T %v, want a timeout", err, err)
	}
	if len(clock.Waits()) != 1 {
		t.Errorf("a timed-out read was retried %d times, want 1", len(clock.Waits()))
	}
}

func TestCredentialsInBaseURLStayOutOfErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	m, _ := testModel(t, "http://user:hunter2@"+addr, WithMaxRetries(0))
	_, err = m.Request(context.Background(), hello(), nil, nil)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v", err)
	}
}

func TestHugeBodies(t *testing.T) {
	huge := strings.Repeat("x", maxResponseBody+10)
	s := newScriptServer(t, reply{header: map[string]string{"Content-Type": "application/json"}, body: huge})
	m, _ := testModel(t, s.URL)
	_, err := m.Request(context.Background(), hello(), nil, nil)
	var ub *llm.UnexpectedModelBehavior
	if !errors.As(err, &ub) || !strings.Contains(err.Error(), "larger than") || s.count() != 1 {
		t.Fatalf("err = %T %v after %d requests", err, err, s.count())
	}

	notJSON := strings.Repeat("<html>", 100_000)
	s = newScriptServer(t, reply{header: map[string]string{"Content-Type": "text/html"}, body: notJSON})
	m, _ = testModel(t, s.URL)
	_, err = m.Request(context.Background(), hello(), nil, nil)
	if !errors.As(err, &ub) || len(ub.Body) > maxKeptBody+100 || !strings.Contains(ub.Body, "more bytes") {
		t.Fatalf("err = %T, kept body of %d bytes", err, len(ub.Body))
	}
}

// permanentErr is a transport error that says retrying cannot help, as a
// replay session's miss does.
type permanentErr struct{}

func (permanentErr) Error() string   { return "no recording for this request" }
func (permanentErr) Retryable() bool { return false }

type errTransport struct {
	err   error
	calls int
}

func (e *errTransport) RoundTrip(*http.Request) (*http.Response, error) {
	e.calls++
	return nil, e.err
}

func TestTransportErrorsThatSayNoRetry(t *testing.T) {
	for _, tt := range []struct {
		name  string
		err   error
		calls int
	}{
		{"not retryable", permanentErr{}, 1},
		{"wrapped, not retryable", fmt.Errorf("replay: %w", permanentErr{}), 1},
		{"ordinary", errors.New("connection reset by peer"), 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			et := &errTransport{err: tt.err}
			m, clock := testModel(t, "https://api.groq.com", WithTransport(et))
			_, err := m.Request(context.Background(), hello(), nil, nil)
			var ae *llm.ModelAPIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %T %v", err, err)
			}
			if et.calls != tt.calls || len(clock.Waits()) != tt.calls-1 {
				t.Errorf("calls %d waits %v, want %d calls", et.calls, clock.Waits(), tt.calls)
			}
		})
	}
}
