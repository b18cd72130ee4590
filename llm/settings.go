package llm

import (
	"encoding/json"
	"time"
)

// ModelSettings is what Model.Request accepts as settings: *Settings, or a
// provider's own settings type that embeds Settings (such as
// *groq.Settings) and so gains this method by promotion.
type ModelSettings interface {
	// CommonSettings returns the provider-neutral settings; nil for none.
	CommonSettings() *Settings
}

// Settings are the provider-neutral settings of one request. Pointer fields
// are unset when nil, so that a zero value that matters (temperature 0,
// seed 0) can still be sent.
type Settings struct {
	MaxTokens         *int              // upper bound on generated tokens
	Temperature       *float64          // sampling temperature; 0 is sent as 0
	TopP              *float64          // nucleus sampling
	TopK              *int              // top-k sampling (not every provider sends it)
	Seed              *int64            // best-effort determinism
	PresencePenalty   *float64          // penalise tokens already present
	FrequencyPenalty  *float64          // penalise frequent tokens
	LogitBias         map[string]int    // token id -> bias
	StopSequences     []string          // sent as "stop"
	ParallelToolCalls *bool             // sent only when tools are offered
	Timeout           time.Duration     // client-side timeout of a request (for a Groq stream, between events); 0 for the model's own
	ExtraHeaders      map[string]string // copied onto the HTTP request; the caller's map is never mutated
	ExtraBody         map[string]any    // merged into the JSON body, overriding mapped fields
	Thinking          Thinking          // unified reasoning switch; "" leaves the provider's default
	ToolChoice        *ToolChoice       // which tools the model may or must call; nil for the default
}

// CommonSettings returns s itself.
func (s *Settings) CommonSettings() *Settings { return s }

// Ptr returns a pointer to v: llm.Ptr(0.0) for a temperature of zero.
func Ptr[T any](v T) *T { return &v }

// Thinking is the unified reasoning setting, as in pydantic-ai: off, on, or
// an effort level. Providers translate it to their own fields.
type Thinking string

// The unified reasoning settings.
const (
	ThinkingOff     Thinking = "off"     // pydantic-ai's thinking=False
	ThinkingOn      Thinking = "on"      // pydantic-ai's thinking=True
	ThinkingMinimal Thinking = "minimal" // effort levels
	ThinkingLow     Thinking = "low"
	ThinkingMedium  Thinking = "medium"
	ThinkingHigh    Thinking = "high"
	ThinkingXHigh   Thinking = "xhigh"
)

// ToolChoiceMode says how the model may use tools.
type ToolChoiceMode string

// The tool choice modes.
const (
	// ToolChoiceAuto lets the model choose; it becomes "required" when text
	// output is not allowed (pydantic-ai's classic rule).
	ToolChoiceAuto ToolChoiceMode = "auto"
	// ToolChoiceNone forbids function tools; output tools stay available
	// when the output must be a tool call.
	ToolChoiceNone ToolChoiceMode = "none"
	// ToolChoiceRequired makes the model call at least one function tool.
	ToolChoiceRequired ToolChoiceMode = "required"
	// ToolChoiceTools makes the model call one of the tools in Names.
	ToolChoiceTools ToolChoiceMode = "tools"
	// ToolChoiceToolsOrOutput offers the tools in Names plus every output
	// tool (pydantic-ai's ToolOrOutput).
	ToolChoiceToolsOrOutput ToolChoiceMode = "tools_or_output"
)

// ToolChoice is the tool_choice setting.
type ToolChoice struct {
	Mode  ToolChoiceMode // how tools may be used
	Names []string       // the tools, for ToolChoiceTools and ToolChoiceToolsOrOutput
}

// ToolKind says whether a tool is a function the caller runs or the way
// the model returns structured output.
type ToolKind string

// The tool kinds.
const (
	ToolKindFunction ToolKind = "function"
	ToolKindOutput   ToolKind = "output"
)

// ToolDefinition describes a tool offered to the model.
type ToolDefinition struct {
	Name        string          // the function name
	Description string          // sent as "" when empty
	Parameters  json.RawMessage // JSON Schema of the arguments; nil means an empty object schema
	Strict      *bool           // strict schema adherence, where the provider supports it
	Kind        ToolKind        // "" means ToolKindFunction
	Withheld    bool            // known to the caller but kept off the wire (deferred loading)
}

// OutputMode is how structured output is requested.
type OutputMode string

// The output modes.
const (
	OutputText     OutputMode = "text"     // plain text (the default)
	OutputTool     OutputMode = "tool"     // the model calls an output tool
	OutputNative   OutputMode = "native"   // the provider's JSON-schema response format
	OutputPrompted OutputMode = "prompted" // the schema in the prompt, JSON mode on the wire
)

// OutputObject is the schema of native or prompted structured output.
type OutputObject struct {
	Name        string          // "" means "final_result"
	Description string          // optional
	JSONSchema  json.RawMessage // the schema
	Strict      *bool           // strict schema adherence
}

// NativeTool is a tool the provider runs itself: *WebSearchTool, or
// *CodeExecutionTool (which Groq's model rejects).
type NativeTool interface {
	// NativeToolKind names the tool, e.g. "web_search".
	NativeToolKind() string
}

// WebSearchTool lets the provider search the web.
type WebSearchTool struct {
	AllowedDomains []string // only these domains
	BlockedDomains []string // never these domains
}

// NativeToolKind returns "web_search".
func (*WebSearchTool) NativeToolKind() string { return "web_search" }

// CodeExecutionTool lets the provider run code.
type CodeExecutionTool struct{}

// NativeToolKind returns "code_execution".
func (*CodeExecutionTool) NativeToolKind() string { return "code_execution" }

// RequestParams are the per-request facts beyond settings: which tools are
// offered and what output is expected.
type RequestParams struct {
	FunctionTools []ToolDefinition // tools the caller runs
	OutputTools   []ToolDefinition // tools whose call is the final output
	NativeTools   []NativeTool     // tools the provider runs
	// DenyTextOutput forbids a plain-text answer: the model must call a tool.
	// It is pydantic-ai's allow_text_output=False, inverted so that the zero
	// value is an ordinary chat.
	DenyTextOutput bool
	OutputMode     OutputMode    // "" means OutputText
	OutputObject   *OutputObject // for OutputNative and OutputPrompted
}
