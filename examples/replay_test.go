package examples

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
	"github.com/llmvcr/llmvcr/replay"
)

// TestRecordOnceReplayInCI replays testdata/cassettes/TestRecordOnceReplayInCI.yaml:
// no key, no network. The checked-in cassette was recorded from the
// embedded fake Groq server; to record it against Groq instead:
//
//	GROQ_API_KEY=gsk_... go test ./examples -run TestRecordOnceReplayInCI -record
//
// (or: go run ./cmd/record -o examples/testdata/cassettes/TestRecordOnceReplayInCI.yaml "What is the capital of France?")
func TestRecordOnceReplayInCI(t *testing.T) {
	s := replay.New(t, recordFromFakeWithoutKey(t)...)
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
	require.NoError(t, err)
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
	require.NoError(t, err)
	// Fields a new recording changes: plain checks with testify.
	require.Regexp(t, `^chatcmpl-`, resp.ProviderResponseID)
	// The rest: one comparison of the LLM value, with a diff by field.
	assert.Response(t, &llm.Response{
		Parts:           []llm.ResponsePart{llm.Reply("The capital of France is Paris.")},
		ModelName:       "llama-3.3-70b-versatile",
		ProviderName:    "groq",
		ProviderURL:     groq.DefaultBaseURL,
		FinishReason:    llm.FinishStop,
		RawFinishReason: "stop",
	}, resp, assert.IgnoreFields("ProviderResponseID", "Usage", "ProviderDetails", "ProviderTimestamp"))
	require.NotZero(t, resp.Usage.InputTokens, "usage not replayed")
	require.NotZero(t, resp.Usage.OutputTokens, "usage not replayed")
}

// TestToolLoopReplayed runs a tool-calling loop (the model asks for the
// weather, the test answers, the model replies) from a cassette. Every
// request must match its recording: change the conversation and the test
// fails with a diff of the request bodies by JSON path.
func TestToolLoopReplayed(t *testing.T) {
	s := replay.New(t, recordFromFakeWithoutKey(t)...)
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
	require.NoError(t, err)
	params := &llm.RequestParams{FunctionTools: []llm.ToolDefinition{{
		Name:        "get_weather",
		Description: "Get the current weather for a city.",
		Parameters:  []byte(`{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}`),
	}}}
	msgs := []llm.Message{llm.NewRequest(llm.User("What is the weather in Paris?"))}
	var calls int
	var final *llm.Response
	for step := 0; step < 4; step++ {
		resp, err := model.Request(context.Background(), msgs, nil, params)
		require.NoError(t, err)
		msgs = append(msgs, resp)
		if len(resp.ToolCalls()) == 0 {
			final = resp
			break
		}
		var results []llm.RequestPart
		for _, call := range resp.ToolCalls() {
			calls++
			require.NotEmpty(t, call.ToolCallID)
			assert.Parts(t, []llm.ResponsePart{llm.ToolCall("get_weather", `{"city": "Paris"}`, call.ToolCallID)}, []llm.ResponsePart{call})
			results = append(results, llm.ToolReturn(call.ToolName, call.ToolCallID, map[string]any{"sky": "sunny", "celsius": 22}))
		}
		msgs = append(msgs, llm.NewRequest(results...))
	}
	require.Equal(t, 1, calls, "one tool call, then an answer")
	require.NotNil(t, final, "no final answer")
	require.Equal(t, `Here is what I found: get_weather returned {"celsius":22,"sky":"sunny"}.`, final.Text())
}

// recordFromFakeWithoutKey lets these examples be re-recorded on a machine
// without a key: when recording and GROQ_API_KEY is unset, requests to Groq
// go to the embedded fake server instead (the recorded URLs stay
// api.groq.com). In replay (the default, and CI) it changes nothing.
func recordFromFakeWithoutKey(t *testing.T) []replay.Option {
	if os.Getenv("GROQ_API_KEY") != "" {
		return nil
	}
	fake := fakes.NewServer()
	t.Cleanup(fake.Close)
	return []replay.Option{replay.WithRealTransport(fake.Transport())}
}
