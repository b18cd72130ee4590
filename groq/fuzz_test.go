package groq

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

// FuzzStream feeds arbitrary bytes to the streaming path as a 200
// text/event-stream body, split at an arbitrary point. It must never panic
// or hang; when the stream completes, the parts rebuilt from the events
// must equal Response().Parts.
func FuzzStream(f *testing.F) {
	for _, name := range []string{"test_groq/test_tool_use_failed_error_streaming.yaml"} {
		for _, it := range loadVector(f, name) {
			// The head and tail of each real stream: small seeds keep the
			// fuzzer fast, and hold the shapes that matter (first chunk,
			// reasoning, tool calls, usage, error events, [DONE]).
			events := strings.SplitAfter(string(it.Body), "\n\n")
			if len(events) > 8 {
				events = append(events[:4], events[len(events)-4:]...)
			}
			f.Add(strings.Join(events, ""), 100)
		}
	}
	f.Add(sseOf(textChunk("<thi", ""), textChunk("nk>a</think>b", "stop")), 7)
	f.Add(sseOf(textChunk("<think>", ""), textChunk("a", ""), textChunk("</think>", ""), textChunk("\n\nb", "stop")), 5)
	f.Add("event: error\ndata: {\"error\":{\"code\":\"tool_use_failed\",\"failed_generation\":\"{\\\"name\\\":\\\"f\\\",\\\"arguments\\\":{}}\"}}\n\n", 3)
	f.Add("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":-1,\"function\":{\"name\":\"x\"}}]}}]}\n\ndata: [DONE]\n\n", 1)
	f.Fuzz(func(t *testing.T, body string, split int) {
		if split < 0 {
			split = -split
		}
		bt := &bodyTransport{body: body, split: []int{split % (len(body) + 1)}}
		sr, err := streamModel(t, bt).RequestStream(context.Background(), hello(), nil, nil)
		if err != nil {
			return
		}
		defer sr.Close()
		var events []llm.Event
		var streamErr error
		for ev, err := range sr.Events() {
			if err != nil {
				streamErr = err
				break
			}
			events = append(events, ev)
		}
		if streamErr != nil || !sr.(*StreamedResponse).complete() {
			return
		}
		rebuilt := rebuildParts(events)
		got := sr.Response().Parts
		if len(rebuilt) != len(got) {
			t.Fatalf("events describe %d parts, the response has %d", len(rebuilt), len(got))
		}
		for i := range got {
			if llm.Kind(got[i]) != rebuilt[i] {
				t.Fatalf("part %d: response %s, events %s", i, llm.Kind(got[i]), rebuilt[i])
			}
		}
	})
}

// rebuildParts returns the kind of each part the events started, by index.
func rebuildParts(events []llm.Event) []string {
	var kinds []string
	for _, ev := range events {
		if s, ok := ev.(llm.PartStartEvent); ok {
			for len(kinds) <= s.Index {
				kinds = append(kinds, "")
			}
			kinds[s.Index] = llm.Kind(s.Part)
		}
	}
	return kinds
}

// FuzzProcessResponse decodes arbitrary bytes as a completion and maps it:
// an error is fine, a panic or a nil part is not. The same bytes, read as
// a tool_use_failed error body and as a failed generation, must map to
// what the failed generation says: a tool call whose arguments are a JSON
// object when it reads as {"name": ..., "arguments": {...}}, its text
// otherwise, nothing when it is empty.
func FuzzProcessResponse(f *testing.F) {
	for _, name := range []string{"test_groq/test_tool_use_failed_error.yaml", "test_groq/test_groq_model_thinking_part.yaml", "test_groq/test_groq_web_search_tool_domain_filters.yaml"} {
		for _, it := range loadVector(f, name) {
			f.Add(it.Body)
		}
	}
	f.Add([]byte(`{"choices":[{"message":{"content":"<think>x","executed_tools":[{"type":"search","search_results":"odd"}]}}]}`))
	f.Add([]byte(`{"error":{"code":"tool_use_failed","failed_generation":"{\"name\":\"f\",\"arguments\":{\"a\": 1}}"}}`))
	f.Add([]byte(`{"code":"tool_use_failed","failed_generation":"not a call"}`))
	f.Add([]byte(`{"name":"get_weather","arguments":{"city":"Paris"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var c groqwire.ChatCompletion
		if json.Unmarshal(body, &c) == nil {
			r, err := processResponse(&c, DefaultBaseURL)
			if err == nil && r == nil {
				t.Fatal("nil response without error")
			}
			if err == nil {
				for i, p := range r.Parts {
					if p == nil {
						t.Fatalf("part %d is nil", i)
					}
				}
			}
		}
		if obj, ok := parseToolUseFailed(body); ok {
			if obj.Code != "tool_use_failed" || obj.FailedGeneration == nil {
				t.Fatalf("parseToolUseFailed accepted code %q, failed_generation %v", obj.Code, obj.FailedGeneration)
			}
			checkFailedGeneration(t, *obj.FailedGeneration)
		}
		checkFailedGeneration(t, string(body))
	})
}

// checkFailedGeneration checks failedGenerationParts(fg) against what fg
// says.
func checkFailedGeneration(t *testing.T, fg string) {
	t.Helper()
	parts := failedGenerationParts(fg)
	var call struct {
		Name      *string         `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	isCall := json.Unmarshal([]byte(fg), &call) == nil && call.Name != nil && isJSONObject(call.Arguments)
	switch {
	case fg == "" && !isCall:
		if len(parts) != 0 {
			t.Fatalf("empty generation: %d parts, want none", len(parts))
		}
	case len(parts) != 1:
		t.Fatalf("generation %q: %d parts, want 1", fg, len(parts))
	case isCall:
		tc, ok := parts[0].(*llm.ToolCallPart)
		if !ok {
			t.Fatalf("generation %q reads as a call, got %T", fg, parts[0])
		}
		var args map[string]any
		if tc.ToolName != *call.Name || json.Unmarshal([]byte(tc.Args), &args) != nil {
			t.Fatalf("generation %q: tool %q args %q, want tool %q and a JSON object", fg, tc.ToolName, tc.Args, *call.Name)
		}
	default:
		tp, ok := parts[0].(*llm.TextPart)
		if !ok || tp.Content != fg {
			t.Fatalf("generation %q is not a call: got %#v, want its text", fg, parts[0])
		}
	}
}
