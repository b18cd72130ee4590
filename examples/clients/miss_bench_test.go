package clients_test

import (
	"context"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/openai/openai-go/v3"
	goopenai "github.com/sashabaranov/go-openai"

	"github.com/llmvcr/llmvcr/replay"
)

// BenchmarkMiss measures what a drifted request costs each client with its
// default settings: ns/op is the wall time of one call that matches no
// recording (retries and their backoff included), reports/op how many
// times the session reported the miss. Run it with:
//
//	cd examples/clients && go test -run '^$' -bench Miss -benchtime 5x .
func BenchmarkMiss(b *testing.B) {
	ctx := context.Background()
	clients := []struct {
		name     string
		cassette string
		call     func(*replay.Session) error
	}{
		{"go-openai", "TestGoOpenAIChat.yaml", func(s *replay.Session) error {
			_, err := goOpenAI(s).CreateChatCompletion(ctx, goopenai.ChatCompletionRequest{
				Model:    groqModel,
				Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "What is the capital of Germany?"}},
			})
			return err
		}},
		{"openai-go", "TestOpenAIGoChat.yaml", func(s *replay.Session) error {
			_, err := openAIGo(s).Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
				Model:    groqModel,
				Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is the capital of Germany?")},
			})
			return err
		}},
		{"anthropic-sdk-go", "TestAnthropicChat.yaml", func(s *replay.Session) error {
			_, err := anthropicClient(s).Messages.New(ctx, anthropic.MessageNewParams{
				Model:     anthropicModel,
				MaxTokens: 256,
				Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is the capital of Germany?"))},
			})
			return err
		}},
	}
	for _, c := range clients {
		b.Run(c.name, func(b *testing.B) {
			reports := 0
			for range b.N {
				b.StopTimer() // a session per call: a miss is reported once per session and request
				m := newMissReports(b)
				s := replay.New(m, replay.WithMode(replay.ModeReplay), replay.WithPath("testdata/cassettes/"+c.cassette), replay.AllowUnused())
				b.StartTimer()
				if err := c.call(s); err == nil {
					b.Fatal("a drifted request got an answer")
				}
				b.StopTimer()
				m.runCleanups()
				reports += len(m.all())
			}
			b.ReportMetric(float64(reports)/float64(b.N), "reports/op")
		})
	}
}
