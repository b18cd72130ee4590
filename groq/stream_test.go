package groq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/leakcheck"
	"github.com/llmvcr/llmvcr/llm"
)

// chunkJSON builds a chunk like pydantic-ai's tests do (id "x", created
// 2024-01-01, model llama-3.3-70b-versatile) with one choice.
func chunkJSON(delta string, finish string, extra string) string {
	fr := "null"
	if finish != "" {
		fr = fmt.Sprintf("%q", finish)
	}
	return `{"id":"x","object":"chat.completion.chunk","created":1704067200,"model":"llama-3.3-70b-versatile","choices":[{"index":0,"delta":` +
		delta + `,"finish_reason":` + fr + `}]` + extra + `}`
}

func textChunk(text, finish string) string {
	return chunkJSON(fmt.Sprintf(`{"role":"assistant","content":%q}`, text), finish, "")
}

// sseOf writes payloads as data events, then [DONE].
func sseOf(payloads ...string) string {
	var b strings.Builder
	for _, p := range payloads {
		b.WriteString("data: " + p + "\n\n")
	}
	b.WriteString("data: [DONE]\n\n")
	return b.String()
}

// bodyTransport answers every request with a fixed status and body, read
// through pieces (one Read each) when split is set.
type bodyTransport struct {
	status int
	body   string
	split  []int // lengths of successive reads; the rest in one read
	calls  int
}

func (bt *bodyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	bt.calls++
	status := bt.status
	if status == 0 {
		status = 200
	}
	return &http.Response{
		StatusCode: status, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: &pieceReader{data: []byte(bt.body), sizes: bt.split, ctx: req.Context()}, Request: req,
	}, nil
}

// pieceReader returns data in reads of the given sizes.
type pieceReader struct {
	data  []byte
	sizes []int
	ctx   context.Context
}

func (r *pieceReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := len(r.data)
	if len(r.sizes) > 0 {
		n, r.sizes = min(r.sizes[0], n), r.sizes[1:]
	}
	n = copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

func (r *pieceReader) Close() error { return nil }

func streamModel(t *testing.T, rt http.RoundTripper) *Model {
	t.Helper()
	m, err := NewModel("llama-3.3-70b-versatile", WithTransport(rt), WithBaseURL("https://api.groq.com"), WithClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// collect ranges over a stream and returns its events, the text after
// each text event (pydantic-ai's stream_output), and the error.
func collect(t *testing.T, sr llm.StreamedResponse) ([]llm.Event, []string, error) {
	t.Helper()
	var events []llm.Event
	var outputs []string
	for ev, err := range sr.Events() {
		if err != nil {
			return events, outputs, err
		}
		events = append(events, ev)
		outputs = append(outputs, sr.Response().Text())
	}
	return events, outputs, nil
}

func openStream(t *testing.T, body string, params *llm.RequestParams) llm.StreamedResponse {
	t.Helper()
	sr, err := streamModel(t, &bodyTransport{body: body}).RequestStream(context.Background(), hello(), nil, params)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sr.Close() })
	return sr
}

// TestStreamText is pydantic-ai's test_stream_text and
// test_stream_text_finish_reason.
func TestStreamText(t *testing.T) {
	sr := openStream(t, sseOf(textChunk("hello ", ""), textChunk("world", ""), textChunk(".", "stop"), chunkJSON(`{}`, "", "")), nil)
	events, outputs, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	want := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.TextPart{Content: "hello "}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "world"}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "."}},
		llm.PartEndEvent{Index: 0, Part: &llm.TextPart{Content: "hello world."}},
	}
	assert.Events(t, want, events)
	if diff := cmp.Diff([]string{"hello ", "hello world", "hello world.", "hello world."}, outputs); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
	r := sr.Response()
	if r.FinishReason != llm.FinishStop || r.ProviderResponseID != "x" || r.ModelName != "llama-3.3-70b-versatile" ||
		!r.ProviderTimestamp.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("metadata = %q %q %q %v", r.FinishReason, r.ProviderResponseID, r.ModelName, r.ProviderTimestamp)
	}
	if !sr.(*StreamedResponse).complete() {
		t.Error("Complete() = false after [DONE]")
	}
}

