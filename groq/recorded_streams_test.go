package groq

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/llm"
)

// These replay four real Groq recordings of pydantic-ai's tests that the
// shared vectors lack (testdata/vectors/SOURCE.md) and check what the
// snapshots of the same tests in tests/models/test_groq.py (commit
// 4fda38988f29) expect: the request bodies, the parts, the start and end
// events with their neighbours' kinds, usage, ids, finish reasons.

// streamTurn streams one request and returns its events as pydantic-ai's
// snapshots list them (start and end only) and the response.
func streamTurn(t *testing.T, m *Model, msgs []llm.Message, s llm.ModelSettings, p *llm.RequestParams) ([]string, *llm.Response) {
	t.Helper()
	sr, err := m.RequestStream(context.Background(), msgs, s, p)
	if err != nil {
		t.Fatal(err)
	}
	defer sr.Close()
	events, _, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for _, ev := range events {
		switch e := ev.(type) {
		case llm.PartStartEvent:
			seq = append(seq, fmt.Sprintf("start %d %s after %q", e.Index, llm.Kind(e.Part), e.PreviousPartKind))
		case llm.PartEndEvent:
			seq = append(seq, fmt.Sprintf("end %d %s before %q", e.Index, llm.Kind(e.Part), e.NextPartKind))
		}
	}
	return seq, sr.Response()
}

func checkDetails(t *testing.T, r *llm.Response, finish string, created time.Time) {
	t.Helper()
	if got, _ := r.ProviderDetails["finish_reason"].(string); got != finish {
		t.Errorf("provider_details finish_reason = %q, want %q", got, finish)
	}
	if !created.IsZero() && !r.ProviderTimestamp.Equal(created) {
		t.Errorf("provider timestamp = %v, want %v", r.ProviderTimestamp, created)
	}
}

// test_groq_model_thinking_part_iter (test_groq.py:2067): deepseek-r1 with
// reasoning_format raw, then parsed; the first answer goes back in <think>
// tags, byte for byte what pydantic-ai sent.
func TestRecordedThinkingPartIter(t *testing.T) {
	vs := newVectorServer(t, loadVector(t, "test_groq/test_groq_model_thinking_part_iter.yaml"))
	m := vs.model(t, "deepseek-r1-distill-llama-70b")
	req1 := llm.NewRequest(llm.User("I want a recipe to cook Uruguayan alfajores."))
	req1.Instructions = "You are a chef."
	seq, r1 := streamTurn(t, m, []llm.Message{req1}, &Settings{ReasoningFormat: "raw"}, nil)
	want := []string{`start 0 thinking after ""`, `end 0 thinking before "text"`, `start 1 text after "thinking"`, `end 1 text before ""`}
	if diff := cmp.Diff(want, seq); diff != "" {
		t.Errorf("first stream events (-want +got):\n%s", diff)
	}
	checkKinds(t, r1, "thinking", "text")
	if th := r1.Parts[0].(*llm.ThinkingPart).Content; !strings.HasPrefix(th, "\nOkay, so I want to make Uruguayan alfajores.") || !strings.HasSuffix(th, "if something doesn't turn out right, I can adjust next time.\n") {
		t.Errorf("thinking = %.80q...", th)
	}
	if tx := r1.Parts[1].(*llm.TextPart).Content; !strings.HasPrefix(tx, "To make Uruguayan alfajores, follow these organized steps") {
		t.Errorf("text = %.80q...", tx)
	}
	checkUsage(t, r1.Usage, 21, 988, 0, 0)
	checkCost(t, r1, 0.00099387)
	checkDetails(t, r1, "stop", time.Date(2025, 9, 17, 21, 29, 56, 0, time.UTC))

	req2 := llm.NewRequest(llm.User("Considering the Uruguayan recipe, how can I cook the Argentinian one?"))
	req2.Instructions = "You are a chef."
	seq, r2 := streamTurn(t, m, []llm.Message{req1, r1, req2}, &Settings{ReasoningFormat: "parsed"}, nil)
	if diff := cmp.Diff(want, seq); diff != "" {
		t.Errorf("second stream events (-want +got):\n%s", diff)
	}
	checkKinds(t, r2, "thinking", "text")
	if th := r2.Parts[0].(*llm.ThinkingPart).Content; !strings.HasPrefix(th, "Alright, so I'm trying to figure out how to make Argentinian alfajores") {
		t.Errorf("thinking = %.80q...", th)
	}
	checkUsage(t, r2.Usage, 573, 1509, 0, 0)
	checkCost(t, r2, 0.00192366)
	checkDetails(t, r2, "stop", time.Date(2025, 9, 17, 21, 30, 1, 0, time.UTC))
	checkBodies(t, vs)
}

