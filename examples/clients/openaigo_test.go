package clients_test

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/replay"
)

// openAIGo is how an openai-go user points the client at Groq through a
// replay session. openai-go reads OPENAI_API_KEY by itself, so Groq's key
// is given to it: recording from Groq sends it (and the cassette has it
// scrubbed); in replay, or recording from the fake, it may be unset, and
// openai-go then sends no Authorization at all. Retries stay at
// openai-go's default (2).
func openAIGo(s *replay.Session) *openai.Client {
	c := openai.NewClient(
		option.WithBaseURL(groqBaseURL+"/"),
		option.WithAPIKey(os.Getenv("GROQ_API_KEY")),
		option.WithHTTPClient(s.Client()),
	)
	return &c
}

func TestOpenAIGoChat(t *testing.T) {
	s := replay.New(t, fromFakeGroq(t))
	resp, err := openAIGo(s).Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of France?")},
	})
	require.NoError(t, err)
	require.Len(t, resp.Choices, 1)
	require.Contains(t, resp.Choices[0].Message.Content, "Paris")
	require.Equal(t, "stop", resp.Choices[0].FinishReason)
	require.Positive(t, resp.Usage.PromptTokens)
}

// TestOpenAIGoStream replays a streamed answer at its recorded pace on a
// fake clock, and accumulates it as openai-go users do.
func TestOpenAIGoStream(t *testing.T) {
	clock := replayClock()
	s := replay.New(t, fromFakeGroq(t), replay.TimingScaled(1), replay.WithClock(clock))

	start := clock.Now()
	stream := openAIGo(s).Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of France?")},
	})
	defer stream.Close()
	var acc openai.ChatCompletionAccumulator
	var arrived []time.Duration
	for stream.Next() {
		arrived = append(arrived, clock.Now().Sub(start))
		acc.AddChunk(stream.Current())
	}
	require.NoError(t, stream.Err())
	require.Len(t, acc.Choices, 1)
	require.Contains(t, acc.Choices[0].Message.Content, "Paris")
	require.Greater(t, len(arrived), 3, "the answer arrives in several chunks")
	if s.Mode() == replay.ModeReplay {
		requireGaps(t, dueTimes(t, s.Path(), 0), arrived)
	}
}

// TestOpenAIGoToolCalls runs a tool loop, and checks the follow-up request
// with llmvcr's assert.RequestJSON: the tool's answer went back under the
// call's id.
func TestOpenAIGoToolCalls(t *testing.T) {
	var sent [][]byte
	s := replay.New(t, fromFakeGroq(t))
	client := openai.NewClient(
		option.WithBaseURL(groqBaseURL+"/"),
		option.WithHTTPClient(s.Client()),
		option.WithMiddleware(keepBodies(&sent)),
	)
	params := openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the weather in Paris?")},
		Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{
			Name:        "get_weather",
			Description: openai.String("Get the current weather for a city."),
			Parameters: openai.FunctionParameters{
				"type":       "object",
				"properties": map[string]any{"city": map[string]any{"type": "string"}},
				"required":   []string{"city"},
			},
		})},
	}

	first, err := client.Chat.Completions.New(context.Background(), params)
	require.NoError(t, err)
	msg := first.Choices[0].Message
	require.Equal(t, "tool_calls", first.Choices[0].FinishReason)
	require.Len(t, msg.ToolCalls, 1)
	call := msg.ToolCalls[0]
	require.Equal(t, "get_weather", call.Function.Name)
	require.JSONEq(t, `{"city":"Paris"}`, call.Function.Arguments)

	params.Messages = append(params.Messages, msg.ToParam(), openai.ToolMessage(`{"sky":"sunny","celsius":22}`, call.ID))
	final, err := client.Chat.Completions.New(context.Background(), params)
	require.NoError(t, err)
	require.Equal(t, "stop", final.Choices[0].FinishReason)
	require.Contains(t, final.Choices[0].Message.Content, "sunny")

	require.Len(t, sent, 2)
	assert.RequestJSON(t, map[string]any{
		"model": groqModel,
		"messages": []any{
			map[string]any{"role": "user", "content": "What is the weather in Paris?"},
			map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{
				"id": call.ID, "type": "function",
				"function": map[string]any{"name": "get_weather", "arguments": assert.JSONEqual(`{"city":"Paris"}`)},
			}}},
			map[string]any{"role": "tool", "tool_call_id": call.ID, "content": assert.JSONEqual(`{"celsius":22,"sky":"sunny"}`)},
		},
	}, sent[1], assert.IgnoreExtraKeys())
}

// TestOpenAIGoDrift changes one word of TestOpenAIGoChat's prompt with
// openai-go's default retries on: the miss must be reported once, not once
// per retry.
func TestOpenAIGoDrift(t *testing.T) {
	m := newMissReports(t)
	s := replay.New(m, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/TestOpenAIGoChat.yaml")) // no AllowUnused: the recording shown as closest is not reported again as never replayed
	_, err := openAIGo(s).Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of Germany?")},
	})
	requireOneMissReport(t, m, err, "Germany")
}

// keepBodies is an openai-go middleware that keeps each request body it
// sends, for assert.RequestJSON.
func keepBodies(into *[][]byte) option.Middleware {
	return func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		b, err := requestBody(r)
		if err != nil {
			return nil, err
		}
		*into = append(*into, b)
		return next(r)
	}
}