// TestStreamNoDelta is pydantic-ai's test_no_delta: a chunk without
// choices is skipped.
func TestStreamNoDelta(t *testing.T) {
	noChoices := `{"id":"x","object":"chat.completion.chunk","created":1704067200,"model":"llama-3.3-70b-versatile","choices":[]}`
	sr := openStream(t, sseOf(noChoices, textChunk("hello ", ""), textChunk("world", "")), nil)
	_, outputs, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"hello ", "hello world", "hello world"}, outputs); diff != "" {
		t.Errorf("outputs (-want +got):\n%s", diff)
	}
}

// TestStreamStructured is pydantic-ai's test_stream_structured: empty
// deltas and nameless fragments wait; args stream as deltas.
func TestStreamStructured(t *testing.T) {
	tc := func(name, args string) string {
		return chunkJSON(fmt.Sprintf(`{"tool_calls":[{"index":0,"function":{"name":%q,"arguments":%q}}]}`, name, args), "", "")
	}
	body := sseOf(chunkJSON(`{}`, "", ""), chunkJSON(`{"tool_calls":[]}`, "", ""), chunkJSON(`{"tool_calls":[{"index":0,"id":"call_1"}]}`, "", ""),
		tc("final_result", ""), tc("", `{"first": "One`), tc("", `", "second": "Two"`), tc("", `}`), chunkJSON(`{}`, "", ""))
	sr := openStream(t, body, &llm.RequestParams{OutputTools: []llm.ToolDefinition{{Name: "final_result", Kind: llm.ToolKindOutput}}, DenyTextOutput: true})
	events, _, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	want := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.ToolCallPart{ToolName: "final_result", ToolCallID: "call_1"}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.ToolCallPartDelta{ArgsDelta: `{"first": "One`}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.ToolCallPartDelta{ArgsDelta: `", "second": "Two"`}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.ToolCallPartDelta{ArgsDelta: `}`}},
		llm.PartEndEvent{Index: 0, Part: &llm.ToolCallPart{ToolName: "final_result", Args: `{"first": "One", "second": "Two"}`, ToolCallID: "call_1"}},
	}
	assert.Events(t, want, events, assert.ExactArgs())
	r := sr.Response()
	if r.FinishReason != "" || r.ProviderDetails["finish_reason"] != nil {
		t.Errorf("finish reason without one sent: %q %v", r.FinishReason, r.ProviderDetails)
	}
}

// TestStreamSplitAnywhere checks that the result does not depend on how
// the bytes were split: every split point of a short stream with
// reasoning, think tags (each its own delta, as Groq sends them), text and
// a tool call gives the same events.
func TestStreamSplitAnywhere(t *testing.T) {
	short := func(delta, finish, extra string) string { // chunks without the repeated fields, to keep the body small
		fr := "null"
		if finish != "" {
			fr = `"` + finish + `"`
		}
		return `{"choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + fr + `}]` + extra + `}`
	}
	body := sseOf(
		chunkJSON(`{"role":"assistant","content":""}`, "", `,"x_groq":{"id":"req_1","seed":7}`),
		short(`{"reasoning":"Let me"}`, "", ""),
		short(`{"reasoning":" think."}`, "", ""),
		short(`{"content":"<think>"}`, "", ""), // tags are whole deltas, as pydantic-ai reads them
		short(`{"content":"inner"}`, "", ""),
		short(`{"content":"</think>"}`, "", ""),
		short(`{"content":"Hé"}`, "", ""),
		short(`{"content":"llo <b>"}`, "", ""),
		short(`{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"get","arguments":"{\"a\":1}"}}]}`, "", ""),
		short(`{}`, "tool_calls", `,"x_groq":{"id":"req_1","usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`),
	)
	var wantEvents []llm.Event
	var wantResp *llm.Response
	for split := 0; split <= len(body); split++ {
		bt := &bodyTransport{body: body, split: []int{split}}
		if split == len(body) {
			bt.split = make([]int, len(body)) // one byte a read
			for i := range bt.split {
				bt.split[i] = 1
			}
		}
		sr, err := streamModel(t, bt).RequestStream(context.Background(), hello(), nil, nil)
		if err != nil {
			t.Fatalf("split %d: %v", split, err)
		}
		events, _, err := collect(t, sr)
		if err != nil {
			t.Fatalf("split %d: %v", split, err)
		}
		resp := sr.Response()
		if wantEvents == nil {
			wantEvents, wantResp = events, resp
			continue
		}
		if diff := cmp.Diff(wantEvents, events); diff != "" {
			t.Fatalf("split %d changes the events (-first +this):\n%s", split, diff)
		}
		if diff := cmp.Diff(wantResp, resp, cmpopts.IgnoreFields(llm.Response{}, "Timestamp")); diff != "" {
			t.Fatalf("split %d changes the response (-first +this):\n%s", split, diff)
		}
	}
	wantParts := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "Let me think."},
		&llm.ThinkingPart{Content: "inner"},
		&llm.TextPart{Content: "Héllo <b>"},
		&llm.ToolCallPart{ToolName: "get", Args: `{"a":1}`, ToolCallID: "c1"},
	}
	if diff := cmp.Diff(wantParts, wantResp.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if wantResp.Usage.InputTokens != 10 || wantResp.Usage.OutputTokens != 5 || wantResp.FinishReason != llm.FinishToolCall ||
		wantResp.ProviderDetails["x_groq_id"] != "req_1" || wantResp.ProviderDetails["seed"] != int64(7) {
		t.Errorf("response = %+v", wantResp)
	}
}

