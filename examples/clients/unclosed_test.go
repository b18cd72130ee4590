package clients_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	goopenai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/replay"
)

// TestNeverClosedStreamReport: a go-openai stream the test reads from but
// never closes fails the test with the same report whether it is recorded
// or replayed, naming the request by number, method, URL and body (and,
// in replay, the recording); the recording is not saved. openai-go closes
// its stream itself once Next returns false, so reading it to the end is
// enough there, and nothing is reported.
func TestNeverClosedStreamReport(t *testing.T) {
	const request = `request 1: POST https://api.groq.com/openai/v1/chat/completions (stream%s) {"messages":[{"content":"What is the capital of France?","role":"user"}],"model":"llama-3.3-70b-vers...`
	leak := func(t *testing.T, opts ...replay.Option) []string {
		m := newMissReports(t)
		s := replay.New(m, opts...)
		stream, err := goOpenAI(s).CreateChatCompletionStream(context.Background(), goopenai.ChatCompletionRequest{
			Model:    groqModel,
			Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
			Stream:   true,
		})
		require.NoError(t, err)
		_, err = stream.Recv()
		require.NoError(t, err)
		return reports(m) // the test ends with the stream open
	}
	path := filepath.Join(t.TempDir(), "leak.yaml")
	got := leak(t, replay.WithMode(replay.ModeRecord), replay.WithPath(path), fromFakeGroq(t))
	require.Len(t, got, 1, strings.Join(got, "\n---\n"))
	require.Contains(t, got[0], "1 response body was never closed")
	require.Contains(t, got[0], "(the cassette was not saved)")
	require.True(t, strings.HasSuffix(got[0], "\n  "+strings.Replace(request, "%s", "", 1)), got[0])
	_, err := os.Stat(path)
	require.ErrorIs(t, err, os.ErrNotExist, "a recording with a stream never closed is not saved")

	got = leak(t, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/TestGoOpenAIStream.yaml"))
	require.Len(t, got, 1, strings.Join(got, "\n---\n"))
	require.True(t, strings.HasSuffix(got[0], "\n  "+strings.Replace(request, "%s", ", replayed from interaction 0", 1)), got[0])

	m := newMissReports(t)
	s := replay.New(m, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/TestOpenAIGoStream.yaml"))
	stream := openAIGo(s).Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of France?")},
	})
	for stream.Next() {
	}
	require.NoError(t, stream.Err())
	require.Empty(t, reports(m), "openai-go closed its stream at the end")
}
