package examples

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/fakes/fakeclock"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// TestRetryAfterRateLimit scripts a 429 asking for 2 seconds, then a
// success, and checks the model waited exactly that long on its clock (so
// the test does not sleep) and that the caller saw only the answer.
func TestRetryAfterRateLimit(t *testing.T) {
	clock := fakeclock.NewInstant(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	g := fakes.NewGroq(t)
	g.Error(fakes.RateLimitError(2 * time.Second))
	g.Reply(fakes.TextCompletion("Paris."))
	model, err := groq.NewModel("llama-3.3-70b-versatile",
		groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()), groq.WithClock(clock))
	require.NoError(t, err)

	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, "Paris.", resp.Text())
	assert.Len(t, g.Requests(), 2, "the 429, then the retry")
	assert.Equal(t, []time.Duration{2 * time.Second}, clock.Slept(), "the wait retry-after asked")
	// The rate-limit headers of the last response are kept for the caller.
	assert.NotZero(t, model.RateLimits().LimitRequests, "rate limits not recorded")
}