// TestStreamMatchesRequest checks that a stream's final response equals
// what Request returns for the same content.
func TestStreamMatchesRequest(t *testing.T) {
	completion := `{"id":"chatcmpl-1","object":"chat.completion","created":1744043573,"model":"openai/gpt-oss-120b","system_fingerprint":"fp_1",
	"choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","reasoning":"plan","content":"<think>t</think>answer",
	"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]}}],
	"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"queue_time":0.1,"completion_tokens_details":{"reasoning_tokens":2}},"x_groq":{"id":"req_9"}}`
	chunk := func(delta, finish, extra string) string {
		fr := "null"
		if finish != "" {
			fr = `"` + finish + `"`
		}
		return `{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1744043573,"model":"openai/gpt-oss-120b","system_fingerprint":"fp_1","choices":[{"index":0,"delta":` + delta + `,"finish_reason":` + fr + `}]` + extra + `}`
	}
	stream := sseOf(
		chunk(`{"role":"assistant","content":""}`, "", `,"x_groq":{"id":"req_9"}`),
		chunk(`{"reasoning":"pl"}`, "", ""), chunk(`{"reasoning":"an"}`, "", ""),
		chunk(`{"content":"<think>"}`, "", ""), chunk(`{"content":"t"}`, "", ""), chunk(`{"content":"</think>"}`, "", ""),
		chunk(`{"content":"ans"}`, "", ""), chunk(`{"content":"wer"}`, "", ""),
		chunk(`{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":"{\"x\":1}"}}]}`, "", ""),
		chunk(`{}`, "tool_calls", `,"x_groq":{"id":"req_9","usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13,"queue_time":0.1,"completion_tokens_details":{"reasoning_tokens":2}}}`),
	)
	plain, err := streamModel(t, &jsonTransport{body: completion}).Request(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sr := openStream(t, stream, nil)
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	assert.Response(t, plain, sr.Response(), assert.ExactArgs())
}

type jsonTransport struct{ body string }

func (jt *jsonTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(jt.body)), Request: req}, nil
}

