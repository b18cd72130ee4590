package clients_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/replay"
)

// TestOneClockRecordsAndReplaysAStream records a go-openai stream from
// the paced fake Groq server and replays it, both with the same
// replay.WithClock(instant fake clock) that the stream tests use: the
// recording keeps the fake's real pace (the fake clock, which nothing
// advances while recording, does not time it), and the replay delivers
// each chunk at that pace on the fake clock, in no time.
func TestOneClockRecordsAndReplaysAStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stream.yaml")
	stream := func(t *testing.T, mode replay.Mode) []time.Duration {
		clock := replayClock()
		opts := []replay.Option{replay.WithMode(mode), replay.WithPath(path), replay.TimingScaled(1), replay.WithClock(clock)}
		if mode == replay.ModeRecord {
			opts = append(opts, fromFakeGroq(t))
		}
		s := replay.New(t, opts...)
		start := clock.Now()
		st, err := goOpenAI(s).CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{
			Model:    groqModel,
			Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser, Content: "What is the capital of France?"}},
			Stream:   true,
		})
		require.NoError(t, err)
		defer st.Close()
		var arrived []time.Duration
		for {
			_, err := st.Recv()
			if errors.Is(err, io.EOF) {
				return arrived
			}
			require.NoError(t, err)
			arrived = append(arrived, clock.Now().Sub(start))
		}
	}
	t.Run("record", func(t *testing.T) { stream(t, replay.ModeRecord) })
	due := dueTimes(t, path, 0)
	distinct := map[time.Duration]bool{}
	for _, d := range due {
		distinct[d] = true
	}
	require.Greater(t, len(distinct), 2, "the recording kept the fake's pace, not an offset of 0 for every chunk: %v", due)
	t.Run("replay", func(t *testing.T) {
		requireGaps(t, due, stream(t, replay.ModeReplay))
	})
}
