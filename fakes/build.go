package fakes

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/llmvcr/llmvcr/internal/fakeid"
	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// DefaultModel is the model builders name when no Model option is given.
const DefaultModel = "llama-3.3-70b-versatile"

// defaultCreated is the "created" time builders use when none is set (2026-02-18, when the recordings the shapes come from were made),
// so that built values are the same on every run.
const defaultCreated int64 = 1771434740

// nullJSON is JSON null, written where Groq writes an explicit null.
var nullJSON = json.RawMessage("null")

// BuildOption changes what a builder produces: the model, usage, finish
// reason.
type BuildOption func(*buildConfig)

type buildConfig struct {
	model       string
	id          string // chatcmpl-...
	requestID   string // req_...
	fingerprint string // fp_...
	created     int64
	seed        *int64
	serviceTier string
	finish      string
	usage       *groqwire.Usage
	noUsage     bool
	usageShape  usageShape // where a stream carries its usage
	prompt      int        // prompt tokens when usage is estimated
	reasoning   string     // non-streamed completions only
	idSeed      string     // extra entropy for ids (the server passes the request)
}

func newBuildConfig(content string, opts []BuildOption) (*buildConfig, fakeid.IDs) {
	c := &buildConfig{model: DefaultModel, created: defaultCreated}
	for _, o := range opts {
		o(c)
	}
	g := fakeid.New(c.model, content, c.idSeed, fmt.Sprint(c.created))
	if c.id == "" {
		c.id = g.CompletionID()
	}
	if c.requestID == "" {
		c.requestID = g.RequestID()
	}
	if c.fingerprint == "" {
		c.fingerprint = g.Fingerprint()
	}
	if c.seed == nil {
		s := g.Seed()
		c.seed = &s
	}
	return c, g
}

// Model sets the model the response names.
func Model(name string) BuildOption { return func(c *buildConfig) { c.model = name } }

// withCreated sets the "created" Unix time.
func withCreated(unix int64) BuildOption { return func(c *buildConfig) { c.created = unix } }

// withFinish sets the finish reason (default "stop", or "tool_calls" when
// the response calls tools).
func withFinish(reason string) BuildOption { return func(c *buildConfig) { c.finish = reason } }

// Usage sets the token counts; timings are derived from them. Without it,
// completion tokens are estimated from the words produced (about 1.3 per
// word) and prompt tokens default to 48.
func Usage(promptTokens, completionTokens int) BuildOption {
	return func(c *buildConfig) {
		c.usage = &groqwire.Usage{PromptTokens: promptTokens, CompletionTokens: completionTokens}
	}
}

// usageShape says where a stream carries its usage; Groq has used three.
type usageShape int

// The usage shapes of a stream.
const (
	// usageBoth puts usage in the last chunk's x_groq.usage and, the same,
	// at its top level (Groq in 2026; the default).
	usageBoth usageShape = iota
	// usageXGroqOnly puts usage only in the last chunk's x_groq.usage
	// (Groq in 2024 and 2025).
	usageXGroqOnly
	// usageExtraChunk adds, after the last chunk, a chunk with empty
	// choices and top-level usage, as stream_options.include_usage asks.
	usageExtraChunk
)

// withUsageShape sets where a stream carries its usage (default
// usageBoth).
func withUsageShape(u usageShape) BuildOption { return func(c *buildConfig) { c.usageShape = u } }

// withPromptTokens sets the prompt tokens of an estimated usage.
func withPromptTokens(n int) BuildOption { return func(c *buildConfig) { c.prompt = n } }

// idSeed mixes s into the derived ids (the server uses the request body, so
// that different requests get different ids).
func idSeed(s string) BuildOption { return func(c *buildConfig) { c.idSeed = s } }

// Call is one function call a builder puts in a response.
type Call struct {
	ID   string // the call id; derived in the model's style when empty
	Name string // the function name
	Args string // the arguments, a JSON object as text; "" means "{}"
}

