package examples

import (
	"context"
	"os"
	"testing"

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
	if err != nil {
		t.Fatal(err)
	}
	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("What is the capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	assert.Response(t, &llm.Response{
		Parts:           []llm.ResponsePart{llm.Reply("The capital of France is Paris.")},
		ModelName:       "llama-3.3-70b-versatile",
		ProviderName:    "groq",
		ProviderURL:     groq.DefaultBaseURL,
		FinishReason:    llm.FinishStop,
		RawFinishReason: "stop",
	}, resp, assert.IgnoreFields("Usage", "ProviderDetails", "ProviderTimestamp"), assert.At("ProviderResponseID", assert.Matches(`^chatcmpl-`)))
	if resp.Usage.InputTokens == 0 || resp.Usage.OutputTokens == 0 {
		t.Errorf("usage not replayed: %+v", resp.Usage)
	}
}

// TestToolLoopReplayed runs a tool-calling loop (the model asks for the
// weather, the test answers, the model replies) from a cassette. Every
// request must match its recording: change the conversation and the test
// fails with a diff of the request bodies by JSON path.
func TestToolLoopReplayed(t *testing.T) {
	s := replay.New(t, recordFromFakeWithoutKey(t)...)
	model, err := groq.NewModel("llama-3.3-70b-versatile", groq.WithHTTPClient(s.Client()))
	if err != nil {
		t.Fatal(err)
	}
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
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, resp)
		if len(resp.ToolCalls()) == 0 {
			final = resp
			break
		}
		var results []llm.RequestPart
		for _, call := range resp.ToolCalls() {
			calls++
			assert.Parts(t, []llm.ResponsePart{llm.ToolCall("get_weather", `{"city": "Paris"}`, "")}, []llm.ResponsePart{call}, assert.At("[0].ToolCallID", assert.NonEmpty()))
			results = append(results, llm.ToolReturn(call.ToolName, call.ToolCallID, map[string]any{"sky": "sunny", "celsius": 22}))
		}
		msgs = append(msgs, llm.NewRequest(results...))
	}
	if calls != 1 || final == nil {
		t.Fatalf("%d tool calls, final answer %v; want one call, then an answer", calls, final)
	}
	if want := `Here is what I found: get_weather returned {"celsius":22,"sky":"sunny"}.`; final.Text() != want {
		t.Errorf("final answer %q, want %q", final.Text(), want)
	}
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
