package fakes

import (
	"github.com/llmvcr/llmvcr/internal/clock"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// What the package's own tests reach that users do not: unexported
// helpers under their former exported names, and the builder options and
// matchers the package no longer exports because a test sets the field on
// the built value, or writes the one-line matcher, itself.

type (
	RealClock   = clock.Real
	DecodeError = decodeError
	Matcher     = func(*Request) bool
)

const ModelsPath = modelsPath

var (
	DecodeChatRequest = decodeChatRequest
	DefaultModels     = defaultModels
	DefaultRateLimits = defaultRateLimits
	EstimateTokens    = estimateTokens
	Words             = splitWords
	ToolUseFailed     = toolUseFailed
	ErrorFrame        = errorFrame
	MalformedFrame    = malformedFrame
	WithSeed          = withAnswerSeed
	Created           = withCreated
	PromptTokens      = withPromptTokens
	RateLimitsHeader  = limitsHeader

	RequestTooLargeError = requestTooLargeError
	FinishReason         = withFinish
	ToolCallStream       = toolCallStream
	WithModels           = withModels
	WithRateLimits       = withRateLimits
)

// UsageXGroqOnly makes a stream carry its usage only in the last chunk's
// x_groq.usage, as Groq did in 2024 and 2025.
func UsageXGroqOnly() BuildOption { return withUsageShape(usageXGroqOnly) }

// UsageExtraChunk makes a stream carry its usage in an extra chunk after
// the last, as stream_options.include_usage asks.
func UsageExtraChunk() BuildOption { return withUsageShape(usageExtraChunk) }

// AllRequests returns every request received so far (models list included).
func (g *Groq) AllRequests() []*Request { return g.allRequests() }

// Used returns how many requests the answer served.
func (a *Answer) Used() int {
	a.lock()
	defer a.unlock()
	return a.used
}

// Bytes returns the frame as written.
func (f Frame) Bytes() []byte { return f.data }

// Err returns why the frame could not be built, or nil.
func (f Frame) Err() error { return f.err }

// ExecutedTool adds a delta carrying a tool Groq ran itself (compound
// models).
func (b *ChunkBuilder) ExecutedTool(t groqwire.ExecutedTool) *ChunkBuilder {
	b.items = append(b.items, chunkItem{delta: groqwire.ChunkDelta{ExecutedTools: []groqwire.ExecutedTool{t}}})
	return b
}

// Delta adds a raw delta.
func (b *ChunkBuilder) Delta(d groqwire.ChunkDelta) *ChunkBuilder {
	b.items = append(b.items, chunkItem{delta: d})
	return b
}

// The builder options a test uses to pin what the builders derive.

func ID(id string) BuildOption                { return func(c *buildConfig) { c.id = id } }
func RequestID(id string) BuildOption         { return func(c *buildConfig) { c.requestID = id } }
func Fingerprint(fp string) BuildOption       { return func(c *buildConfig) { c.fingerprint = fp } }
func Seed(seed int64) BuildOption             { return func(c *buildConfig) { c.seed = &seed } }
func ServiceTier(tier string) BuildOption     { return func(c *buildConfig) { c.serviceTier = tier } }
func UsageBlock(u groqwire.Usage) BuildOption { return func(c *buildConfig) { c.usage = &u } }
func NoUsage() BuildOption                    { return func(c *buildConfig) { c.noUsage = true } }
func Reasoning(text string) BuildOption       { return func(c *buildConfig) { c.reasoning = text } }
func ReasoningStream(reasoning, text string, opts ...BuildOption) []*groqwire.ChatCompletionChunk {
	return NewChunks(opts...).Reasoning(splitWords(reasoning)...).Text(splitWords(text)...).Chunks()
}

// The matchers a test writes itself.

func ModelIs(name string) Matcher {
	return func(r *Request) bool { return r.Chat != nil && r.Chat.Model == name }
}
func Streaming() Matcher { return func(r *Request) bool { return r.Chat != nil && r.Chat.Stream } }
func HasTools() Matcher {
	return func(r *Request) bool { return r.Chat != nil && len(r.Chat.Tools) > 0 }
}
func AfterToolResults() Matcher {
	return func(r *Request) bool {
		return r.Chat != nil && len(r.Chat.Messages) > 0 && r.Chat.Messages[len(r.Chat.Messages)-1].Role == "tool"
	}
}

// DataErrorFrame returns an error as a plain data event, without the
// "event: error" line (another shape seen from Groq).
func DataErrorFrame(e groqwire.ErrorObject) Frame {
	return jsonFrame("", groqwire.ErrorResponse{Error: e})
}