func TestStreamUsageSources(t *testing.T) {
	usage := `{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}`
	tests := []struct {
		name string
		body string
	}{
		{"x_groq on the final chunk", sseOf(textChunk("a", ""), chunkJSON(`{}`, "stop", `,"x_groq":{"usage":`+usage+`}`))},
		{"x_groq and top-level usage together", sseOf(textChunk("a", ""), chunkJSON(`{}`, "stop", `,"usage":`+usage+`,"x_groq":{"usage":`+usage+`}`))},
		{"a usage-only chunk", sseOf(textChunk("a", ""), chunkJSON(`{}`, "stop", ""), `{"id":"x","choices":[],"usage":`+usage+`}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := openStream(t, tt.body, nil)
			if _, _, err := collect(t, sr); err != nil {
				t.Fatal(err)
			}
			if u := sr.Usage(); u.InputTokens != 3 || u.OutputTokens != 2 || u.Requests != 1 {
				t.Errorf("usage = %+v", u)
			}
		})
	}
}

func TestStreamExecutedTools(t *testing.T) {
	body := sseOf(
		chunkJSON(`{"reasoning":"<think>search"}`, "", ""),
		chunkJSON(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\":\"q\"}"}]}`, "", ""),
		chunkJSON(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\":\"q\"}","output":"found","search_results":{"results":[{"title":"T"}]}}]}`, "", ""),
		chunkJSON(`{"reasoning":"</tool>"}`, "", ""),
		chunkJSON(`{"content":"The"}`, "stop", ""),
	)
	sr := openStream(t, body, nil)
	events, _, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, p := range sr.Response().Parts {
		kinds = append(kinds, llm.Kind(p))
	}
	if diff := cmp.Diff([]string{"thinking", "builtin-tool-call", "builtin-tool-return", "thinking", "text"}, kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	parts := sr.Response().Parts
	if parts[1].(*llm.BuiltinToolCallPart).ToolCallID != parts[2].(*llm.BuiltinToolReturnPart).ToolCallID {
		t.Error("call and return ids differ")
	}
	// The same content as non-stream: the model_dump of the search results.
	wantContent := map[string]any{"images": nil, "results": []any{map[string]any{"title": "T", "url": nil, "content": nil, "score": nil}}}
	if diff := cmp.Diff(wantContent, parts[2].(*llm.BuiltinToolReturnPart).Content); diff != "" {
		t.Errorf("return content (-want +got):\n%s", diff)
	}
	start := events[2].(llm.PartStartEvent)
	if start.Index != 1 || start.PreviousPartKind != "thinking" {
		t.Errorf("start of the call = %+v", start)
	}
}

func TestStreamErrors(t *testing.T) {
	ok := textChunk("partial", "")
	tests := []struct {
		name        string
		body        string
		check       func(t *testing.T, err error)
		wantPartial bool
	}{
		{"ends without [DONE]", "data: " + ok + "\n\n", func(t *testing.T, err error) {
			var ae *llm.ModelAPIError
			if !errors.As(err, &ae) || !errors.Is(err, io.ErrUnexpectedEOF) || !strings.Contains(err.Error(), "[DONE]") {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
		{"breaks mid-event", "data: " + ok + "\n\ndata: {\"id\":\"x\",\"cho", func(t *testing.T, err error) {
			var ae *llm.ModelAPIError
			if !errors.As(err, &ae) || !strings.Contains(err.Error(), "mid-event") {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
		{"malformed frame", "data: " + ok + "\n\ndata: {not json}\n\ndata: [DONE]\n\n", func(t *testing.T, err error) {
			var ub *llm.UnexpectedModelBehavior
			if !errors.As(err, &ub) || !strings.Contains(err.Error(), "{not json}") {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
		{"error event with status", "data: " + ok + "\n\nevent: error\ndata: {\"error\":{\"message\":\"over\",\"type\":\"server_error\",\"status_code\":503}}\n\n", func(t *testing.T, err error) {
			var he *llm.ModelHTTPError
			if !errors.As(err, &he) || he.StatusCode != 503 || !strings.Contains(string(he.Body), "over") {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
		{"error payload without event type, status from type", "data: " + ok + "\n\ndata: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}\n\n", func(t *testing.T, err error) {
			var he *llm.ModelHTTPError
			if !errors.As(err, &he) || he.StatusCode != 429 {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
		{"x_groq error", sseOf(ok, chunkJSON(`{}`, "", `,"x_groq":{"id":"req_1","error":"over capacity"}`)), func(t *testing.T, err error) {
			var se *StreamError
			if !errors.As(err, &se) || se.Message != "over capacity" || !se.Retryable() {
				t.Errorf("err = %T %v", err, err)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sr := openStream(t, tt.body, nil)
			_, _, err := collect(t, sr)
			if err == nil {
				t.Fatal("no error")
			}
			tt.check(t, err)
			if tt.wantPartial && sr.Response().Text() != "partial" {
				t.Errorf("Response() lost what arrived: %q", sr.Response().Text())
			}
			if sr.(*StreamedResponse).complete() {
				t.Error("Complete() = true after an error")
			}
		})
	}
}

func TestStreamErrorsBeforeFirstChunk(t *testing.T) {
	tests := []struct {
		name string
		body string
		want func(error) bool
	}{
		{"empty body", "", func(err error) bool { var ub *llm.UnexpectedModelBehavior; return errors.As(err, &ub) }},
		{"only [DONE]", "data: [DONE]\n\n", func(err error) bool { var ub *llm.UnexpectedModelBehavior; return errors.As(err, &ub) }},
		{"error first", "event: error\ndata: {\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\"}}\n\n",
			func(err error) bool { var he *llm.ModelHTTPError; return errors.As(err, &he) && he.StatusCode == 400 }},
		{"cut in the first event", "data: {\"id\":", func(err error) bool { return errors.Is(err, io.ErrUnexpectedEOF) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bt := &bodyTransport{body: tt.body}
			_, err := streamModel(t, bt).RequestStream(context.Background(), hello(), nil, nil)
			if !tt.want(err) {
				t.Fatalf("err = %T %v", err, err)
			}
		})
	}
}

// flakyTransport fails the first attempts, then streams.
type flakyTransport struct {
	fails []*http.Response
	body  string
	calls int
}

func (ft *flakyTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ft.calls++
	if ft.calls <= len(ft.fails) {
		r := ft.fails[ft.calls-1]
		r.Request = req
		return r, nil
	}
	return (&bodyTransport{body: ft.body}).RoundTrip(req)
}

// TestStreamRetriesBeforeFirstChunk: as groq-python, a stream's HTTP
// status is retried, but once its headers have arrived nothing is: not an
// error event before the first chunk, not a cut body.
func TestStreamRetriesBeforeFirstChunk(t *testing.T) {
	resp := func(status int, ct, body string) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {ct}}, Body: io.NopCloser(strings.NewReader(body))}
	}
	ft := &flakyTransport{
		fails: []*http.Response{
			resp(503, "application/json", `{"error":{"message":"busy"}}`),
		},
		body: sseOf(textChunk("hi", "stop")),
	}
	clock := newFakeClock()
	m, err := NewModel("m", WithTransport(ft), WithClock(clock), WithJitter(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	sr, err := m.RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	if ft.calls != 2 || sr.Response().Text() != "hi" || len(clock.Waits()) != 1 {
		t.Errorf("calls %d text %q waits %v", ft.calls, sr.Response().Text(), clock.Waits())
	}

	for name, body := range map[string]string{
		"error event first":  "event: error\ndata: {\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\",\"status_code\":429}}\n\n",
		"cut before a chunk": "data: {\"id\":",
	} {
		ft := &flakyTransport{fails: []*http.Response{resp(200, "text/event-stream", body)}, body: sseOf(textChunk("hi", "stop"))}
		clock := newFakeClock()
		m, err := NewModel("m", WithTransport(ft), WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.RequestStream(context.Background(), hello(), nil, nil)
		if err == nil || ft.calls != 1 || len(clock.Waits()) != 0 {
			t.Errorf("%s: err %v, calls %d, waits %v; want the error, no retry", name, err, ft.calls, clock.Waits())
		}
	}

	// Once a chunk has been delivered nothing is retried.
	bt := &bodyTransport{body: "data: " + textChunk("a", "") + "\n\nevent: error\ndata: {\"error\":{\"message\":\"x\",\"status_code\":503}}\n\n"}
	sr, err = streamModel(t, bt).RequestStream(context.Background(), hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	if _, _, err := collect(t, sr); err == nil || bt.calls != 1 {
		t.Errorf("err %v calls %d", err, bt.calls)
	}
}

// TestStreamToolUseFailedVector replays pydantic-ai's
// test_tool_use_failed_error_streaming cassette.
func TestStreamToolUseFailedVector(t *testing.T) {
	vs := newVectorServer(t, loadVector(t, "test_groq/test_tool_use_failed_error_streaming.yaml"))
	m := vs.model(t, "openai/gpt-oss-120b")
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{Name: "get_something_by_name",
		Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"name":{"type":"string"}},"required":["name"],"type":"object"}`)}}}
	msgs := []llm.Message{llm.NewRequest(llm.System("Be concise. Never use pretty double quotes, just regular ones."),
		llm.User(`Please call the "get_something_by_name" tool with non-existent parameters to test error handling; on the second try you can use valid args`))}
	var started *llm.ToolCallPart
	stream := func() *llm.Response {
		t.Helper()
		sr, err := m.RequestStream(context.Background(), msgs, nil, params)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		events, _, err := collect(t, sr)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ps, ok := ev.(llm.PartStartEvent); ok && started == nil {
				started, _ = ps.Part.(*llm.ToolCallPart)
			}
		}
		r := sr.Response()
		msgs = append(msgs, r)
		return r
	}
	r := stream()
	checkKinds(t, r, "thinking", "tool-call")
	call := r.ToolCalls()[0]
	if call.ToolName != "get_something_by_name" || call.Args != `{"invalid_param":"value"}` {
		t.Errorf("call = %+v", call)
	}
	// pydantic-ai: no finish reason, provider_details only the timestamp
	// (which llm.Response has a field for), the call's id set by the parts
	// manager when the part is created.
	if r.ProviderResponseID != "chatcmpl-4f39f3af-3267-4ac1-a0cf-6aa7451877dc" || r.FinishReason != "" || r.RawFinishReason != "" || r.ProviderDetails["finish_reason"] != nil || !r.Usage.IsZero() && r.Usage.InputTokens != 0 {
		t.Errorf("id %q finish %q %q details %v usage %+v", r.ProviderResponseID, r.FinishReason, r.RawFinishReason, r.ProviderDetails, r.Usage)
	}
	if !strings.HasPrefix(call.ToolCallID, "llmvcr_") {
		t.Fatalf("the failed generation's tool call has id %q, want one from creation", call.ToolCallID)
	}
	if started == nil || started.ToolCallID != call.ToolCallID {
		t.Errorf("the part start event carries %+v, want id %q", started, call.ToolCallID)
	}
	// The recording holds pydantic-ai's random id where ours must go.
	vs.replaceID("pyd_ai_53c381537e5a4ce2852509adfb88b3d5", call.ToolCallID)
	msgs = append(msgs, llm.NewRequest(llm.RetryErrors("get_something_by_name", call.ToolCallID,
		llm.ValidationError{Type: "missing", Loc: []any{"name"}, Msg: "Field required", Input: map[string]any{"invalid_param": "value"}, HasInput: true},
		llm.ValidationError{Type: "extra_forbidden", Loc: []any{"invalid_param"}, Msg: "Extra inputs are not permitted", Input: "value", HasInput: true})))
	r = stream()
	if got := r.ToolCalls(); len(got) != 1 || got[0].Args != `{"name":"example"}` || got[0].ToolCallID != "fc_bfb39741-3748-4def-9886-a93fc9c64a90" {
		t.Errorf("second call = %+v", got)
	}
	checkUsage(t, r.Usage, 304, 49, 0, 23)
	checkCost(t, r, 0.0000750)
	msgs = append(msgs, llm.NewRequest(llm.ToolReturn("get_something_by_name", "fc_bfb39741-3748-4def-9886-a93fc9c64a90", "Something with name: example")))
	r = stream()
	checkUsage(t, r.Usage, 339, 58, 0, 38)
	checkCost(t, r, 0.00008565)
	checkCost(t, msgs[1].(*llm.Response), 0) // pydantic-ai: cost=Decimal('0.000')
	if r.FinishReason != llm.FinishStop || r.Text() == "" {
		t.Errorf("final = %q %q", r.FinishReason, r.Text())
	}
	checkBodies(t, vs)
}

