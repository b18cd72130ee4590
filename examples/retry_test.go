package examples

import (
	"context"
	"testing"
	"time"

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
	g.ReplyText("Paris.")
	model, err := groq.NewModel("llama-3.3-70b-versatile",
		groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()), groq.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}

	resp, err := model.Request(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Text() != "Paris." {
		t.Errorf("text = %q", resp.Text())
	}
	if n := len(g.Requests()); n != 2 {
		t.Errorf("Groq saw %d requests, want 2 (the 429, then the retry)", n)
	}
	if slept := clock.Slept(); len(slept) != 1 || slept[0] != 2*time.Second {
		t.Errorf("waited %v, want [2s] as retry-after asked", slept)
	}
	// The rate-limit headers of the last response are kept for the caller.
	if rl := model.RateLimits(); rl.LimitRequests == 0 {
		t.Errorf("rate limits not recorded: %+v", rl)
	}
}
