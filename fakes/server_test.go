package fakes_test

import (
	"bufio"
	"context"
	"encoding/json"
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
)

var t0 = time.Date(2026, 2, 18, 17, 12, 20, 0, time.UTC)

func TestReply(t *testing.T) {
	g := fakes.NewGroq(t)
	want := fakes.TextCompletion("The capital of France is Paris.")
	g.Reply(want)
	resp, body := mustPost(t, g, chatBody("What is the capital of France?", false))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d, content-type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var got groqwire.ChatCompletion
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("reply (-scripted +received):\n%s", diff)
	}
	if rid := resp.Header.Get("X-Request-Id"); rid != want.XGroq.ID {
		t.Errorf("x-request-id = %q, want x_groq.id %q", rid, want.XGroq.ID)
	}
	for _, h := range []string{"X-Ratelimit-Limit-Requests", "X-Ratelimit-Remaining-Requests", "X-Ratelimit-Reset-Requests",
		"X-Ratelimit-Limit-Tokens", "X-Ratelimit-Remaining-Tokens", "X-Ratelimit-Reset-Tokens"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	if got := resp.Header.Get("X-Ratelimit-Remaining-Requests"); got != "999" {
		t.Errorf("remaining requests = %s, want 999 after one request", got)
	}
	if _, err := time.ParseDuration(resp.Header.Get("X-Ratelimit-Reset-Tokens")); err != nil {
		t.Errorf("reset-tokens does not parse as a duration: %v", err)
	}
}

func TestStream(t *testing.T) {
	g := fakes.NewGroq(t)
	chunks := fakes.TextStream("Paris is the capital.")
	g.Stream(chunks...)
	resp, body := mustPost(t, g, chatBody("capital?", true))
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("content-type %q", ct)
	}
	data := sseData(t, body)
	if len(data) != len(chunks)+1 || data[len(data)-1] != "[DONE]" {
		t.Fatalf("got %d events ending %q, want %d chunks and [DONE]", len(data), data[len(data)-1], len(chunks))
	}
	var text strings.Builder
	for i, d := range data[:len(data)-1] {
		var c groqwire.ChatCompletionChunk
		if err := json.Unmarshal([]byte(d), &c); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if c.Choices[0].Delta.Content != nil {
			text.WriteString(*c.Choices[0].Delta.Content)
		}
	}
	if text.String() != "Paris is the capital." {
		t.Errorf("text = %q", text.String())
	}
}

func TestErrors(t *testing.T) {
	type built = func() (int, groqwire.ErrorResponse, http.Header)
	tests := []struct {
		name       string
		build      built
		wantStatus int
		wantCode   string
		wantHeader map[string]string
	}{
		{"tool_use_failed", func() (int, groqwire.ErrorResponse, http.Header) {
			return fakes.ToolUseFailedError(`{"name": "f", "arguments": {"x": 1}}`)
		}, 400, "tool_use_failed", nil},
		{"invalid api key", fakes.InvalidAPIKeyError, 401, "invalid_api_key", nil},
		{"model not found", func() (int, groqwire.ErrorResponse, http.Header) { return fakes.ModelNotFoundError("nope") }, 404, "model_not_found", nil},
		{"too large", func() (int, groqwire.ErrorResponse, http.Header) {
			return fakes.RequestTooLargeError("llama-3.3-70b-versatile", 12000, 20741)
		}, 413, "rate_limit_exceeded", nil},
		{"rate limited", func() (int, groqwire.ErrorResponse, http.Header) {
			return fakes.RateLimitError(2500 * time.Millisecond)
		},
			429, "rate_limit_exceeded", map[string]string{"Retry-After": "3", "X-Ratelimit-Remaining-Tokens": "0", "X-Ratelimit-Reset-Tokens": "2.5s"}},
		{"flex capacity", fakes.FlexCapacityError, 498, "capacity_exceeded", nil},
		{"internal", fakes.InternalServerError, 500, "", nil},
		{"unavailable", fakes.ServiceUnavailableError, 503, "service_unavailable", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fakes.NewGroq(t)
			g.Error(tt.build())
			resp, body := mustPost(t, g, chatBody("hi", false))
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			var e groqwire.ErrorResponse
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("decode %s: %v", body, err)
			}
			if string(e.Error.Code) != tt.wantCode || e.Error.Message == "" || e.Error.Type == "" {
				t.Errorf("error = %+v, want code %q with a message and a type", e.Error, tt.wantCode)
			}
			for k, v := range tt.wantHeader {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("header %s = %q, want %q", k, got, v)
				}
			}
			if tt.wantStatus == 400 && (e.Error.FailedGeneration == nil || !strings.Contains(*e.Error.FailedGeneration, `"x": 1`)) {
				t.Errorf("failed_generation = %v", e.Error.FailedGeneration)
			}
		})
	}
}

