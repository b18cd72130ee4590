package examples

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// TestMappingOfAConversation sends a conversation with a system prompt,
// instructions, a tool call answered by the caller, a retry prompt and a
// follow-up question, and asserts the JSON the model sent Groq.
func TestMappingOfAConversation(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Reply(fakes.TextCompletion("It is sunny in Paris."))
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	require.NoError(t, err)

	weather := llm.ToolDefinition{
		Name:        "get_weather",
		Description: "Get the weather for a city.",
		Parameters:  []byte(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}`),
	}
	conversation := []llm.Message{
		&llm.Request{
			Parts:        []llm.RequestPart{llm.System("You are a weather bot."), llm.User("Weather in Paris?")},
			Instructions: "Answer in one sentence.",
		},
		llm.NewResponse(llm.ToolCall("get_weather", `{"town": "Paris"}`, "call_1")),
		llm.NewRequest(llm.RetryErrors("get_weather", "call_1",
			llm.ValidationError{Type: "missing", Loc: []any{"city"}, Msg: "Field required", Input: map[string]any{"town": "Paris"}, HasInput: true})),
		llm.NewResponse(llm.ToolCall("get_weather", `{"city": "Paris"}`, "call_2")),
		// Instructions come from the newest request (or the one before it
		// when the newest holds only tool returns), as in pydantic-ai: an
		// agent loop sets them on every request it builds.
		&llm.Request{
			Parts:        []llm.RequestPart{llm.ToolReturn("get_weather", "call_2", map[string]any{"sky": "sunny", "celsius": 22})},
			Instructions: "Answer in one sentence.",
		},
	}
	settings := &llm.Settings{Temperature: llm.Ptr(0.0)}
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{weather}}
	_, err = model.Request(context.Background(), conversation, settings, params)
	require.NoError(t, err)

	assert.RequestJSON(t, `{
		"model": "llama-3.3-70b-versatile",
		"n": 1,
		"stream": false,
		"temperature": 0,
		"tool_choice": "auto",
		"tools": [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather for a city.",
			"parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}],
		"messages": [
			{"role": "system", "content": "You are a weather bot."},
			{"role": "system", "content": "Answer in one sentence."},
			{"role": "user", "content": "Weather in Paris?"},
			{"role": "assistant", "tool_calls": [{"id": "call_1", "type": "function",
				"function": {"name": "get_weather", "arguments": "{\"town\": \"Paris\"}"}}]},
			{"role": "tool", "tool_call_id": "call_1",
				"content": "1 validation error:\n`+"```"+`json\n[\n  {\n    \"type\": \"missing\",\n    \"loc\": [\n      \"city\"\n    ],\n    \"msg\": \"Field required\",\n    \"input\": {\n      \"town\": \"Paris\"\n    }\n  }\n]\n`+"```"+`\n\nFix the errors and try again."},
			{"role": "assistant", "tool_calls": [{"id": "call_2", "type": "function",
				"function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
			{"role": "tool", "tool_call_id": "call_2", "content": "{\"celsius\":22,\"sky\":\"sunny\"}"}
		]}`, lastRequest(t, g))
}

// lastRequest returns the last chat request g received; the test fails if
// there was none.
func lastRequest(t testing.TB, g *fakes.Groq) *fakes.Request {
	t.Helper()
	reqs := g.Requests()
	if len(reqs) == 0 {
		t.Fatal("the fake received no chat request")
	}
	return reqs[len(reqs)-1]
}