// test_groq_model_web_search_tool_stream (test_groq.py:1177): compound's
// reasoning, its search as a built-in call and return (no end event for the
// return, as models/__init__.py emits ends only for text, thinking and tool
// calls), more reasoning, the answer.
func TestRecordedWebSearchToolStream(t *testing.T) {
	vs := newVectorServer(t, loadVector(t, "test_groq/test_groq_model_web_search_tool_stream.yaml"))
	m := vs.model(t, "compound-beta")
	seq, r := streamTurn(t, m, []llm.Message{llm.NewRequest(llm.User("What is the weather in San Francisco today?"))}, nil,
		&llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{}}})
	want := []string{
		`start 0 thinking after ""`, `end 0 thinking before "builtin-tool-call"`,
		`start 1 builtin-tool-call after "thinking"`, `end 1 builtin-tool-call before "builtin-tool-return"`,
		`start 2 builtin-tool-return after "builtin-tool-call"`,
		`start 3 thinking after "builtin-tool-return"`, `end 3 thinking before "text"`,
		`start 4 text after "thinking"`, `end 4 text before ""`,
	}
	if diff := cmp.Diff(want, seq); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	checkKinds(t, r, "thinking", "builtin-tool-call", "builtin-tool-return", "thinking", "text")
	if th := r.Parts[0].(*llm.ThinkingPart).Content; th != "<think>\nTo find the current weather in San Francisco, I will use the search tool to look up this information.\n\n<tool>\nsearch(What is the weather in San Francisco today?)\n" {
		t.Errorf("thinking = %q", th)
	}
	call, ret := r.Parts[1].(*llm.BuiltinToolCallPart), r.Parts[2].(*llm.BuiltinToolReturnPart)
	var args any
	if err := json.Unmarshal([]byte(call.Args), &args); err != nil || !cmp.Equal(args, map[string]any{"query": "What is the weather in San Francisco today?"}) {
		t.Errorf("call args = %s (%v)", call.Args, err)
	}
	if call.ToolName != "web_search" || ret.ToolName != "web_search" || call.ToolCallID == "" || call.ToolCallID != ret.ToolCallID || call.ProviderName != "groq" {
		t.Errorf("call %+v return %+v", call, ret)
	}
	content, _ := ret.Content.(map[string]any)
	results, _ := content["results"].([]any)
	first, _ := results[0].(map[string]any)
	if _, ok := content["images"]; !ok || content["images"] != nil || first["title"] != "Weather in San Francisco" || first["score"] != 0.9655062 || first["url"] != "https://www.weatherapi.com/" {
		t.Errorf("return content images %v first %v", content["images"], first)
	}
	if tx := r.Parts[4].(*llm.TextPart).Content; tx != "The weather in San Francisco today is partly cloudy with a temperature of 61°F (17°C) and high humidity. The current conditions include a wind speed of around 7-22 km/h and a humidity level of 90-94%." {
		t.Errorf("text = %q", tx)
	}
	checkUsage(t, r.Usage, 5003, 359, 0, 0)
	if r.ModelName != "groq/compound" || r.ProviderResponseID != "stub" || r.FinishReason != llm.FinishStop {
		t.Errorf("model %q id %q finish %q", r.ModelName, r.ProviderResponseID, r.FinishReason)
	}
	checkDetails(t, r, "stop", time.Date(2025, 9, 17, 21, 20, 46, 0, time.UTC))
	checkBodies(t, vs)
}

