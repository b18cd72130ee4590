package fakes_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/leakcheck"
	"github.com/llmvcr/llmvcr/llm"
)

// These tests run the real groq.Model against the fake for every scripted
// behaviour, and check the error class, the partial results and the
// retries a real occurrence would produce.

func newModel(t *testing.T, g *fakes.Groq, clock groq.Clock) *groq.Model {
	t.Helper()
	m, err := groq.NewModel("llama-3.3-70b-versatile",
		groq.WithBaseURL(g.URL),
		groq.WithHTTPClient(g.Client()),
		groq.WithAPIKey("gsk_fake_for_tests_only"),
		groq.WithClock(clock),
		groq.WithJitter(func() float64 { return 0 }),
	)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func ask() []llm.Message {
	return []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}
}

func TestGroqModelRequest(t *testing.T) {
	sec := time.Second
	tests := []struct {
		name       string
		script     func(g *fakes.Groq)
		wantText   string
		wantErr    any // a pointer to the error type errors.As must find; nil for success
		wantStatus int
		errSays    string // part of the error message, when set
		requests   int
		slept      []time.Duration
	}{
		{name: "reply", script: func(g *fakes.Groq) { g.Reply(fakes.TextCompletion("Paris.")) }, wantText: "Paris.", requests: 1},
		{name: "400 tool_use_failed becomes a response", script: func(g *fakes.Groq) {
			g.Error(fakes.ToolUseFailedError(`{"name": "get_city", "arguments": {"q": "France"}}`))
		}, requests: 1},
		{name: "401", script: func(g *fakes.Groq) { g.Error(fakes.InvalidAPIKeyError()) }, wantErr: new(*llm.ModelHTTPError), wantStatus: 401, requests: 1},
		{name: "404", script: func(g *fakes.Groq) { g.Error(fakes.ModelNotFoundError("llama-3.3-70b-versatile")) }, wantErr: new(*llm.ModelHTTPError), wantStatus: 404, requests: 1},
		{name: "413 is not retried", script: func(g *fakes.Groq) { g.Error(fakes.RequestTooLargeError("llama-3.3-70b-versatile", 12000, 20000)) },
			wantErr: new(*llm.ModelHTTPError), wantStatus: 413, requests: 1},
		{name: "429 honours retry-after", script: func(g *fakes.Groq) {
			g.Error(fakes.RateLimitError(2 * sec))
			g.Reply(fakes.TextCompletion("Paris."))
		}, wantText: "Paris.", requests: 2, slept: []time.Duration{2 * sec}},
		{name: "429 storm exhausts the retries", script: func(g *fakes.Groq) { g.Error(fakes.RateLimitError(sec)).Repeat() },
			wantErr: new(*llm.ModelHTTPError), wantStatus: 429, requests: 3, slept: []time.Duration{sec, sec}},
		// groq-python retries 408, 409, 429 and 5xx only: 498 reaches the caller.
		{name: "498 is not retried", script: func(g *fakes.Groq) { g.Error(fakes.FlexCapacityError()) },
			wantErr: new(*llm.ModelHTTPError), wantStatus: 498, errSays: "Capacity exceeded for the flex service tier", requests: 1},
		{name: "500 then 503 then success", script: func(g *fakes.Groq) {
			g.Error(fakes.InternalServerError())
			g.Error(fakes.ServiceUnavailableError())
			g.Reply(fakes.TextCompletion("Paris."))
		}, wantText: "Paris.", requests: 3, slept: []time.Duration{500 * time.Millisecond, sec}},
		{name: "body cut short is retried like a dropped connection", script: func(g *fakes.Groq) {
			g.Reply(fakes.TextCompletion("Paris.")).SlowBody(40, time.Millisecond).CutAfter(1).Times(3)
		}, wantErr: new(*llm.ModelAPIError), requests: 3, slept: []time.Duration{500 * time.Millisecond, sec}},
		{name: "body not JSON", script: func(g *fakes.Groq) { g.Error(200, "<html>oops</html>", nil) },
			wantErr: new(*llm.UnexpectedModelBehavior), requests: 1},
		{name: "connection dropped before headers is retried", script: func(g *fakes.Groq) {
			g.Handle(func(w http.ResponseWriter, r *http.Request) { panic(http.ErrAbortHandler) }).Times(3)
		}, wantErr: new(*llm.ModelAPIError), requests: 3, slept: []time.Duration{500 * time.Millisecond, sec}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := fakeclock.NewInstant(t0)
			g := fakes.NewGroq(t, fakes.WithClock(clock))
			tt.script(g)
			resp, err := newModel(t, g, clock).Request(context.Background(), ask(), nil, nil)
			if n := len(g.Requests()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
			if diff := cmp.Diff(tt.slept, clock.Slept()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("no error, response %+v", resp)
				}
				if !errors.As(err, tt.wantErr) {
					t.Fatalf("err = %T %v, want %T", err, err, tt.wantErr)
				}
				var he *llm.ModelHTTPError
				if tt.wantStatus != 0 && (!errors.As(err, &he) || he.StatusCode != tt.wantStatus) {
					t.Errorf("err = %v, want status %d", err, tt.wantStatus)
				}
				if !strings.Contains(err.Error(), tt.errSays) {
					t.Errorf("err = %v, want it to say %q", err, tt.errSays)
				}
				if strings.Contains(err.Error(), "gsk_fake") {
					t.Error("the error shows the API key")
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if tt.wantText != "" && resp.Text() != tt.wantText {
				t.Errorf("text = %q, want %q", resp.Text(), tt.wantText)
			}
		})
	}
}

func TestGroqModelToolUseFailed(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Error(fakes.ToolUseFailedError(`{"name": "get_city", "arguments": {"q": "France"}}`))
	resp, err := newModel(t, g, fakeclock.NewInstant(t0)).Request(context.Background(), ask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.ToolCalls()
	if resp.FinishReason != llm.FinishError || len(calls) != 1 || calls[0].ToolName != "get_city" || calls[0].Args != `{"q":"France"}` {
		t.Errorf("response = %+v", resp)
	}
}

func TestGroqModelRateLimitsAndRequestID(t *testing.T) {
	g := fakes.NewGroq(t)
	c := fakes.TextCompletion("Paris.")
	g.Reply(c)
	resp, err := newModel(t, g, fakeclock.NewInstant(t0)).Request(context.Background(), ask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.ProviderDetails["request_id"] != c.XGroq.ID || resp.ProviderDetails["rate_limits"] == nil {
		t.Errorf("provider details = %v", resp.ProviderDetails)
	}
	if resp.ProviderResponseID != c.ID || resp.Usage.InputTokens != c.Usage.PromptTokens || resp.Usage.Timings.Total == 0 {
		t.Errorf("response = %+v", resp)
	}
	if got := g.Requests()[0].Header.Get("Authorization"); got != "Bearer gsk_fake_for_tests_only" {
		t.Errorf("authorization = %q", got)
	}
}

func TestGroqModelStallCancelled(t *testing.T) {
	g := fakes.NewGroq(t)
	before := leakcheck.Take()
	g.Stall()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		waitFor(t, "the request", func() bool { return len(g.Requests()) == 1 })
		cancel()
	}()
	_, err := newModel(t, g, fakeclock.NewInstant(t0)).Request(ctx, ask(), nil, nil)
	var ae *llm.ModelAPIError
	if !errors.As(err, &ae) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want a ModelAPIError wrapping context.Canceled", err)
	}
	if n := len(g.Requests()); n != 1 {
		t.Errorf("requests = %d; a cancelled request is not retried", n)
	}
	g.Client().CloseIdleConnections()
	waitForGoroutines(t, before)
}

// streamResult ranges over a stream and returns its text, the events and
// the error that ended it.
func streamResult(t *testing.T, s llm.StreamedResponse) (string, int, error) {
	t.Helper()
	n := 0
	for _, err := range s.Events() {
		if err != nil {
			return s.Response().Text(), n, err
		}
		n++
	}
	return s.Response().Text(), n, nil
}

func TestGroqModelStream(t *testing.T) {
	words := "The capital of France is Paris."
	tests := []struct {
		name     string
		script   func(g *fakes.Groq)
		openErr  any    // error class from RequestStream
		status   int    // the *llm.ModelHTTPError status RequestStream returns, when set
		eventErr any    // error class ending Events
		wantText string // text at the end (partial on error)
		requests int
	}{
		{name: "whole stream", script: func(g *fakes.Groq) { g.Stream(fakes.TextStream(words)...) }, wantText: words, requests: 1},
		{name: "slow body split across events", script: func(g *fakes.Groq) {
			g.Stream(fakes.TextStream(words)...).SlowBody(7, time.Millisecond)
		}, wantText: words, requests: 1},
		{name: "429 before the stream is retried", script: func(g *fakes.Groq) {
			g.Error(fakes.RateLimitError(time.Second))
			g.Stream(fakes.TextStream(words)...)
		}, wantText: words, requests: 2},
		// The headers have arrived, so groq-python does not retry: the
		// event is the error RequestStream returns.
		{name: "error event before any chunk is returned, not retried", script: func(g *fakes.Groq) {
			g.Stream(fakes.TextStream(words)...).ErrorFrameAfter(0, fakes.StreamError(503, groqwire.ErrorObject{Message: "over capacity", Type: "internal_server_error"}))
		}, openErr: new(*llm.ModelHTTPError), status: 503, requests: 1},
		{name: "error event mid-stream", script: func(g *fakes.Groq) {
			g.Stream(fakes.TextStream(words)...).ErrorFrameAfter(3, fakes.StreamError(500, groqwire.ErrorObject{Message: "Internal Server Error", Type: "internal_server_error"}))
		}, eventErr: new(*llm.ModelHTTPError), wantText: "The capital", requests: 1},
		{name: "tool_use_failed mid-stream ends normally", script: func(g *fakes.Groq) {
			g.Stream(fakes.TextStream(words)...).ErrorFrameAfter(2, fakes.StreamError(400, fakes.ToolUseFailed("")))
		}, wantText: "The", requests: 1},
		{name: "x_groq.error", script: func(g *fakes.Groq) {
			chunks := fakes.TextStream(words)
			g.Stream(append(chunks[:3:3], fakes.XGroqErrorChunk("over capacity"))...).WithoutDone()
		}, eventErr: new(*groq.StreamError), wantText: "The capital", requests: 1},
		{name: "malformed frame", script: func(g *fakes.Groq) { g.Stream(fakes.TextStream(words)...).MalformedFrameAfter(2, "{oops") },
			eventErr: new(*llm.UnexpectedModelBehavior), wantText: "The", requests: 1},
		{name: "connection cut after chunk 3", script: func(g *fakes.Groq) { g.Stream(fakes.TextStream(words)...).CutAfter(3) },
			eventErr: new(*llm.ModelAPIError), wantText: "The capital", requests: 1},
		{name: "no [DONE]", script: func(g *fakes.Groq) { g.Stream(fakes.TextStream(words)...).WithoutDone() },
			eventErr: new(*llm.ModelAPIError), wantText: words, requests: 1},
		{name: "empty stream", script: func(g *fakes.Groq) { g.StreamFrames(fakes.RawFrame([]byte("data: [DONE]\n\n"))) },
			openErr: new(*llm.UnexpectedModelBehavior), requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := fakeclock.NewInstant(t0)
			g := fakes.NewGroq(t, fakes.WithClock(clock))
			tt.script(g)
			s, err := newModel(t, g, clock).RequestStream(context.Background(), ask(), nil, nil)
			if tt.openErr != nil {
				if !errors.As(err, tt.openErr) {
					t.Fatalf("RequestStream err = %T %v, want %T", err, err, tt.openErr)
				}
				var he *llm.ModelHTTPError
				if tt.status != 0 && (!errors.As(err, &he) || he.StatusCode != tt.status) {
					t.Errorf("RequestStream err = %v, want status %d", err, tt.status)
				}
				if n := len(g.Requests()); n != tt.requests {
					t.Errorf("requests = %d, want %d", n, tt.requests)
				}
				return
			}
			if err != nil {
				t.Fatalf("RequestStream: %v", err)
			}
			defer s.Close()
			text, _, err := streamResult(t, s)
			switch {
			case tt.eventErr == nil && err != nil:
				t.Errorf("events ended with %v", err)
			case tt.eventErr != nil && !errors.As(err, tt.eventErr):
				t.Errorf("events ended with %T %v, want %T", err, err, tt.eventErr)
			}
			if text != tt.wantText {
				t.Errorf("text = %q, want %q", text, tt.wantText)
			}
			if n := len(g.Requests()); n != tt.requests {
				t.Errorf("requests = %d, want %d", n, tt.requests)
			}
		})
	}
}

