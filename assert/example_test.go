package assert_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/llm"
)

// printT stands in for the *testing.T of a real test: it prints the list
// of differing paths an assertion reports (the message's first part; the
// go-cmp diff after it is left out to keep the examples short).
type printT struct{ testing.TB }

func (printT) Helper() {}
func (printT) Errorf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	head, _, _ := strings.Cut(msg, "\n\n")
	fmt.Println(head)
}
func (p printT) Fatalf(format string, args ...any) { p.Errorf(format, args...) }

func ExampleResponse() {
	t := printT{} // in a test: t *testing.T

	want := &llm.Response{
		Parts:        []llm.ResponsePart{llm.ToolCall("get_weather", `{"city": "Paris"}`, "")},
		ModelName:    "llama-3.3-70b-versatile",
		FinishReason: llm.FinishToolCall,
	}
	got := &llm.Response{
		Parts:        []llm.ResponsePart{llm.ToolCall("get_weather", `{"city":"Lyon"}`, "fc_0042")},
		ModelName:    "llama-3.3-70b-versatile",
		FinishReason: llm.FinishStop,
		Timestamp:    time.Now(), // the local timestamp is ignored
	}
	// The id is generated: check its shape, not its value.
	ok := assert.Response(t, want, got, assert.At("Parts[*].ToolCallID", assert.Matches(`^call_`)))
	fmt.Println(ok)
	// Output:
	// assert.Response: responses differ (-want +got):
	//   Parts[0].Args.city: want "Paris", got "Lyon"
	//   Parts[0].ToolCallID: want a string matching "^call_", got "fc_0042"
	//   FinishReason: want "tool_call", got "stop"
	// false
}

func ExampleRequestJSON() {
	t := printT{}

	// The body a model sent, as a fake server or a cassette captured it.
	body := []byte(`{"model":"llama-3.3-70b-versatile","seed":7,"messages":[
		{"role":"user","content":"Weather in Paris?"},
		{"role":"assistant","tool_calls":[{"id":"call_x1","type":"function",
			"function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
		{"role":"tool","tool_call_id":"call_x1","content":"21C"}]}`)

	want := map[string]any{
		"model": "llama-3.3-70b-versatile",
		"messages": []any{
			map[string]any{"role": "user", "content": "Weather in Paris?"},
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{
				"id": "call_1", "type": "function",
				"function": map[string]any{"name": "get_weather", "arguments": assert.JSONEqual(`{"city": "Paris"}`)},
			}}},
			map[string]any{"role": "tool", "tool_call_id": assert.NonEmpty(), "content": "22C"},
		},
	}
	assert.RequestJSON(t, want, body, assert.IgnorePaths("seed", "messages[*].tool_calls[*].id"))
	// Output:
	// assert.RequestJSON: request body differs (-want +got):
	//   messages[2].content: want "22C", got "21C"
}

func ExampleEvents() {
	t := printT{}

	// The same stream, split into tokens differently.
	want := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: llm.Reply("Hello, world")},
		llm.PartEndEvent{Index: 0, Part: llm.Reply("Hello, world")},
	}
	got := []llm.Event{
		llm.PartStartEvent{Index: 0, Part: llm.Reply("Hel")},
		llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "lo, "}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.TextPartDelta{ContentDelta: "world"}},
		llm.PartEndEvent{Index: 0, Part: llm.Reply("Hello, world")},
	}
	fmt.Println(assert.Events(t, want, got, assert.Coalesce()))
	// Output:
	// true
}

func ExampleUsage() {
	t := printT{}

	want := llm.Usage{Requests: 1, InputTokens: 18, OutputTokens: 7, Timings: llm.Timings{Total: 25 * time.Millisecond}}
	got := llm.Usage{Requests: 1, InputTokens: 18, OutputTokens: 9, Timings: llm.Timings{Total: 25*time.Millisecond + 80*time.Nanosecond}}
	assert.Usage(t, want, got, assert.EquateApproxTimings(time.Microsecond))
	// Output:
	// assert.Usage: usage differs (-want +got):
	//   OutputTokens: want 7, got 9
}

// Matchers stand in for what a test cannot know: ids, times, generated
// text. In a field of type any (ProviderDetails) a matcher is the value;
// on a field of another type, At gives its path.
func ExampleAt() {
	t := printT{}

	want := []llm.Message{
		&llm.Response{
			Parts:           []llm.ResponsePart{llm.Reply("")},
			ProviderDetails: map[string]any{"x_groq": assert.JSONEqual(map[string]any{"id": assert.AnyString()})},
		},
	}
	got := []llm.Message{
		&llm.Response{
			Parts:              []llm.ResponsePart{llm.Reply("")},
			ProviderResponseID: "chatcmpl-9f86d0",
			ProviderTimestamp:  time.Now().Add(-2 * time.Second),
			ProviderDetails:    map[string]any{"x_groq": map[string]any{"id": "req_01jx"}},
		},
	}
	fmt.Println(assert.Messages(t, want, got,
		assert.At("[0].Parts[0].Content", assert.NonEmpty()),
		assert.At("[0].ProviderResponseID", assert.Matches(`^chatcmpl-[0-9a-f]+$`)),
		assert.At("[0].ProviderTimestamp", assert.Recent(time.Minute)),
	))
	// Output:
	// assert.Messages: messages differ (-want +got):
	//   [0].Parts[0].Content: want any non-empty string, got ""
	// false
}

// A failure points at the next step: here, an expected body that lists
// only the keys the test cares about.
func ExampleIgnoreExtraKeys() {
	t := printT{}

	body := []byte(`{"model":"llama-3.3-70b-versatile","n":1,"stream":false,"tool_choice":"required"}`)
	want := `{"model": "llama-3.3-70b-versatile", "tool_choice": "required"}`
	assert.RequestJSON(t, want, body)
	fmt.Println(assert.RequestJSON(t, want, body, assert.IgnoreExtraKeys()))
	// Output:
	// assert.RequestJSON: request body differs (-want +got):
	//   n: unexpected, got 1
	//   stream: unexpected, got false
	// hint: want lists no n, stream: pass assert.IgnoreExtraKeys() to check only the keys want lists, or assert.IgnorePaths("n", "stream") to leave these out
	// true
}