// test_groq_model_web_search_tool (test_groq.py:902): the same, whole. The
// recorded request names compound-beta, the model pydantic-ai's test asked
// for when it was recorded.
func TestRecordedWebSearchTool(t *testing.T) {
	vs := newVectorServer(t, loadVector(t, "test_groq/test_groq_model_web_search_tool.yaml"))
	m := vs.model(t, "compound-beta")
	r, err := m.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the weather in San Francisco today?"))}, nil,
		&llm.RequestParams{NativeTools: []llm.NativeTool{&llm.WebSearchTool{}}})
	if err != nil {
		t.Fatal(err)
	}
	checkKinds(t, r, "thinking", "builtin-tool-call", "builtin-tool-return", "text")
	if th := r.Parts[0].(*llm.ThinkingPart).Content; !strings.HasPrefix(th, "\nTo find the current weather in San Francisco, I will use the search tool") ||
		!strings.HasSuffix(th, "The weather in San Francisco today is partly cloudy with a high of 17°C (62.6°F).") {
		t.Errorf("thinking = %.80q...", th)
	}
	call, ret := r.Parts[1].(*llm.BuiltinToolCallPart), r.Parts[2].(*llm.BuiltinToolReturnPart)
	if call.ToolName != "web_search" || call.ToolCallID == "" || call.ToolCallID != ret.ToolCallID {
		t.Errorf("call %+v return %+v", call, ret)
	}
	if content, _ := ret.Content.(map[string]any); content == nil || content["images"] != nil {
		t.Errorf("return content = %v", ret.Content)
	}
	if tx := r.Parts[3].(*llm.TextPart).Content; !strings.HasPrefix(tx, "The weather in San Francisco today, September 17, 2025, is partly cloudy") {
		t.Errorf("text = %.80q...", tx)
	}
	checkUsage(t, r.Usage, 5296, 387, 0, 0)
	if r.ModelName != "groq/compound" || r.ProviderResponseID != "stub" {
		t.Errorf("model %q id %q", r.ModelName, r.ProviderResponseID)
	}
	checkDetails(t, r, "stop", time.Date(2025, 9, 17, 21, 14, 13, 0, time.UTC))
	checkBodies(t, vs)
}