func TestRawErrorBody(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Error(502, "<html>Bad Gateway</html>", http.Header{"Content-Type": {"text/html"}})
	resp, body := mustPost(t, g, chatBody("hi", false))
	if resp.StatusCode != 502 || string(body) != "<html>Bad Gateway</html>" || resp.Header.Get("Content-Type") != "text/html" {
		t.Errorf("got %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestErrorFrameInsideStream(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.TextStream("one two three four")...).ErrorFrameAfter(2, fakes.StreamError(400, fakes.ToolUseFailed("")))
	resp, body := mustPost(t, g, chatBody("hi", true))
	if resp.StatusCode != 200 {
		t.Fatalf("status %d, want 200: the error comes inside the stream", resp.StatusCode)
	}
	if !strings.Contains(string(body), "\n\nevent: error\ndata: {\"error\":") {
		t.Errorf("no event: error frame in %s", body)
	}
	data := sseData(t, body)
	if len(data) != 3 {
		t.Fatalf("got %d events, want 2 chunks and the error", len(data))
	}
	var e groqwire.ChatCompletionChunk
	if err := json.Unmarshal([]byte(data[2]), &e); err != nil || e.Error == nil || e.Error.Code != "tool_use_failed" || e.Error.StatusCode != 400 {
		t.Errorf("error event = %s (%v)", data[2], err)
	}
	if strings.Contains(string(body), "[DONE]") {
		t.Error("a stream ended by an error frame has no [DONE]")
	}
}

func TestErrorFrameMatchesRecording(t *testing.T) {
	real := sseData(t, readFile(t, "testdata/real/stream_error_frame.sse"))
	frame := string(fakes.ErrorFrame(fakes.StreamError(400, fakes.ToolUseFailed("x"))).Bytes())
	got, _ := strings.CutPrefix(strings.TrimSpace(frame), "event: error\ndata: ")
	if diff := cmp.Diff(keyPaths(t, []byte(real[len(real)-1])), keyPaths(t, []byte(got))); diff != "" {
		t.Errorf("error frame key paths (-real +fake):\n%s", diff)
	}
	if !strings.Contains(string(readFile(t, "testdata/real/stream_error_frame.sse")), "event: error\ndata: ") {
		t.Error("the recording's error frame is not event: error")
	}
}

func TestXGroqErrorChunk(t *testing.T) {
	g := fakes.NewGroq(t)
	chunks := fakes.TextStream("partial answer")
	g.Stream(append(chunks[:2:2], fakes.XGroqErrorChunk("over capacity"))...).WithoutDone()
	_, body := mustPost(t, g, chatBody("hi", true))
	data := sseData(t, body)
	var c groqwire.ChatCompletionChunk
	if err := json.Unmarshal([]byte(data[len(data)-1]), &c); err != nil {
		t.Fatal(err)
	}
	if c.XGroq == nil || string(c.XGroq.Error) != `"over capacity"` {
		t.Errorf("last chunk x_groq = %+v", c.XGroq)
	}
	if data[len(data)-1] == "[DONE]" {
		t.Error("WithoutDone still sent [DONE]")
	}
}

func TestMalformedFrame(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.TextStream("a b")...).MalformedFrameAfter(1, "{not json")
	_, body := mustPost(t, g, chatBody("hi", true))
	data := sseData(t, body)
	if data[1] != "{not json" {
		t.Errorf("event 1 = %q, want the malformed payload", data[1])
	}
	if json.Valid([]byte(data[1])) || !json.Valid([]byte(data[2])) || data[len(data)-1] != "[DONE]" {
		t.Errorf("events = %q", data)
	}
}

func TestCutAfter(t *testing.T) {
	g := fakes.NewGroq(t)
	before := leakcheck.Take()
	g.Stream(fakes.TextStream("one two three four five")...).CutAfter(3)
	resp, err := post(context.Background(), t, g, chatBody("hi", true))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error = %v, want unexpected EOF", err)
	}
	if n := len(sseData(t, body)); n != 3 {
		t.Errorf("got %d events before the cut, want 3", n)
	}
	g.Client().CloseIdleConnections()
	waitForGoroutines(t, before)
}

