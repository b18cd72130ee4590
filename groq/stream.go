package groq

import (
	"context"

	"github.com/llmvcr/llmvcr/llm"
)

// RequestStream sends the conversation and returns the response as it
// arrives.
func (m *Model) RequestStream(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (llm.StreamedResponse, error) {
	return nil, &llm.UserError{Message: "groq: streaming is not implemented yet"}
}
