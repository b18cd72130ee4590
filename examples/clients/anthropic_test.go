package clients_test

import (
	"cmp"
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/replay"
)

// anthropicModel is the model the Anthropic examples ask for.
const anthropicModel = anthropic.ModelClaudeHaiku5_5

// anthropicClient is how an anthropic-sdk-go user points the client at a
// replay session. The SDK refuses to send a request without a credential,
// even to a cassette, so replay needs a placeholder key; recording against
// Anthropic uses the real one, which the cassette has scrubbed.
func anthropicClient(s *replay.Session) *anthropic.Client {
	c := anthropic.NewClient(
		option.WithAPIKey(cmp.Or(os.Getenv("ANTHROPIC_API_KEY"), "placeholder-for-replay")), // the placeholder-key line
		option.WithBaseURL("https://api.anthropic.com/"),
		option.WithHTTPClient(s.Client()),
	)
	return &c
}

func TestAnthropicChat(t *testing.T) {
	s := replay.New(t, fromFakeAnthropic(t)...)
	msg, err := anthropicClient(s).Messages.New(context.Background(), anthropic.MessageNewParams{
		Model:     anthropicModel,
		MaxTokens: 256,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is the capital of France?"))},
	})
	require.NoError(t, err)
	require.Len(t, msg.Content, 1)
	require.Contains(t, msg.Content[0].Text, "Paris")
	require.Equal(t, anthropic.StopReasonEndTurn, msg.StopReason)
	require.Positive(t, msg.Usage.InputTokens)
}

// TestAnthropicStream replays Anthropic's typed events at their recorded
// pace on a fake clock, and accumulates them as the SDK's users do.
func TestAnthropicStream(t *testing.T) {
	clock := replayClock()
	s := replay.New(t, fromFakeAnthropic(t, replay.TimingScaled(1), replay.WithClock(clock))...)

	start := clock.Now()
	stream := anthropicClient(s).Messages.NewStreaming(context.Background(), anthropic.MessageNewParams{
		Model:     anthropicModel,
		MaxTokens: 256,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is the capital of France?"))},
	})
	defer stream.Close()
	var msg anthropic.Message
	var arrived []time.Duration
	var types []string
	for stream.Next() {
		arrived = append(arrived, clock.Now().Sub(start))
		ev := stream.Current()
		types = append(types, ev.Type)
		require.NoError(t, msg.Accumulate(ev))
	}
	require.NoError(t, stream.Err())
	require.Equal(t, "message_start", types[0])
	require.Equal(t, "message_stop", types[len(types)-1])
	require.Contains(t, types, "content_block_delta")
	require.Len(t, msg.Content, 1)
	require.Equal(t, "The capital of France is Paris.", msg.Content[0].Text)
	require.Equal(t, anthropic.StopReasonEndTurn, msg.StopReason)
	if s.Mode() == replay.ModeReplay {
		requireGaps(t, dueTimes(t, s.Path(), 0), arrived)
	}
}

// TestAnthropicToolCalls runs a tool loop in Anthropic's shape (tool_use,
// then a tool_result in the user's turn) and checks the follow-up request
// with assert.RequestJSON.
func TestAnthropicToolCalls(t *testing.T) {
	var sent [][]byte
	s := replay.New(t, fromFakeAnthropic(t)...)
	client := anthropicClient(s)
	params := anthropic.MessageNewParams{
		Model:     anthropicModel,
		MaxTokens: 256,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is the weather in Paris?"))},
		Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{
			Name:        "get_weather",
			Description: anthropic.String("Get the current weather for a city."),
			InputSchema: anthropic.ToolInputSchemaParam{
				Properties: map[string]any{"city": map[string]any{"type": "string"}},
				Required:   []string{"city"},
			},
		}}},
	}
	keep := option.WithMiddleware(keepAnthropicBodies(&sent))

	first, err := client.Messages.New(context.Background(), params, keep)
	require.NoError(t, err)
	require.Equal(t, anthropic.StopReasonToolUse, first.StopReason)
	require.Len(t, first.Content, 1)
	call := first.Content[0]
	require.Equal(t, "tool_use", call.Type)
	require.Equal(t, "get_weather", call.Name)
	require.JSONEq(t, `{"city":"Paris"}`, string(call.Input))

	params.Messages = append(params.Messages, first.ToParam(),
		anthropic.NewUserMessage(anthropic.NewToolResultBlock(call.ID, `sunny, 22°C`, false)))
	final, err := client.Messages.New(context.Background(), params, keep)
	require.NoError(t, err)
	require.Equal(t, anthropic.StopReasonEndTurn, final.StopReason)
	require.True(t, strings.Contains(final.Content[0].Text, "sunny"), final.Content[0].Text)

	require.Len(t, sent, 2)
	assert.RequestJSON(t, map[string]any{
		"model": string(anthropicModel),
		"messages": []any{
			map[string]any{"role": "user"},
			map[string]any{"role": "assistant", "content": []any{map[string]any{
				"type": "tool_use", "id": call.ID, "name": "get_weather", "input": map[string]any{"city": "Paris"},
			}}},
			map[string]any{"role": "user", "content": []any{map[string]any{
				"type": "tool_result", "tool_use_id": assert.Matches(`^toolu_`),
			}}},
		},
	}, sent[1], assert.IgnoreExtraKeys())
}

// TestAnthropicDrift changes one word of TestAnthropicChat's prompt with
// the SDK's default retries on: the miss must be reported once.
func TestAnthropicDrift(t *testing.T) {
	m := newMissReports(t)
	s := replay.New(m, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/TestAnthropicChat.yaml")) // no AllowUnused: the recording shown as closest is not reported again as never replayed
	_, err := anthropicClient(s).Messages.New(context.Background(), anthropic.MessageNewParams{
		Model:     anthropicModel,
		MaxTokens: 256,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is the capital of Germany?"))},
	})
	requireOneMissReport(t, m, err, "Germany")
}

// keepAnthropicBodies is an anthropic-sdk-go middleware that keeps each
// request body it sends, for assert.RequestJSON.
func keepAnthropicBodies(into *[][]byte) option.Middleware {
	return func(r *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		b, err := requestBody(r)
		if err != nil {
			return nil, err
		}
		*into = append(*into, b)
		return next(r)
	}
}
