package llm

import "context"

// Model is a language model that answers conversations.
//
// settings may be nil, *Settings, or a provider's settings type that embeds
// Settings; params may be nil for an ordinary chat without tools.
type Model interface {
	// Name returns the model's name, e.g. "llama-3.3-70b-versatile".
	Name() string
	// System returns the provider's name, e.g. "groq".
	System() string
	// Request sends the conversation and returns the whole response.
	Request(ctx context.Context, messages []Message, settings ModelSettings, params *RequestParams) (*Response, error)
	// RequestStream sends the conversation and returns the response as it
	// arrives. The caller must Close it.
	RequestStream(ctx context.Context, messages []Message, settings ModelSettings, params *RequestParams) (StreamedResponse, error)
}
