package groq

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

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
		if streamErr != nil || !sr.(*StreamedResponse).Complete() {
			return
		}
		rebuilt := rebuildParts(events)
		got := sr.Response().Parts
		if len(rebuilt) != len(got) {
			t.Fatalf("events describe %d parts, the response has %d", len(rebuilt), len(got))
		}
		for i := range got {
			if got[i].PartKind() != rebuilt[i] {
				t.Fatalf("part %d: response %s, events %s", i, got[i].PartKind(), rebuilt[i])
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
			kinds[s.Index] = s.Part.PartKind()
		}
	}
	return kinds
}

// FuzzProcessResponse decodes arbitrary bytes as a completion and maps it:
// an error is fine, a panic is not.
func FuzzProcessResponse(f *testing.F) {
	for _, name := range []string{"test_groq/test_tool_use_failed_error.yaml", "test_groq/test_groq_model_thinking_part.yaml", "test_groq/test_groq_web_search_tool_domain_filters.yaml"} {
		for _, it := range loadVector(f, name) {
			f.Add(it.Body)
		}
	}
	f.Add([]byte(`{"choices":[{"message":{"content":"<think>x","executed_tools":[{"type":"search","search_results":"odd"}]}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var c ChatCompletion
		if json.Unmarshal(body, &c) != nil {
			return
		}
		r, err := ProcessResponse(&c, DefaultBaseURL)
		if err == nil && r == nil {
			t.Fatal("nil response without error")
		}
		if _, ok := parseToolUseFailed(body); ok {
			_ = failedGenerationParts(strings.Repeat("x", len(body)%5))
		}
	})
}