func TestStreamClose(t *testing.T) {
	body := sseOf(textChunk("hello ", ""), textChunk("world", ""), textChunk("!", "stop"))
	t.Run("before iteration, twice", func(t *testing.T) {
		sr := openStream(t, body, nil)
		sr.Close()
		sr.Close()
		events, _, err := collect(t, sr)
		if err != nil || len(events) != 0 {
			t.Errorf("a closed stream gave %d events, err %v", len(events), err)
		}
	})
	t.Run("during iteration", func(t *testing.T) {
		sr := openStream(t, body, nil)
		var n int
		for _, err := range sr.Events() {
			if err != nil {
				t.Fatal(err)
			}
			n++
			sr.Close()
		}
		if n != 1 || sr.Response().Text() != "hello " {
			t.Errorf("events after Close: %d, text %q", n, sr.Response().Text())
		}
	})
	t.Run("break and close", func(t *testing.T) {
		sr := openStream(t, body, nil)
		for range sr.Events() {
			break
		}
		sr.Close()
		sr.Close()
		if sr.Response().Text() != "hello " || sr.(*StreamedResponse).complete() {
			t.Errorf("text %q", sr.Response().Text())
		}
		_, _, err := collect(t, sr)
		if err == nil || !strings.Contains(err.Error(), "once") {
			t.Errorf("second range: %v", err)
		}
	})
}

