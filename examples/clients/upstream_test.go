package clients_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	goopenai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/replay"
)

// localGateway is a server on a random port that serves Groq's
// OpenAI-compatible API under its own prefix, as a gateway does
// (http://127.0.0.1:PORT/groq/chat/completions): it forwards to the fake
// Groq server (which serves it under /openai/v1) and counts the requests
// that reached it.
func localGateway(t *testing.T) (base string, requests func() int) {
	t.Helper()
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers())
	to, err := url.Parse(g.URL + "/openai/v1")
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(to)
	srv := httptest.NewServer(http.StripPrefix("/groq", proxy))
	t.Cleanup(srv.Close)
	return srv.URL + "/groq", func() int { return len(g.Requests()) }
}

// requireProductionURLs checks that a cassette stores Groq's URLs and no
// trace of the local server.
func requireProductionURLs(t *testing.T, path string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(raw), "url: "+groqBaseURL+"/chat/completions")
	require.NotContains(t, string(raw), "127.0.0.1")
}

// TestGoOpenAIRecordFromLocalServer records go-openai, left at Groq's
// URL, from a local gateway on a random port with replay.WithUpstream;
// the cassette stores Groq's URL, and replay answers with the gateway
// gone and no WithUpstream.
func TestGoOpenAIRecordFromLocalServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.yaml")
	ask := func(s *replay.Session) string {
		resp, err := goOpenAI(s).CreateChatCompletion(context.Background(), goopenai.ChatCompletionRequest{
			Model:    groqModel,
			Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
		})
		require.NoError(t, err)
		return resp.Choices[0].Message.Content
	}
	gateway, requests := localGateway(t)
	t.Run("record", func(t *testing.T) {
		s := replay.New(t, replay.WithMode(replay.ModeRecord), replay.WithPath(path),
			replay.WithUpstream(groqBaseURL, gateway))
		require.Contains(t, ask(s), "Paris")
		require.Equal(t, 1, requests(), "the request went to the local gateway")
	})
	requireProductionURLs(t, path)
	t.Run("replay", func(t *testing.T) {
		s := replay.New(t, replay.WithMode(replay.ModeReplay), replay.WithPath(path))
		require.Contains(t, ask(s), "Paris")
		require.Equal(t, 1, requests(), "replay never reaches a server")
	})
}

// TestOpenAIGoRecordFromLocalServer points openai-go at the local
// gateway, as code that reads its base URL from a setting would be: the
// cassette still stores Groq's URL, and a later run whose gateway has
// another port replays it with no server.
func TestOpenAIGoRecordFromLocalServer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chat.yaml")
	ask := func(s *replay.Session, base string) string {
		c := openai.NewClient(option.WithBaseURL(base+"/"), option.WithHTTPClient(s.Client()))
		resp, err := c.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
			Model:    groqModel,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of France?")},
		})
		require.NoError(t, err)
		return resp.Choices[0].Message.Content
	}
	gateway, requests := localGateway(t)
	t.Run("record", func(t *testing.T) {
		s := replay.New(t, replay.WithMode(replay.ModeRecord), replay.WithPath(path),
			replay.WithUpstream(groqBaseURL, gateway))
		require.Contains(t, ask(s, gateway), "Paris")
		require.Equal(t, 1, requests())
	})
	requireProductionURLs(t, path)
	t.Run("replay", func(t *testing.T) {
		moved := "http://127.0.0.1:9/groq" // another run, another port, and nothing listening
		s := replay.New(t, replay.WithMode(replay.ModeReplay), replay.WithPath(path),
			replay.WithUpstream(groqBaseURL, moved))
		require.Contains(t, ask(s, moved), "Paris")
		require.Equal(t, 1, requests(), "replay never reaches a server")
	})
}