func TestCutReply(t *testing.T) {
	g := fakes.NewGroq(t, fakes.WithClock(fakeclock.NewInstant(t0)))
	g.Reply(fakes.TextCompletion("a long enough answer")).SlowBody(10, time.Millisecond).CutAfter(2)
	resp, err := post(context.Background(), t, g, chatBody("hi", false))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(body) != 20 {
		t.Errorf("read %d bytes, error %v; want 20 bytes and unexpected EOF", len(body), err)
	}
}

func TestStallEndsWhenClientCancels(t *testing.T) {
	g := fakes.NewGroq(t)
	before := leakcheck.Take()
	g.Stall()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		waitFor(t, "the request to arrive", func() bool { return len(g.Requests()) == 1 })
		cancel()
	}()
	_, err := post(ctx, t, g, chatBody("hi", false))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	g.Client().CloseIdleConnections()
	waitForGoroutines(t, before)
}

func TestStallAfterChunks(t *testing.T) {
	g := fakes.NewGroq(t)
	before := leakcheck.Take()
	g.Stream(fakes.TextStream("one two three")...).StallAfter(2)
	ctx, cancel := context.WithCancel(context.Background())
	resp, err := post(ctx, t, g, chatBody("hi", true))
	if err != nil {
		t.Fatal(err)
	}
	r := sseReader{bufio.NewReader(resp.Body)}
	for i := range 2 {
		if _, err := r.next(); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	cancel() // the server is stalled now; the client gives up
	if _, err := r.next(); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel: %v, want context.Canceled", err)
	}
	resp.Body.Close()
	g.Client().CloseIdleConnections()
	waitForGoroutines(t, before)
}

func TestStallEndsWhenServerCloses(t *testing.T) {
	rec := newRecordingTB(t)
	g := fakes.NewGroq(rec)
	g.Stream(fakes.TextStream("one two")...).StallAfter(1)
	resp, err := post(context.Background(), t, g, chatBody("hi", true))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := sseReader{bufio.NewReader(resp.Body)}
	if _, err := r.next(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		rec.finish() // closes the server, which must not wait for the stall
		close(done)
	}()
	<-done
	if _, err := io.ReadAll(resp.Body); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read after close: %v", err)
	}
}