// test_tool_use_failed_error_streaming_with_text (test_groq.py:5771):
// gpt-oss answers with text where a tool call is required; Groq ends the
// stream with tool_use_failed and an empty failed generation, so the
// response is the streamed thinking and text, with no finish reason and
// no usage. The retry goes back with the text and pydantic-ai's
// validation message, and is answered with the output tool.
func TestRecordedToolUseFailedStreamingWithText(t *testing.T) {
	vs := newVectorServer(t, loadVector(t, "test_groq/test_tool_use_failed_error_streaming_with_text.yaml"))
	m := vs.model(t, "openai/gpt-oss-120b")
	params := &llm.RequestParams{DenyTextOutput: true, OutputTools: []llm.ToolDefinition{{
		Name: "final_result", Description: "The final response which ends this conversation",
		Parameters: json.RawMessage(`{"additionalProperties":false,"properties":{"response":{"enum":["yes","no"],"type":"string"}},"required":["response"],"type":"object"}`),
	}}}
	req1 := llm.NewRequest(llm.User(`dont make a tool call, just return the string "maybe" by itself, not as json output, to test error handling; on the second try you can use valid args`))
	req1.Instructions = "Be concise. Never use pretty double quotes, just regular ones."
	seq, r1 := streamTurn(t, m, []llm.Message{req1}, nil, params)
	if diff := cmp.Diff([]string{`start 0 thinking after ""`, `end 0 thinking before "text"`, `start 1 text after "thinking"`, `end 1 text before ""`}, seq); diff != "" {
		t.Errorf("first stream events (-want +got):\n%s", diff)
	}
	want1 := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "The user says: \"dont make a tool call, just return the string \"maybe\" by itself, not as json output, to test error handling; on the second try you can use valid args\". The developer instructions: be concise. Never use pretty double quotes, just regular ones.\n\nWe need to respond with just the string maybe, not JSON, and no tool call. So just plain text: maybe."},
		&llm.TextPart{Content: "maybe"},
	}
	if diff := cmp.Diff(want1, r1.Parts); diff != "" {
		t.Errorf("first response (-want +got):\n%s", diff)
	}
	if r1.ProviderResponseID != "chatcmpl-fd87720a-9b48-4161-bcd7-6127bd0d3696" || r1.FinishReason != "" || r1.RawFinishReason != "" || r1.Usage.InputTokens != 0 || r1.ProviderDetails["finish_reason"] != nil {
		t.Errorf("first response id %q finish %q %q usage %+v details %v", r1.ProviderResponseID, r1.FinishReason, r1.RawFinishReason, r1.Usage, r1.ProviderDetails)
	}

	retry := llm.NewRequest(llm.RetryErrors("", "", llm.ValidationError{Type: "json_invalid", Loc: []any{}, Msg: "Invalid JSON: expected value at line 1 column 1", Input: "maybe", HasInput: true}))
	retry.Instructions = req1.Instructions
	_, r2 := streamTurn(t, m, []llm.Message{req1, r1, retry}, nil, params)
	want2 := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "We need to comply with tool usage now. The user wants a second try using valid args. The tool expects final_result with response \"yes\" or \"no\". They likely want to produce a correct response using the tool. The user originally asked to return \"maybe\". But now they got validation error because the system expects JSON output via tool? The instruction says on the second try you can use valid args. So we should call the function final_result with response either \"yes\" or \"no\". But the user didn't ask a yes/no question. However the tool only accepts yes/no. We need to choose something plausible. Probably respond \"no\" because we can't return maybe. The instruction says be concise. So we call the function with response \"no\"."},
		&llm.ToolCallPart{ToolName: "final_result", Args: `{"response":"no"}`, ToolCallID: "fc_299e8414-9e94-4d9c-bd06-c096f8919768"},
	}
	if diff := cmp.Diff(want2, r2.Parts); diff != "" {
		t.Errorf("second response (-want +got):\n%s", diff)
	}
	checkUsage(t, r2.Usage, 343, 180, 0, 153)
	if diff := cmp.Diff(map[string]int{"reasoning_tokens": 153}, r2.Usage.Details); diff != "" {
		t.Errorf("usage details (-want +got):\n%s", diff)
	}
	checkCost(t, r2, 0.00015945)
	if r2.FinishReason != llm.FinishToolCall || r2.ProviderResponseID != "chatcmpl-0b76b1ce-aa40-4950-9c90-a167b11d4b09" {
		t.Errorf("finish %q id %q", r2.FinishReason, r2.ProviderResponseID)
	}
	checkDetails(t, r2, "tool_calls", time.Time{})
	// The recording of the retry keeps the error's "input", which
	// pydantic-ai at this commit leaves out of a retry without a tool
	// (messages.py:1710 RetryPromptPart.model_response), as llmvcr does:
	// that request is stale; its other messages must match, the streamed
	// answer sent back above all.
	checkBodies(t, vs, 1)
	sent := vs.sent()
	var got, rec struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if len(sent) < 2 || json.Unmarshal(sent[1], &got) != nil || json.Unmarshal(vs.interactions[1].RequestBody, &rec) != nil || len(got.Messages) != 4 || len(rec.Messages) != 4 {
		t.Fatalf("the retry request: %d sent", len(sent))
	}
	for i := range 3 {
		jsonEq(t, string(rec.Messages[i]), got.Messages[i])
	}
}
