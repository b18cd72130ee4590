package llm

import (
	"strings"
	"time"
)

// Message is one turn of a conversation: a *Request (what is sent to the
// model) or a *Response (what the model answered).
type Message interface {
	// messageKind returns "request" or "response".
	messageKind() string
	isMessage()
}

// Request is a message sent to the model: system prompts, user prompts, tool
// returns and retry prompts, plus optional instructions.
type Request struct {
	Parts        []RequestPart // in order
	Instructions string        // sent as a system message after the leading system prompts; "" for none
	Timestamp    time.Time     // when the request was built; informational
}

// messageKind returns "request".
func (*Request) messageKind() string { return "request" }
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

// messageKind returns "response".
func (*Response) messageKind() string { return "response" }
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

// Part kinds, as returned by Kind; the same strings pydantic-ai uses.
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
	// partKind names the kind of part, e.g. "user-prompt".
	partKind() string
	isRequestPart()
}

// SystemPromptPart is a system prompt.
type SystemPromptPart struct {
	Content string // the prompt text
}

// partKind returns "system-prompt".
func (*SystemPromptPart) partKind() string { return kindSystemPrompt }
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

// partKind returns "user-prompt".
func (*UserPromptPart) partKind() string { return kindUserPrompt }
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

// partKind returns "tool-return".
func (*ToolReturnPart) partKind() string { return kindToolReturn }
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

// partKind returns "retry-prompt".
func (*RetryPromptPart) partKind() string { return kindRetryPrompt }
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
	// contentKind names the kind of content, e.g. "image-url".
	contentKind() string
}

// Text is plain text inside a user prompt.
type Text string

// contentKind returns "text".
func (Text) contentKind() string { return "text" }

// ImageURL is an image the model fetches from a URL.
type ImageURL struct {
	URL    string // http(s) URL or data: URI
	Detail string // "auto", "low" or "high"; "" to send none
}

// contentKind returns "image-url".
func (*ImageURL) contentKind() string { return "image-url" }

// BinaryContent is inline media: an image, audio, a document.
type BinaryContent struct {
	Data       []byte // the raw bytes
	MediaType  string // e.g. "image/png"
	Detail     string // for images: "auto", "low" or "high"; "" to send none
	Identifier string // how tool returns refer to it; derived from the data if empty
}

// contentKind returns "binary".
func (*BinaryContent) contentKind() string { return "binary" }

// DocumentURL is a document (PDF, text) at a URL.
type DocumentURL struct{ URL string }

// contentKind returns "document-url".
func (*DocumentURL) contentKind() string { return "document-url" }

// AudioURL is audio at a URL.
type AudioURL struct{ URL string }

// contentKind returns "audio-url".
func (*AudioURL) contentKind() string { return "audio-url" }

// VideoURL is a video at a URL.
type VideoURL struct{ URL string }

// contentKind returns "video-url".
func (*VideoURL) contentKind() string { return "video-url" }

// UploadedFile is a file already uploaded to the provider.
type UploadedFile struct {
	FileID    string // the provider's id for the file
	MediaType string // e.g. "application/pdf"
}

// contentKind returns "uploaded-file".
func (*UploadedFile) contentKind() string { return "uploaded-file" }

// ResponsePart is one part of a Response: *TextPart, *ToolCallPart,
// *ThinkingPart, *BuiltinToolCallPart or *BuiltinToolReturnPart.
type ResponsePart interface {
	// partKind names the kind of part, e.g. "tool-call".
	partKind() string
	isResponsePart()
}

// TextPart is text the model wrote.
type TextPart struct {
	Content string // the text
}

// partKind returns "text".
func (*TextPart) partKind() string { return kindText }
func (*TextPart) isResponsePart()  {}

// ToolCallPart is a call the model asks the caller to make.
type ToolCallPart struct {
	ToolName   string // the function to call
	Args       string // the arguments as the raw JSON string the model sent; "" means {}
	ToolCallID string // the provider's id for the call; generated when sent back if empty
}

// partKind returns "tool-call".
func (*ToolCallPart) partKind() string { return kindToolCall }
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

// partKind returns "thinking".
func (*ThinkingPart) partKind() string { return kindThinking }
func (*ThinkingPart) isResponsePart()  {}

// BuiltinToolCallPart is a call the provider made itself (e.g. Groq's web
// search on compound models).
type BuiltinToolCallPart struct {
	ToolName     string // e.g. "web_search"
	Args         string // raw JSON arguments
	ToolCallID   string // pairs the call with its BuiltinToolReturnPart
	ProviderName string // e.g. "groq"
}

// partKind returns "builtin-tool-call".
func (*BuiltinToolCallPart) partKind() string { return kindBuiltinToolCall }
func (*BuiltinToolCallPart) isResponsePart()  {}

// BuiltinToolReturnPart is the result of a BuiltinToolCallPart.
type BuiltinToolReturnPart struct {
	ToolName     string // e.g. "web_search"
	Content      any    // decoded JSON (maps, slices, strings, float64) or a string
	ToolCallID   string // the call it answers
	ProviderName string // e.g. "groq"
}

// partKind returns "builtin-tool-return".
func (*BuiltinToolReturnPart) partKind() string { return kindBuiltinToolReturn }
func (*BuiltinToolReturnPart) isResponsePart()  {}