func TestDelaysRunOnTheClock(t *testing.T) {
	clock := fakeclock.New(t0)
	g := fakes.NewGroq(t, fakes.WithClock(clock))
	g.Stream(fakes.TextStream("one two")...).Delay(time.Second, 100*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := post(ctx, t, g, chatBody("hi", true)) // headers come before the first delay
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := sseReader{bufio.NewReader(resp.Body)}
	steps := []time.Duration{time.Second, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond, 100 * time.Millisecond}
	for i, d := range steps {
		if err := clock.WaitForSleepers(ctx, 1); err != nil {
			t.Fatalf("event %d: server never waited: %v", i, err)
		}
		clock.Advance(d - time.Nanosecond)
		// A cancelled context asks whether the sleeper still waits without waiting.
		asleep, cancel := context.WithCancel(ctx)
		cancel()
		if clock.WaitForSleepers(asleep, 1) != nil {
			t.Fatalf("event %d: sleeper woke %v early", i, time.Nanosecond)
		}
		clock.Advance(time.Nanosecond)
		if _, err := r.next(); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
	}
	if diff := cmp.Diff(steps, clock.Slept()); diff != "" {
		t.Errorf("delays (-want +got):\n%s", diff)
	}
}

func TestSlowBody(t *testing.T) {
	clock := fakeclock.NewInstant(t0)
	g := fakes.NewGroq(t, fakes.WithClock(clock))
	c := fakes.TextCompletion("slow")
	g.Reply(c).SlowBody(16, 50*time.Millisecond)
	_, body := mustPost(t, g, chatBody("hi", false))
	var got groqwire.ChatCompletion
	if err := json.Unmarshal(body, &got); err != nil || got.ID != c.ID {
		t.Fatalf("body %s: %v", body, err)
	}
	want := (len(body)+15)/16 - 1
	if n := len(clock.Slept()); n != want {
		t.Errorf("slept %d times, want %d (between %d-byte pieces)", n, want, 16)
	}
	if !clock.Now().Equal(t0.Add(time.Duration(want) * 50 * time.Millisecond)) {
		t.Errorf("clock at %v", clock.Now())
	}
}

func TestHandle(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Handle(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Echo-Len", strings.Repeat("x", len(b)%7))
		w.WriteHeader(http.StatusTeapot)
	})
	body := chatBody("hi", false)
	resp, _ := mustPost(t, g, body)
	if resp.StatusCode != http.StatusTeapot || len(resp.Header.Get("X-Echo-Len")) != len(body)%7 {
		t.Errorf("status %d, x-echo-len %q", resp.StatusCode, resp.Header.Get("X-Echo-Len"))
	}
}

func TestMatchersAndOrder(t *testing.T) {
	g := fakes.NewGroq(t)
	gptOSS := g.Reply(fakes.TextCompletion("from gpt-oss")).When(fakes.ModelIs("openai/gpt-oss-120b"))
	first := g.Reply(fakes.TextCompletion("first"))
	second := g.Reply(fakes.TextCompletion("second")).Times(2)
	ask := func(model string) string {
		b, _ := json.Marshal(groqwire.ChatCompletionRequest{Model: model, Messages: []groqwire.ChatMessage{{Role: "user", Content: &groqwire.MessageContent{Text: "q"}}}})
		_, body := mustPost(t, g, b)
		var c groqwire.ChatCompletion
		if err := json.Unmarshal(body, &c); err != nil {
			t.Fatal(err)
		}
		return *c.Choices[0].Message.Content
	}
	got := []string{ask("llama-3.3-70b-versatile"), ask("llama-3.3-70b-versatile"), ask("openai/gpt-oss-120b"), ask("x")}
	if diff := cmp.Diff([]string{"first", "second", "from gpt-oss", "second"}, got); diff != "" {
		t.Errorf("answers (-want +got):\n%s", diff)
	}
	if gptOSS.Used() != 1 || first.Used() != 1 || second.Used() != 2 {
		t.Errorf("used %d %d %d", gptOSS.Used(), first.Used(), second.Used())
	}
}

