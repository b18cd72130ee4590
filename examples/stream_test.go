package examples

import (
	"context"
	"testing"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// TestStreamedAnswerAsEvents streams reasoning then text and asserts the
// part events, once exactly and once with each part's deltas merged, so
// the test does not depend on how the model split its tokens.
func TestStreamedAnswerAsEvents(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.NewChunks(fakes.Model("openai/gpt-oss-120b")).Reasoning("The user", " wants a city.").Text("Paris", " is", " the", " capital.").Chunks()...)
	model, err := groq.NewModel("openai/gpt-oss-120b", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	events, err := assert.Collect(stream.Events())
	if err != nil {
		t.Fatal(err)
	}

	assert.Events(t, []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user wants a city."}},
		llm.PartEndEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user wants a city."}, NextPartKind: "text"},
		llm.PartStartEvent{Index: 1, Part: &llm.TextPart{Content: "Paris is the capital."}, PreviousPartKind: "thinking"},
		llm.PartEndEvent{Index: 1, Part: &llm.TextPart{Content: "Paris is the capital."}},
	}, events, assert.Coalesce())

	assert.Response(t, &llm.Response{
		Parts:           []llm.ResponsePart{&llm.ThinkingPart{Content: "The user wants a city."}, &llm.TextPart{Content: "Paris is the capital."}},
		ModelName:       "openai/gpt-oss-120b",
		ProviderName:    "groq",
		ProviderURL:     g.URL,
		FinishReason:    llm.FinishStop,
		RawFinishReason: "stop",
	}, stream.Response(), assert.IgnoreFields("Usage", "ProviderDetails", "ProviderTimestamp"), assert.At("ProviderResponseID", assert.Matches(`^chatcmpl-`)))
}
