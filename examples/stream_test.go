package examples

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/llmvcr/llmvcr/assert"
	"github.com/llmvcr/llmvcr/fakes"
	"github.com/llmvcr/llmvcr/groq"
	"github.com/llmvcr/llmvcr/llm"
)

// TestStreamedAnswerAsEvents streams reasoning then text and asserts the
// part events twice: once exactly, every delta as the model split its
// tokens, and once with each part's deltas merged (assert.Coalesce), the
// form to use when the split does not matter to the test. testify's
// require does the plain checks; llmvcr's assert compares the LLM values.
func TestStreamedAnswerAsEvents(t *testing.T) {
	g := fakes.NewGroq(t)
	g.Stream(fakes.NewChunks(fakes.Model("openai/gpt-oss-120b")).Reasoning("The user", " wants a city.").Text("Paris", " is", " the", " capital.").Chunks()...)
	model, err := groq.NewModel("openai/gpt-oss-120b", groq.WithBaseURL(g.URL), groq.WithHTTPClient(g.Client()))
	require.NoError(t, err)
	stream, err := model.RequestStream(context.Background(), []llm.Message{llm.NewRequest(llm.User("Capital of France?"))}, nil, nil)
	require.NoError(t, err)
	defer stream.Close()
	events, err := assert.Collect(stream.Events())
	require.NoError(t, err)

	// Exactly: each chunk is a delta event, and a part's end event holds
	// the whole part.
	assert.Events(t, []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user"}},
		llm.PartDeltaEvent{Index: 0, Delta: llm.ThinkingPartDelta{ContentDelta: " wants a city."}},
		llm.PartEndEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user wants a city."}, NextPartKind: "text"},
		llm.PartStartEvent{Index: 1, Part: &llm.TextPart{Content: "Paris"}, PreviousPartKind: "thinking"},
		llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: " is"}},
		llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: " the"}},
		llm.PartDeltaEvent{Index: 1, Delta: llm.TextPartDelta{ContentDelta: " capital."}},
		llm.PartEndEvent{Index: 1, Part: &llm.TextPart{Content: "Paris is the capital."}},
	}, events)

	// Merged: the same stream, whatever the split.
	assert.Events(t, []llm.Event{
		llm.PartStartEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user wants a city."}},
		llm.PartEndEvent{Index: 0, Part: &llm.ThinkingPart{Content: "The user wants a city."}, NextPartKind: "text"},
		llm.PartStartEvent{Index: 1, Part: &llm.TextPart{Content: "Paris is the capital."}, PreviousPartKind: "thinking"},
		llm.PartEndEvent{Index: 1, Part: &llm.TextPart{Content: "Paris is the capital."}},
	}, events, assert.Coalesce())

	resp := stream.Response()
	require.Regexp(t, `^chatcmpl-`, resp.ProviderResponseID)
	assert.Response(t, &llm.Response{
		Parts:           []llm.ResponsePart{&llm.ThinkingPart{Content: "The user wants a city."}, &llm.TextPart{Content: "Paris is the capital."}},
		ModelName:       "openai/gpt-oss-120b",
		ProviderName:    "groq",
		ProviderURL:     g.URL,
		FinishReason:    llm.FinishStop,
		RawFinishReason: "stop",
	}, resp, assert.IgnoreFields("ProviderResponseID", "Usage", "ProviderDetails", "ProviderTimestamp"))
}
