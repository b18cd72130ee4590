package llm

import (
	"strings"
	"time"
)

// Message is one turn of a conversation: a *Request (what is sent to the
// model) or a *Response (what the model answered).
type Message interface {
	// MessageKind returns "request" or "response".
	MessageKind() string
	isMessage()
}

// Request is a message sent to the model: system prompts, user prompts, tool
// returns and retry prompts, plus optional instructions.
type Request struct {
	Parts        []RequestPart // in order
	Instructions string        // sent as a system message after the leading system prompts; "" for none
	Timestamp    time.Time     // when the request was built; informational
}

// MessageKind returns "request".
func (*Request) MessageKind() string { return "request" }
func (*Request) isMessage()          {}

// Response is a message the model answered with.
type Response struct {
	Parts              []ResponsePart // in the order the provider produced them
	ModelName          string         // the model that answered, as the provider reports it
	Timestamp          time.Time      // local time the response was received
	ProviderTimestamp  time.Time      // the provider's creation time (Groq's "created"); zero if unknown
	ProviderName       string         // e.g. "groq"
	ProviderURL        string         // base URL of the provider
	ProviderResponseID string         // e.g. "chatcmpl-..."
	FinishReason       FinishReason   // normalised; "" when the provider's reason is unknown
	RawFinishReason    string         // the provider's own value, always kept
	Usage              Usage          // tokens and timings of this one request
	// ProviderDetails holds provider-specific facts that have no field here
	// (for Groq: rate limits, x_groq id, system fingerprint, service tier).
	ProviderDetails map[string]any
}

// MessageKind returns "response".
func (*Response) MessageKind() string { return "response" }
func (*Response) isMessage()          {}

// Text returns the content of every TextPart joined with no separator.
func (r *Response) Text() string {
	var b strings.Builder
	for _, p := range r.Parts {
		if t, ok := p.(*TextPart); ok {
			b.WriteString(t.Content)
		}
	}
	return b.String()
}

// ToolCalls returns the response's tool-call parts in order.
func (r *Response) ToolCalls() []*ToolCallPart {
	var out []*ToolCallPart
	for _, p := range r.Parts {
		if t, ok := p.(*ToolCallPart); ok {
			out = append(out, t)
		}
	}
	return out
}

// FinishReason is why the model stopped, normalised across providers.
type FinishReason string

// The normalised finish reasons.
const (
	FinishStop          FinishReason = "stop"
	FinishLength        FinishReason = "length"
	FinishContentFilter FinishReason = "content_filter"
	FinishToolCall      FinishReason = "tool_call"
	FinishError         FinishReason = "error"
)

// Part kinds, as returned by PartKind; the same strings pydantic-ai uses.
const (
	kindSystemPrompt      = "system-prompt"
	kindUserPrompt        = "user-prompt"
	kindToolReturn        = "tool-return"
	kindRetryPrompt       = "retry-prompt"
	kindText              = "text"
	kindToolCall          = "tool-call"
	kindThinking          = "thinking"
	kindBuiltinToolCall   = "builtin-tool-call"
	kindBuiltinToolReturn = "builtin-tool-return"
)

// RequestPart is one part of a Request: *SystemPromptPart, *UserPromptPart,
// *ToolReturnPart or *RetryPromptPart.
type RequestPart interface {
	// PartKind names the kind of part, e.g. "user-prompt".
	PartKind() string
	isRequestPart()
}

// SystemPromptPart is a system prompt.
type SystemPromptPart struct {
	Content string // the prompt text
}

// PartKind returns "system-prompt".
func (*SystemPromptPart) PartKind() string { return kindSystemPrompt }
func (*SystemPromptPart) isRequestPart()   {}

// UserPromptPart is what the user said: text, images and other media.
//
// A part whose Content is a single Text is sent as a plain string, unless
// List is set; any other content is sent as a list of typed items.
type UserPromptPart struct {
	Content []UserContent // Text, *ImageURL, *BinaryContent, *DocumentURL, *AudioURL, *VideoURL, *UploadedFile
	// List sends Content as a list even when it is a single text, as
	// pydantic-ai does for a prompt given as a list. UserParts sets it.
	List bool
}

// PartKind returns "user-prompt".
func (*UserPromptPart) PartKind() string { return kindUserPrompt }
func (*UserPromptPart) isRequestPart()   {}

// ToolReturnPart is the result of a tool call, sent back to the model.
type ToolReturnPart struct {
	ToolName   string // the tool that was called
	ToolCallID string // the id of the ToolCallPart it answers; generated if empty
	// Content is the tool's result. A string is sent as it is, nil as "",
	// a UserContent file (image, binary) as a reference plus a follow-up user
	// message carrying the file, and anything else as JSON.
	Content any
	Failed  bool // the tool failed: the content is wrapped as {"error": ...}
}

// PartKind returns "tool-return".
func (*ToolReturnPart) PartKind() string { return kindToolReturn }
func (*ToolReturnPart) isRequestPart()   {}

// RetryPromptPart asks the model to try again: after a tool raised a retry,
// after its arguments failed validation, or after plain text was not
// acceptable output.
type RetryPromptPart struct {
	Content    string            // plain feedback; used when Errors is empty
	Errors     []ValidationError // validation errors; take precedence over Content
	ToolName   string            // the tool being retried; "" when the retry concerns text output
	ToolCallID string            // the call being retried; generated if empty and ToolName is set
}