// TestStreamCancelOverNetwork cancels a stream that stalls mid-way on a
// real connection, and checks it stops and leaks no goroutine.
func TestStreamCancelOverNetwork(t *testing.T) {
	before := leakcheck.Take()
	release := make(chan struct{})
	s := newFlushServer(t, "data: "+textChunk("hello ", "")+"\n\n", release)
	m, _ := testModel(t, s.URL)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sr, err := m.RequestStream(ctx, hello(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var gotErr error
	n := 0
	for _, err := range sr.Events() {
		if err != nil {
			gotErr = err
			break
		}
		n++
		cancel() // the server is stalled now; cancelling must end the read
	}
	if n != 1 || !errors.Is(gotErr, context.Canceled) {
		t.Errorf("events %d err %v", n, gotErr)
	}
	sr.Close()
	close(release)
	s.Close()
	waitGoroutines(t, before)
}

// newFlushServer sends first, flushes, then stalls until release or the
// client goes away.
func newFlushServer(t *testing.T, first string, release <-chan struct{}) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, first)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// waitGoroutines fails the test if a goroutine started after before still
// runs once the wait (bounded, for a real leak only) is over. Goroutines
// are told apart by identity, not counted.
func waitGoroutines(t *testing.T, before leakcheck.Snapshot) {
	t.Helper()
	if left := before.Leaked(30 * time.Second); len(left) > 0 {
		t.Fatalf("%d goroutines started by the test still run:\n%s", len(left), leakcheck.Format(left))
	}
}

func TestStreamChunkSemantics(t *testing.T) {
	t.Run("interleaved tool-call deltas", func(t *testing.T) {
		tc := func(i int, id, name, args string) string {
			return chunkJSON(fmt.Sprintf(`{"tool_calls":[{"index":%d,"id":%q,"function":{"name":%q,"arguments":%q}}]}`, i, id, name, args), "", "")
		}
		sr := openStream(t, sseOf(tc(0, "a", "f", `{"x":`), tc(1, "b", "g", `{"y":`), tc(0, "", "", `1}`), tc(1, "", "", `2}`)), nil)
		if _, _, err := collect(t, sr); err != nil {
			t.Fatal(err)
		}
		want := []llm.ResponsePart{&llm.ToolCallPart{ToolName: "f", Args: `{"x":1}`, ToolCallID: "a"}, &llm.ToolCallPart{ToolName: "g", Args: `{"y":2}`, ToolCallID: "b"}}
		if diff := cmp.Diff(want, sr.Response().Parts); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("last id wins, first model and created win", func(t *testing.T) {
		first := `{"id":"chatcmpl-1","created":1704067200,"model":"compound-beta","choices":[{"index":0,"delta":{"content":"a"}}]}`
		later := `{"id":"stub","created":1800000000,"model":"groq/compound","choices":[{"index":0,"delta":{"content":"b"}}]}`
		sr := openStream(t, sseOf(first, later), nil)
		if _, _, err := collect(t, sr); err != nil {
			t.Fatal(err)
		}
		r := sr.Response()
		if r.ProviderResponseID != "stub" || r.ModelName != "compound-beta" || !r.ProviderTimestamp.Equal(time.Unix(1704067200, 0)) {
			t.Errorf("id %q model %q created %v", r.ProviderResponseID, r.ModelName, r.ProviderTimestamp)
		}
	})
	t.Run("reasoning after text is a new thinking part", func(t *testing.T) {
		sr := openStream(t, sseOf(chunkJSON(`{"reasoning":"a"}`, "", ""), chunkJSON(`{"reasoning":"b"}`, "", ""), textChunk("t", ""), chunkJSON(`{"reasoning":"c"}`, "", "")), nil)
		if _, _, err := collect(t, sr); err != nil {
			t.Fatal(err)
		}
		want := []llm.ResponsePart{&llm.ThinkingPart{Content: "ab"}, &llm.TextPart{Content: "t"}, &llm.ThinkingPart{Content: "c"}}
		if diff := cmp.Diff(want, sr.Response().Parts); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("tool_use_failed with text or nothing", func(t *testing.T) {
		for fg, want := range map[string][]llm.ResponsePart{
			"maybe": {&llm.TextPart{Content: "so "}, &llm.TextPart{Content: "maybe"}},
			"":      {&llm.TextPart{Content: "so "}},
		} {
			body := "data: " + textChunk("so ", "") + "\n\nevent: error\ndata: " +
				fmt.Sprintf(`{"error":{"message":"m","type":"invalid_request_error","code":"tool_use_failed","failed_generation":%q,"status_code":400}}`, fg) + "\n\n"
			sr := openStream(t, body, nil)
			if _, _, err := collect(t, sr); err != nil {
				t.Fatalf("%q: %v", fg, err)
			}
			if diff := cmp.Diff(want, sr.Response().Parts); diff != "" {
				t.Errorf("%q (-want +got):\n%s", fg, diff)
			}
			if !sr.(*StreamedResponse).complete() {
				t.Errorf("%q: not complete", fg)
			}
		}
	})
	t.Run("x_groq error on the first chunk", func(t *testing.T) {
		sr := openStream(t, sseOf(chunkJSON(`{}`, "", `,"x_groq":{"error":{"message":"over capacity"}}`)), nil)
		_, _, err := collect(t, sr)
		var se *StreamError
		if !errors.As(err, &se) || se.Message != "over capacity" {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("other event types are ignored", func(t *testing.T) {
		sr := openStream(t, "event: ping\ndata: {\"t\":1}\n\n: comment\n\n"+sseOf(textChunk("hi", "stop")), nil)
		if _, _, err := collect(t, sr); err != nil {
			t.Fatal(err)
		}
		if sr.Response().Text() != "hi" {
			t.Errorf("text = %q", sr.Response().Text())
		}
	})
	t.Run("mid-stream error statuses", func(t *testing.T) {
		for _, tt := range []struct {
			typ, code string
			want      int
		}{
			{"invalid_request_error", "", 400}, {"tokens", "rate_limit_exceeded", 429}, {"invalid_request_error", "context_length_exceeded_tokens", 400},
			{"authentication_error", "", 401}, {"server_error", "", 500}, {"service_unavailable", "", 503}, {"", "503", 503},
		} {
			if got := statusForErrorType(tt.typ, groqwire.FlexString(tt.code)); got != tt.want {
				t.Errorf("statusForErrorType(%q, %q) = %d, want %d", tt.typ, tt.code, got, tt.want)
			}
		}
	})
}

// TestStreamTimeoutBeforeFirstEvent sets a timeout and a server that sends
// headers, then nothing: RequestStream must give up with a timeout error.
func TestStreamTimeoutBeforeFirstEvent(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	s := newFlushServer(t, "", release)
	m, _ := testModel(t, s.URL, WithMaxRetries(0), WithTimeout(50*time.Millisecond))
	_, err := m.RequestStream(context.Background(), hello(), nil, nil)
	var ae *llm.ModelAPIError
	if !errors.As(err, &ae) || !ae.Timeout() {
		t.Fatalf("err = %T %v, want a timeout", err, err)
	}
}
