package groq

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// End events come where pydantic-ai's StreamedResponse puts them
// (models/__init__.py iterator_with_part_end): after text, thinking, tool
// calls and built-in tool calls, never after a built-in tool return, as
// test_groq_model_web_search_tool_stream's snapshot shows
// (tests/models/test_groq.py:1431-1545: the return at index 2 is followed
// by the start of index 3, previous kind builtin-tool-return, with no end).
func TestStreamPartEndEventsAsPydanticAI(t *testing.T) {
	body := sseOf(
		chunkJSON(`{"reasoning":"<tool>\nsearch(weather)\n"}`, "", ""),
		chunkJSON(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\":\"weather\"}"}]}`, "", ""),
		chunkJSON(`{"executed_tools":[{"index":0,"type":"search","arguments":"{\"query\":\"weather\"}","output":"sunny","search_results":{"results":[{"title":"T","url":"https://w","content":"c","score":0.9}]}}]}`, "", ""),
		chunkJSON(`{"reasoning":"</tool>\nBased on"}`, "", ""),
		chunkJSON(`{"content":"Sunny."}`, "", ""),
		chunkJSON(`{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}`, "tool_calls", ""),
	)
	sr := openStream(t, body, nil)
	events, _, err := collect(t, sr)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ev := range events {
		switch e := ev.(type) {
		case llm.PartStartEvent:
			got = append(got, fmt.Sprintf("start %d %s after %q", e.Index, llm.Kind(e.Part), e.PreviousPartKind))
		case llm.PartEndEvent:
			got = append(got, fmt.Sprintf("end %d %s before %q", e.Index, llm.Kind(e.Part), e.NextPartKind))
		}
	}
	want := []string{
		`start 0 thinking after ""`,
		`end 0 thinking before "builtin-tool-call"`,
		`start 1 builtin-tool-call after "thinking"`,
		`end 1 builtin-tool-call before "builtin-tool-return"`,
		`start 2 builtin-tool-return after "builtin-tool-call"`,
		`start 3 thinking after "builtin-tool-return"`,
		`end 3 thinking before "text"`,
		`start 4 text after "thinking"`,
		`end 4 text before "tool-call"`,
		`start 5 tool-call after "text"`,
		`end 5 tool-call before ""`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("start and end events (-want +got):\n%s", diff)
	}
}

// A stream that ends on a built-in tool return ends without an end event.
func TestStreamEndingOnABuiltinReturnHasNoEndEvent(t *testing.T) {
	var m provider.PartsManager
	m.Part("call", &llm.BuiltinToolCallPart{ToolName: "web_search", ToolCallID: "1"})
	m.Part("ret", &llm.BuiltinToolReturnPart{ToolName: "web_search", ToolCallID: "1", Content: "x"})
	if evs := m.Finish(); len(evs) != 0 {
		t.Errorf("Finish after a return gave %v", evs)
	}
}