// PartKind returns "retry-prompt".
func (*RetryPromptPart) PartKind() string { return kindRetryPrompt }
func (*RetryPromptPart) isRequestPart()   {}

// ValidationError is one error of a failed validation, in pydantic's shape.
type ValidationError struct {
	Type  string // e.g. "missing", "extra_forbidden"
	Loc   []any  // the path of the invalid value: strings and ints
	Msg   string // e.g. "Field required"
	Input any    // the invalid input; omitted when HasInput is false
	// HasInput says whether Input is set; it lets a nil (JSON null) input be
	// told apart from no input at all.
	HasInput bool
}

// UserContent is one item of a UserPromptPart: Text, *ImageURL,
// *BinaryContent, *DocumentURL, *AudioURL, *VideoURL or *UploadedFile.
type UserContent interface {
	// ContentKind names the kind of content, e.g. "image-url".
	ContentKind() string
}

// Text is plain text inside a user prompt.
type Text string

// ContentKind returns "text".
func (Text) ContentKind() string { return "text" }

// ImageURL is an image the model fetches from a URL.
type ImageURL struct {
	URL    string // http(s) URL or data: URI
	Detail string // "auto", "low" or "high"; "" to send none
}

// ContentKind returns "image-url".
func (*ImageURL) ContentKind() string { return "image-url" }

// BinaryContent is inline media: an image, audio, a document.
type BinaryContent struct {
	Data       []byte // the raw bytes
	MediaType  string // e.g. "image/png"
	Detail     string // for images: "auto", "low" or "high"; "" to send none
	Identifier string // how tool returns refer to it; derived from the data if empty
}

// ContentKind returns "binary".
func (*BinaryContent) ContentKind() string { return "binary" }

// DocumentURL is a document (PDF, text) at a URL.
type DocumentURL struct{ URL string }

// ContentKind returns "document-url".
func (*DocumentURL) ContentKind() string { return "document-url" }

// AudioURL is audio at a URL.
type AudioURL struct{ URL string }

// ContentKind returns "audio-url".
func (*AudioURL) ContentKind() string { return "audio-url" }

// VideoURL is a video at a URL.
type VideoURL struct{ URL string }

// ContentKind returns "video-url".
func (*VideoURL) ContentKind() string { return "video-url" }

// UploadedFile is a file already uploaded to the provider.
type UploadedFile struct {
	FileID    string // the provider's id for the file
	MediaType string // e.g. "application/pdf"
}

// ContentKind returns "uploaded-file".
func (*UploadedFile) ContentKind() string { return "uploaded-file" }

// ResponsePart is one part of a Response: *TextPart, *ToolCallPart,
// *ThinkingPart, *BuiltinToolCallPart or *BuiltinToolReturnPart.
type ResponsePart interface {
	// PartKind names the kind of part, e.g. "tool-call".
	PartKind() string
	isResponsePart()
}

// TextPart is text the model wrote.
type TextPart struct {
	Content string // the text
}

// PartKind returns "text".
func (*TextPart) PartKind() string { return kindText }
func (*TextPart) isResponsePart()  {}

// ToolCallPart is a call the model asks the caller to make.
type ToolCallPart struct {
	ToolName   string // the function to call
	Args       string // the arguments as the raw JSON string the model sent; "" means {}
	ToolCallID string // the provider's id for the call; generated when sent back if empty
}

// PartKind returns "tool-call".
func (*ToolCallPart) PartKind() string { return kindToolCall }
func (*ToolCallPart) isResponsePart()  {}

// ArgsJSON returns the arguments as a JSON string: "{}" when Args is empty.
func (p *ToolCallPart) ArgsJSON() string {
	if strings.TrimSpace(p.Args) == "" {
		return "{}"
	}
	return p.Args
}

// ThinkingPart is the model's reasoning.
type ThinkingPart struct {
	Content   string // the reasoning text
	ID        string // provider id, if any
	Signature string // provider signature, if any
}

// PartKind returns "thinking".
func (*ThinkingPart) PartKind() string { return kindThinking }
func (*ThinkingPart) isResponsePart()  {}

// BuiltinToolCallPart is a call the provider made itself (e.g. Groq's web
// search on compound models).
type BuiltinToolCallPart struct {
	ToolName     string // e.g. "web_search"
	Args         string // raw JSON arguments
	ToolCallID   string // pairs the call with its BuiltinToolReturnPart
	ProviderName string // e.g. "groq"
}

// PartKind returns "builtin-tool-call".
func (*BuiltinToolCallPart) PartKind() string { return kindBuiltinToolCall }
func (*BuiltinToolCallPart) isResponsePart()  {}

// BuiltinToolReturnPart is the result of a BuiltinToolCallPart.
type BuiltinToolReturnPart struct {
	ToolName     string // e.g. "web_search"
	Content      any    // decoded JSON (maps, slices, strings, float64) or a string
	ToolCallID   string // the call it answers
	ProviderName string // e.g. "groq"
}

// PartKind returns "builtin-tool-return".
func (*BuiltinToolReturnPart) PartKind() string { return kindBuiltinToolReturn }
func (*BuiltinToolReturnPart) isResponsePart()  {}