func TestGroqModelStreamStallClosed(t *testing.T) {
	g := fakes.NewGroq(t)
	before := leakcheck.Take()
	g.Stream(fakes.TextStream("one two three four")...).StallAfter(3)
	s, err := newModel(t, g, fakeclock.NewInstant(t0)).RequestStream(context.Background(), ask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var last error
	for _, err := range s.Events() {
		if err != nil {
			last = err
			break
		}
		if n++; n == 2 { // the start and one delta: the server is stalled after them
			go s.Close()
		}
	}
	if last != nil && !errors.Is(last, context.Canceled) && !errors.Is(last, io.ErrUnexpectedEOF) {
		t.Errorf("after Close: %v", last)
	}
	if got := s.Response().Text(); got != "one two" {
		t.Errorf("partial text %q", got)
	}
	g.Client().CloseIdleConnections()
	waitForGoroutines(t, before)
}

func TestGroqModelStreamDelaysOnTheClock(t *testing.T) {
	clock := fakeclock.New(t0)
	g := fakes.NewGroq(t, fakes.WithClock(clock))
	g.Stream(fakes.TextStream("one two")...).Delay(2*time.Second, 50*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		for {
			if err := clock.WaitForSleepers(ctx, 1); err != nil {
				return
			}
			clock.Advance(2 * time.Second)
		}
	}()
	s, err := newModel(t, g, fakeclock.NewInstant(t0)).RequestStream(ctx, ask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if text, _, err := streamResult(t, s); err != nil || text != "one two" {
		t.Errorf("text %q, err %v", text, err)
	}
	want := []time.Duration{2 * time.Second, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}
	if diff := cmp.Diff(want, clock.Slept()); diff != "" {
		t.Errorf("server delays (-want +got):\n%s", diff)
	}
}

func TestGroqModelReadsEveryUsageShape(t *testing.T) {
	tests := []struct {
		name  string
		shape []fakes.BuildOption
	}{
		{"x_groq and top level", nil},
		{"x_groq only", []fakes.BuildOption{fakes.UsageXGroqOnly()}},
		{"extra usage chunk", []fakes.BuildOption{fakes.UsageExtraChunk()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fakes.NewGroq(t)
			g.Stream(fakes.TextStream("Paris.", append([]fakes.BuildOption{fakes.Usage(48, 3)}, tt.shape...)...)...)
			s, err := newModel(t, g, fakeclock.NewInstant(t0)).RequestStream(context.Background(), ask(), nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, _, err := streamResult(t, s); err != nil {
				t.Fatal(err)
			}
			if u := s.Usage(); u.InputTokens != 48 || u.OutputTokens != 3 {
				t.Errorf("usage = %+v, want 48 in and 3 out", u)
			}
		})
	}
}

func TestGroqModelOnDefaultQwenStream(t *testing.T) {
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers(), fakes.WithClock(fakeclock.NewInstant(t0)))
	m, err := groq.NewModel("qwen/qwen3-32b", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.RequestStream(context.Background(), ask(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := streamResult(t, s); err != nil {
		t.Fatal(err)
	}
	parts := s.Response().Parts
	if len(parts) != 2 {
		t.Fatalf("parts = %#v, want thinking then text", parts)
	}
	th, ok1 := parts[0].(*llm.ThinkingPart)
	tx, ok2 := parts[1].(*llm.TextPart)
	if !ok1 || !ok2 || !strings.Contains(th.Content, "I should answer") || !strings.Contains(tx.Content, "The capital of France is Paris.") {
		t.Errorf("parts = %#v %#v", parts[0], parts[1])
	}
}
