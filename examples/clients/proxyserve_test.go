package clients_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/cassettes"
	"github.com/llmvcr/llmvcr/fakes"
)

// recordCommand builds llmvcr's record command (from this module's
// replace of llmvcr) into a temporary directory.
func recordCommand(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "record")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(gobin, "build", "-o", bin, "github.com/llmvcr/llmvcr/cmd/record").CombinedOutput()
	require.NoError(t, err, "building cmd/record: %s", out)
	return bin
}

// background is record proxy or record serve running as a process, as a
// Python or JS user runs it.
type background struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

func startRecord(t *testing.T, bin string, args ...string) *background {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err, "record %s printed no URL", strings.Join(args, " "))
	return &background{cmd: cmd, url: strings.TrimSpace(line), stderr: &stderr}
}

// interrupt stops the process with SIGINT, as Ctrl-C does, and returns
// its stderr.
func (b *background) interrupt(t *testing.T) string {
	t.Helper()
	require.NoError(t, b.cmd.Process.Signal(syscall.SIGINT))
	err := b.cmd.Wait()
	require.NoError(t, err, "record exited with an error:\n%s", b.stderr)
	return b.stderr.String()
}

// chatAndStream asks the same two questions go-openai users ask (a chat
// and a stream) at baseURL and returns the answers' text.
func chatAndStream(t *testing.T, baseURL, key string) (string, string) {
	t.Helper()
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = baseURL
	client := openai.NewClientWithConfig(cfg)
	msgs := []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of France?"}}
	resp, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Model: groqModel, Messages: msgs})
	require.NoError(t, err)
	require.Len(t, resp.Choices, 1)
	stream, err := client.CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{Model: groqModel, Messages: msgs, Stream: true})
	require.NoError(t, err)
	defer stream.Close()
	var text strings.Builder
	chunks := 0
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		chunks++
		if len(chunk.Choices) > 0 {
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	require.Greater(t, chunks, 3, "the stream arrives in several chunks")
	return resp.Choices[0].Message.Content, text.String()
}

// TestGoOpenAIThroughProxyAndServe records go-openai through record proxy
// (in front of llmvcr's fake Groq server, which requires the key) and
// replays it from record serve, each a process stopped with SIGINT: the
// same answers, streamed, the key nowhere in the cassette, and a drifted
// prompt answered by one 404 whose message carries the difference.
func TestGoOpenAIThroughProxyAndServe(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("stops the proxy with SIGINT, which Windows cannot send")
	}
	if testing.Short() {
		t.Skip("builds cmd/record and starts processes")
	}
	b := make([]byte, 16)
	rand.Read(b)
	key := "key-" + hex.EncodeToString(b) // built at runtime, in no provider's shape
	g := fakes.NewGroq(t, fakes.WithDefaultAnswers(), fakes.WithAPIKey(key))
	bin := recordCommand(t)
	cassette := filepath.Join(t.TempDir(), "goopenai.yaml")

	proxy := startRecord(t, bin, "proxy", "-upstream", g.URL+"/openai", "-o", cassette)
	liveChat, liveStream := chatAndStream(t, proxy.url+"/v1", key)
	require.Contains(t, liveChat, "Paris")
	require.Contains(t, liveStream, "Paris")
	log := proxy.interrupt(t)
	require.NotContains(t, log, key)
	data, err := os.ReadFile(cassette)
	require.NoError(t, err)
	require.False(t, strings.Contains(string(data), key), "the key reached the cassette")
	c, err := cassettes.Load(cassette)
	require.NoError(t, err)
	require.Len(t, c.Interactions, 2)

	serve := startRecord(t, bin, "serve", cassette)
	chat, stream := chatAndStream(t, serve.url+"/openai/v1", "") // no key needed to replay
	require.Equal(t, liveChat, chat)
	require.Equal(t, liveStream, stream)

	cfg := openai.DefaultConfig("")
	cfg.BaseURL = serve.url + "/openai/v1"
	_, err = openai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model:    groqModel,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of Spain?"}},
	})
	var apiErr *openai.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.HTTPStatusCode)
	require.Contains(t, apiErr.Message, "messages[0].content")
	log = serve.interrupt(t)
	require.Equal(t, 1, strings.Count(log, "MISS"), "one request, one report:\n%s", log)
	require.Contains(t, log, "0 of 2 recordings never replayed")
}
