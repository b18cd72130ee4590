package clients_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/replay"
)

// goOpenAI is how a go-openai user points the client at Groq through a
// replay session: the base URL and the session's *http.Client. The key
// may be empty in replay (go-openai sends whatever it is given, and the
// cassette has it scrubbed).
func goOpenAI(s *replay.Session) *openai.Client {
	cfg := openai.DefaultConfig(os.Getenv("GROQ_API_KEY"))
	cfg.BaseURL = groqBaseURL
	cfg.HTTPClient = s.Client()
	return openai.NewClientWithConfig(cfg)
}

func TestGoOpenAIChat(t *testing.T) {
	s := replay.New(t, fromFakeGroq(t))
	resp, err := goOpenAI(s).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
	})
	require.NoError(t, err)
	require.Len(t, resp.Choices, 1)
	require.Contains(t, resp.Choices[0].Message.Content, "Paris")
	require.Equal(t, openai.FinishReasonStop, resp.Choices[0].FinishReason)
	require.Positive(t, resp.Usage.PromptTokens)
}

// TestGoOpenAIStream replays a streamed answer at its recorded pace, on a
// fake clock: every chunk arrives when it arrived while recording, and
// the test takes no time.
func TestGoOpenAIStream(t *testing.T) {
	clock := replayClock()
	s := replay.New(t, fromFakeGroq(t), replay.TimingScaled(1), replay.WithClock(clock))

	start := clock.Now()
	stream, err := goOpenAI(s).CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
		Stream:   true,
	})
	require.NoError(t, err)
	defer stream.Close()
	var text strings.Builder
	var arrived []time.Duration
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		arrived = append(arrived, clock.Now().Sub(start))
		if len(chunk.Choices) > 0 {
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	require.Contains(t, text.String(), "Paris")
	require.Greater(t, len(arrived), 3, "the answer arrives in several chunks")
	if s.Mode() == replay.ModeReplay {
		requireGaps(t, dueTimes(t, s.Path(), 0), arrived)
	}
}

// TestGoOpenAIToolCalls runs a tool loop: the model calls get_weather, the
// test answers, the model replies with the result.
func TestGoOpenAIToolCalls(t *testing.T) {
	s := replay.New(t, fromFakeGroq(t))
	client := goOpenAI(s)
	tools := []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
		Name:        "get_weather",
		Description: "Get the current weather for a city.",
		Parameters:  json.RawMessage(weatherSchema),
	}}}
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the weather in Paris?"}}

	first, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: groqModel, Messages: msgs, Tools: tools})
	require.NoError(t, err)
	msg := first.Choices[0].Message
	require.Equal(t, openai.FinishReasonToolCalls, first.Choices[0].FinishReason)
	require.Len(t, msg.ToolCalls, 1)
	call := msg.ToolCalls[0]
	require.Equal(t, "get_weather", call.Function.Name)
	require.JSONEq(t, `{"city":"Paris"}`, call.Function.Arguments)
	require.NotEmpty(t, call.ID)

	msgs = append(msgs, msg, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: call.ID, Content: `{"sky":"sunny","celsius":22}`})
	final, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: groqModel, Messages: msgs, Tools: tools})
	require.NoError(t, err)
	require.Equal(t, openai.FinishReasonStop, final.Choices[0].FinishReason)
	require.Contains(t, final.Choices[0].Message.Content, "sunny")
}

// TestGoOpenAIDrift changes one word of TestGoOpenAIChat's prompt: the
// request matches no recording, the call fails, and the session reports
// the miss exactly once (counted through missReports instead of failing
// this test).
func TestGoOpenAIDrift(t *testing.T) {
	m := newMissReports(t)
	s := replay.New(m, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/TestGoOpenAIChat.yaml")) // no AllowUnused: the recording shown as closest is not reported again as never replayed
	_, err := goOpenAI(s).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of Germany?"}},
	})
	requireOneMissReport(t, m, err, "Germany")
}