func TestUnscriptedRequestFailsTheTest(t *testing.T) {
	rec := newRecordingTB(t)
	g := fakes.NewGroq(rec)
	g.Reply(fakes.TextCompletion("only for gpt-oss")).When(fakes.ModelIs("openai/gpt-oss-120b")).Optional()
	resp, body := mustPost(t, g, chatBody("What is the airspeed of a swallow?", false))
	rec.finish()
	if resp.StatusCode != 500 || !strings.Contains(string(body), "airspeed of a swallow") {
		t.Errorf("got %d %s, want 500 showing the request", resp.StatusCode, body)
	}
	fails := rec.failures()
	if len(fails) != 1 || !strings.Contains(fails[0], "no scripted answer") || !strings.Contains(fails[0], "airspeed of a swallow") ||
		!strings.Contains(fails[0], "only for gpt-oss") {
		t.Errorf("failures = %q, want one naming the request and the pending answer", fails)
	}
}

func TestUnusedAnswersFailAtCleanup(t *testing.T) {
	rec := newRecordingTB(t)
	g := fakes.NewGroq(rec)
	g.Reply(fakes.TextCompletion("used"))
	g.Stream(fakes.TextStream("never")...).When(fakes.Streaming())
	g.Error(fakes.RateLimitError(time.Second)).Times(2)
	g.Reply(fakes.TextCompletion("optional")).Optional()
	mustPost(t, g, chatBody("hi", false))
	mustPost(t, g, chatBody("hi", false)) // the 429, once of twice
	if fails := rec.failures(); len(fails) != 0 {
		t.Fatalf("failed before cleanup: %q", fails)
	}
	rec.finish()
	fails := rec.failures()
	if len(fails) != 1 {
		t.Fatalf("failures = %q, want one listing the unused answers", fails)
	}
	for _, want := range []string{"2 scripted answer(s) never requested", "Stream(", "server_test.go:", "Error(429 rate_limit_exceeded)", "used 1 of 2"} {
		if !strings.Contains(fails[0], want) {
			t.Errorf("failure %q does not mention %q", fails[0], want)
		}
	}
	if strings.Contains(fails[0], "optional") {
		t.Errorf("failure lists the optional answer: %q", fails[0])
	}
}

func TestAPIKey(t *testing.T) {
	const key = "gsk_fake_for_tests_only"
	tests := []struct {
		name   string
		header string
		status int
	}{
		{"missing", "", 401},
		{"wrong", "Bearer gsk_wrong", 401},
		{"right", "Bearer " + key, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := fakes.NewGroq(t, fakes.WithAPIKey(key), fakes.WithDefaultAnswers())
			req, _ := http.NewRequest(http.MethodPost, g.URL+"/openai/v1/chat/completions", strings.NewReader(string(chatBody("hi", false))))
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := g.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.status == 401 {
				if string(body) != `{"error":{"message":"Invalid API Key","type":"invalid_request_error","code":"invalid_api_key"}}` {
					t.Errorf("body = %s, want Groq's", body)
				}
				if strings.Contains(string(body), "gsk_") {
					t.Error("the body shows a key")
				}
			}
		})
	}
}