// estimateTokens returns a plausible token count for text: about 1.3 tokens
// per word, at least 1 for any non-blank text.
func estimateTokens(text string) int {
	n := len(strings.Fields(text))
	if n == 0 {
		if strings.TrimSpace(text) == "" {
			return 0
		}
		n = 1
	}
	return int(math.Ceil(float64(n) * 1.3))
}

// usageBlock returns the usage for a response with the given completion and
// reasoning text, with Groq's timings.
func (c *buildConfig) usageBlock(g fakeid.IDs, completionText, reasoningText string) *groqwire.Usage {
	if c.noUsage {
		return nil
	}
	reasoning := estimateTokens(reasoningText)
	var u groqwire.Usage
	if c.usage != nil {
		u = *c.usage
		if u.TotalTokens == 0 {
			u.TotalTokens = u.PromptTokens + u.CompletionTokens
		}
		if u.TotalTime != 0 {
			return &u
		}
	} else {
		prompt := c.prompt
		if prompt == 0 {
			prompt = 48
		}
		u.PromptTokens = prompt
		u.CompletionTokens = max(estimateTokens(completionText)+reasoning, 1)
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
	}
	if reasoning > 0 && u.CompletionTokensDetails == nil {
		u.CompletionTokensDetails = &groqwire.CompletionTokensDetails{ReasoningTokens: min(reasoning, u.CompletionTokens)}
	}
	speed := 280.0 // tokens per second, llama-3.3-70b
	if strings.Contains(c.model, "gpt-oss") || strings.Contains(c.model, "8b") {
		speed = 470
	}
	u.QueueTime = round9(0.002 + float64(g.Number("queue", 80000))/1e7)
	u.PromptTime = round9(float64(u.PromptTokens) * 0.0000485)
	u.CompletionTime = round9(float64(u.CompletionTokens) / speed)
	u.TotalTime = round9(u.PromptTime + u.CompletionTime)
	return &u
}

func round9(x float64) float64 { return math.Round(x*1e9) / 1e9 }

func (c *buildConfig) finishReason(hasCalls bool) string {
	switch {
	case c.finish != "":
		return c.finish
	case hasCalls:
		return "tool_calls"
	default:
		return "stop"
	}
}

func callsContent(calls []Call) string {
	var b strings.Builder
	for _, c := range calls {
		b.WriteString(c.Name)
		b.WriteString(" ")
		b.WriteString(c.Args)
		b.WriteString("\n")
	}
	return b.String()
}

func wireCalls(model string, g fakeid.IDs, calls []Call, withIndex bool) []groqwire.ToolCall {
	out := make([]groqwire.ToolCall, len(calls))
	for i, c := range calls {
		id := c.ID
		if id == "" {
			id = g.ToolCallID(model, i)
		}
		args := c.Args
		if args == "" {
			args = "{}"
		}
		out[i] = groqwire.ToolCall{ID: id, Type: "function", Function: groqwire.FunctionCall{Name: c.Name, Arguments: args}}
		if withIndex {
			out[i].Index = ptr(i)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// buildCompletion returns a non-streamed completion carrying msg, shaped like
// Groq's: chatcmpl id, system_fingerprint, service_tier, usage with timings,
// usage_breakdown null and x_groq {id, seed}.
func buildCompletion(msg groqwire.ChatCompletionMessage, opts ...BuildOption) *groqwire.ChatCompletion {
	text := ""
	if msg.Content != nil {
		text = *msg.Content
	}
	reasoning := ""
	if msg.Reasoning != nil {
		reasoning = *msg.Reasoning
	}
	calls := make([]Call, len(msg.ToolCalls))
	for i, tc := range msg.ToolCalls {
		calls[i] = Call{ID: tc.ID, Name: tc.Function.Name, Args: tc.Function.Arguments}
	}
	c, g := newBuildConfig(text+"\x00"+reasoning+"\x00"+callsContent(calls), opts)
	if c.reasoning != "" && msg.Reasoning == nil {
		msg.Reasoning = ptr(c.reasoning)
		reasoning = c.reasoning
	}
	if msg.Role == "" {
		msg.Role = "assistant"
	}
	tier := c.serviceTier
	if tier == "" {
		tier = "on_demand"
	}
	return &groqwire.ChatCompletion{
		ID:                c.id,
		Object:            "chat.completion",
		Created:           c.created,
		Model:             c.model,
		SystemFingerprint: c.fingerprint,
		ServiceTier:       tier,
		Choices: []groqwire.Choice{{
			Index:        0,
			Message:      msg,
			FinishReason: c.finishReason(len(msg.ToolCalls) > 0),
			Logprobs:     nullJSON,
		}},
		Usage:          c.usageBlock(g, text+" "+callsContent(calls), reasoning),
		UsageBreakdown: nullJSON,
		XGroq:          &groqwire.XGroq{ID: c.requestID, Seed: c.seed},
	}
}

// TextCompletion returns a completion whose answer is text.
func TextCompletion(text string, opts ...BuildOption) *groqwire.ChatCompletion {
	return buildCompletion(groqwire.ChatCompletionMessage{Role: "assistant", Content: &text}, opts...)
}

// ToolCallCompletion returns a completion that calls the given functions,
// with finish_reason "tool_calls". Call ids left empty are derived in the
// model's style ("fc_<uuid>" for gpt-oss, nine characters otherwise).
func ToolCallCompletion(calls []Call, opts ...BuildOption) *groqwire.ChatCompletion {
	c, g := newBuildConfig(callsContent(calls), opts)
	msg := groqwire.ChatCompletionMessage{Role: "assistant", ToolCalls: wireCalls(c.model, g, calls, false)}
	return buildCompletion(msg, opts...)
}

// splitWords splits text into the pieces Groq streams: each word carries the
// space before it ("The", " capital", " of", " France."). Joined, the pieces
// give text back.
func splitWords(text string) []string {
	var out []string
	start := 0
	inSpace := true
	for i, r := range text {
		if unicode.IsSpace(r) {
			if !inSpace && i > start {
				out = append(out, text[start:i])
				start = i
			}
			inSpace = true
			continue
		}
		inSpace = false
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// ChunkBuilder builds the chunks of a stream in Groq's shape: a first chunk
// with delta {role:"assistant", content:""} and x_groq {id, seed}, the
// content deltas, and a last chunk with an empty delta, the finish reason,
// x_groq {id, usage} and the same usage at the top level.
type ChunkBuilder struct {
	opts      []BuildOption
	items     []chunkItem
	text      strings.Builder
	reasoning strings.Builder
	calls     []Call
	fragments [][]string // per call, the argument pieces
}

// chunkItem is one delta, or fragment frag of call call-1 when call > 0.
type chunkItem struct {
	delta groqwire.ChunkDelta
	call  int
	frag  int
}

// NewChunks starts a stream.
func NewChunks(opts ...BuildOption) *ChunkBuilder { return &ChunkBuilder{opts: opts} }

// Reasoning adds one reasoning delta per piece (delta.reasoning, with
// channel "analysis" on gpt-oss models).
func (b *ChunkBuilder) Reasoning(pieces ...string) *ChunkBuilder {
	for _, p := range pieces {
		b.items = append(b.items, chunkItem{delta: groqwire.ChunkDelta{Reasoning: ptr(p)}})
		b.reasoning.WriteString(p)
	}
	return b
}

// Text adds one content delta per piece.
func (b *ChunkBuilder) Text(pieces ...string) *ChunkBuilder {
	for _, p := range pieces {
		b.items = append(b.items, chunkItem{delta: groqwire.ChunkDelta{Content: ptr(p)}})
		b.text.WriteString(p)
	}
	return b
}

// ToolCall adds a call. With no pieces it is sent whole in one chunk, as
// Groq does; with pieces its arguments arrive in them, the first fragment
// carrying the id, type and name and the next ones only arguments.
func (b *ChunkBuilder) ToolCall(c Call, pieces ...string) *ChunkBuilder {
	if len(pieces) == 0 {
		args := c.Args
		if args == "" {
			args = "{}"
		}
		pieces = []string{args}
	}
	c.Args = strings.Join(pieces, "")
	b.calls = append(b.calls, c)
	b.fragments = append(b.fragments, pieces)
	for i := range pieces {
		b.items = append(b.items, chunkItem{call: len(b.calls), frag: i})
	}
	return b
}

// Chunks returns the stream's chunks, first and last included. The server
// adds "data: [DONE]" after them.
func (b *ChunkBuilder) Chunks() []*groqwire.ChatCompletionChunk {
	content := b.text.String() + "\x00" + b.reasoning.String() + "\x00" + callsContent(b.calls)
	c, g := newBuildConfig(content, b.opts)
	calls := wireCalls(c.model, g, b.calls, true)
	gptOSS := strings.Contains(c.model, "gpt-oss")
	chunk := c.chunk
	first := chunk(groqwire.ChunkDelta{Role: "assistant", Content: ptr("")}, nil)
	first.XGroq = &groqwire.XGroq{ID: c.requestID, Seed: c.seed}
	out := []*groqwire.ChatCompletionChunk{first}
	for _, it := range b.items {
		d := it.delta
		if it.call > 0 {
			i := it.call - 1
			frag := b.fragments[i][it.frag]
			if it.frag == 0 {
				tc := calls[i]
				tc.Function.Arguments = frag
				d.ToolCalls = []groqwire.ToolCall{tc}
			} else {
				d.ToolCalls = []groqwire.ToolCall{{Index: ptr(i), Function: groqwire.FunctionCall{Arguments: frag}}}
			}
		}
		if d.Reasoning != nil && gptOSS && d.Channel == "" {
			d.Channel = "analysis"
		}
		out = append(out, chunk(d, nil))
	}
	last := chunk(groqwire.ChunkDelta{}, ptr(c.finishReason(len(calls) > 0)))
	last.XGroq = &groqwire.XGroq{ID: c.requestID}
	out = append(out, last)
	if u := c.usageBlock(g, b.text.String()+" "+callsContent(b.calls), b.reasoning.String()); u != nil {
		last.XGroq.Usage = u
		top := *u
		switch c.usageShape {
		case usageBoth:
			last.Usage = &top
		case usageExtraChunk:
			extra := chunk(groqwire.ChunkDelta{}, nil)
			extra.Choices = []groqwire.ChunkChoice{}
			extra.Usage = &top
			out = append(out, extra)
		}
	}
	return out
}

// TextStream returns the chunks of a streamed answer, split word by word as Groq streams it.
func TextStream(text string, opts ...BuildOption) []*groqwire.ChatCompletionChunk {
	return NewChunks(opts...).Text(splitWords(text)...).Chunks()
}

// toolCallStream returns the chunks of a stream that calls the given
// functions, each call whole in one chunk.
func toolCallStream(calls []Call, opts ...BuildOption) []*groqwire.ChatCompletionChunk {
	b := NewChunks(opts...)
	for _, c := range calls {
		b.ToolCall(c)
	}
	return b.Chunks()
}

// XGroqErrorChunk returns a chunk whose x_groq.error says why Groq stopped
// the stream early (the canonical case is "over capacity").
func XGroqErrorChunk(message string, opts ...BuildOption) *groqwire.ChatCompletionChunk {
	c, _ := newBuildConfig("x_groq.error\x00"+message, opts)
	raw, _ := json.Marshal(message)
	chunk := c.chunk(groqwire.ChunkDelta{}, nil)
	chunk.XGroq = &groqwire.XGroq{ID: c.requestID, Error: raw}
	return chunk
}

// chunk returns a chunk of the stream c describes, carrying delta d and
// the finish reason (nil but in the last chunk).
func (c *buildConfig) chunk(d groqwire.ChunkDelta, finish *string) *groqwire.ChatCompletionChunk {
	return &groqwire.ChatCompletionChunk{
		ID:                c.id,
		Object:            "chat.completion.chunk",
		Created:           c.created,
		Model:             c.model,
		SystemFingerprint: c.fingerprint,
		Choices:           []groqwire.ChunkChoice{{Index: 0, Delta: d, FinishReason: finish, Logprobs: nullJSON}},
	}
}