func TestModelsEndpoint(t *testing.T) {
	g := fakes.NewGroq(t, fakes.WithModels("llama-3.3-70b-versatile", "openai/gpt-oss-120b"))
	resp, err := g.Client().Get(g.URL + fakes.ModelsPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Object string           `json:"object"`
		Data   []groq.ModelInfo `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	if diff := cmp.Diff([]string{"llama-3.3-70b-versatile", "openai/gpt-oss-120b"}, ids); diff != "" || list.Object != "list" {
		t.Errorf("models (-want +got):\n%s", diff)
	}
	resp2, err := g.Client().Get(g.URL + "/openai/v1/nope")
	if err != nil {
		t.Fatal(err)
	}
	defer resp2.Body.Close()
	var e groqwire.ErrorResponse
	_ = json.NewDecoder(resp2.Body).Decode(&e)
	if resp2.StatusCode != 404 || e.Error.Code != "unknown_url" {
		t.Errorf("unknown path: %d %+v", resp2.StatusCode, e)
	}
	if len(g.Requests()) != 0 || len(g.AllRequests()) != 2 {
		t.Errorf("Requests %d, AllRequests %d; want 0 chat requests of 2", len(g.Requests()), len(g.AllRequests()))
	}
}

func TestCapturedRequests(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("ok"))
	body := `{"model":"llama-3.3-70b-versatile","messages":[{"role":"user","content":"hi"}],"stream":false,"temperature":0,"x_custom":{"a":1}}`
	req, _ := http.NewRequest(http.MethodPost, g.URL+"/openai/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("X-Stainless-Retry-Count", "0")
	resp, err := g.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	reqs := g.Requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if string(r.RequestBody()) != body || r.Header.Get("X-Stainless-Retry-Count") != "0" || r.DecodeErr != nil {
		t.Errorf("captured %+v", r)
	}
	if r.Chat.Temperature == nil || *r.Chat.Temperature != 0 || r.LastUserText() != "hi" {
		t.Errorf("decoded %+v", r.Chat)
	}
	if diff := cmp.Diff(map[string]any{"x_custom": map[string]any{"a": 1.0}}, r.Chat.Extra); diff != "" {
		t.Errorf("Extra (-want +got):\n%s", diff)
	}
	again, err := json.Marshal(r.Chat)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(decodeJSON(t, body), decodeJSON(t, string(again))); diff != "" {
		t.Errorf("re-marshalled request differs (-sent +re-marshalled):\n%s", diff)
	}
}

func TestNewServerWithoutTest(t *testing.T) {
	g := fakes.NewServer(fakes.WithClock(fakeclock.NewInstant(t0)))
	defer g.Close()
	resp, body := mustPost(t, g, chatBody("What is the capital of France?", false))
	var c groqwire.ChatCompletion
	if err := json.Unmarshal(body, &c); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	if got := *c.Choices[0].Message.Content; got != "The capital of France is Paris." {
		t.Errorf("answer %q", got)
	}
	g.Close() // twice is fine
}

func TestStreamFrames(t *testing.T) {
	g := fakes.NewGroq(t)
	chunks := fakes.TextStream("hi")
	g.StreamFrames(
		fakes.RawFrame([]byte(": keep-alive\n\n")),
		fakes.ChunkFrame(chunks[0]),
		fakes.DataErrorFrame(groqwire.ErrorObject{Message: "boom", Type: "server_error"}),
	)
	_, body := mustPost(t, g, chatBody("hi", true))
	want := ": keep-alive\n\n" + string(fakes.ChunkFrame(chunks[0]).Bytes()) + `data: {"error":{"message":"boom","type":"server_error"}}` + "\n\n"
	if string(body) != want {
		t.Errorf("body =\n%s\nwant\n%s", body, want)
	}
}

func TestUnbuildableFrameFailsTheTest(t *testing.T) {
	rec := newRecordingTB(t)
	g := fakes.NewGroq(rec)
	bad := groqwire.ErrorObject{Message: "x", Debug: []byte("{not json")}
	if fakes.ErrorFrame(bad).Err() == nil {
		t.Fatal("ErrorFrame with invalid raw JSON has no error")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.StreamFrames(fakes.ErrorFrame(bad))
	}()
	<-done
	rec.finish()
	if fails := rec.failures(); len(fails) == 0 || !strings.Contains(fails[0], "StreamFrames: frame 0") {
		t.Errorf("failures = %q", fails)
	}
}

func TestConcurrentRequests(t *testing.T) {
	g := fakes.NewGroq(t)
	const n = 20
	a := g.Reply(fakes.TextCompletion("ok")).Times(n).When(func(r *fakes.Request) bool {
		_ = g.Requests() // a matcher may call the server
		return true
	})
	errs := make(chan error, n)
	for range n {
		go func() {
			resp, err := post(context.Background(), t, g, chatBody("hi", false))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != 200 {
					err = errors.New(resp.Status)
				}
			}
			errs <- err
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if a.Used() != n {
		t.Errorf("used %d, want %d", a.Used(), n)
	}
}
