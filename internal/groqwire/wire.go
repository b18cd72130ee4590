package groqwire

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// This file holds Groq's wire types for the chat completions API, mirroring
// groq-python's types (CompletionCreateParams, ChatCompletion,
// ChatCompletionChunk, ErrorObject) plus the fields Groq sends that the SDK
// does not type. Response types keep every field they do not know in Extra,
// and write it back when marshalled, so nothing Groq sends is lost.

// ChatCompletionRequest is the body of POST /openai/v1/chat/completions.
// Pointer fields are omitted when nil, so zero values that matter
// (temperature 0, seed 0, parallel_tool_calls false) can be sent.
type ChatCompletionRequest struct {
	Model                 string            `json:"model"`
	Messages              []ChatMessage     `json:"messages"`
	N                     *int              `json:"n,omitempty"`
	Stream                bool              `json:"stream"`
	StreamOptions         *StreamOptions    `json:"stream_options,omitempty"`
	MaxTokens             *int              `json:"max_tokens,omitempty"`
	MaxCompletionTokens   *int              `json:"max_completion_tokens,omitempty"`
	Temperature           *float64          `json:"temperature,omitempty"`
	TopP                  *float64          `json:"top_p,omitempty"`
	Seed                  *int64            `json:"seed,omitempty"`
	Stop                  []string          `json:"stop,omitempty"`
	StopString            string            `json:"-"` // stop as one string, sent when Stop is empty
	PresencePenalty       *float64          `json:"presence_penalty,omitempty"`
	FrequencyPenalty      *float64          `json:"frequency_penalty,omitempty"`
	LogitBias             map[string]int    `json:"logit_bias,omitempty"`
	ParallelToolCalls     *bool             `json:"parallel_tool_calls,omitempty"`
	Tools                 []Tool            `json:"tools,omitempty"`
	ToolChoice            *ToolChoice       `json:"tool_choice,omitempty"`
	ResponseFormat        *ResponseFormat   `json:"response_format,omitempty"`
	ReasoningFormat       string            `json:"reasoning_format,omitempty"` // "hidden", "raw" or "parsed"
	ReasoningEffort       string            `json:"reasoning_effort,omitempty"` // "none", "default", "low", "medium", "high"
	IncludeReasoning      *bool             `json:"include_reasoning,omitempty"`
	ServiceTier           string            `json:"service_tier,omitempty"` // "auto", "on_demand", "flex", "performance"
	SearchSettings        *SearchSettings   `json:"search_settings,omitempty"`
	User                  string            `json:"user,omitempty"`
	DisableToolValidation *bool             `json:"disable_tool_validation,omitempty"`
	CitationOptions       string            `json:"citation_options,omitempty"` // "enabled" or "disabled"
	Documents             []Document        `json:"documents,omitempty"`
	CompoundCustom        *CompoundCustom   `json:"compound_custom,omitempty"`
	Logprobs              *bool             `json:"logprobs,omitempty"`
	TopLogprobs           *int              `json:"top_logprobs,omitempty"`
	Metadata              map[string]string `json:"metadata,omitempty"`
	Store                 *bool             `json:"store,omitempty"`
	IncludeDomains        []string          `json:"include_domains,omitempty"` // deprecated by Groq for SearchSettings
	ExcludeDomains        []string          `json:"exclude_domains,omitempty"` // deprecated by Groq for SearchSettings
	// Extra is merged into the JSON object last (pydantic-ai's extra_body):
	// its keys override the mapped fields.
	Extra map[string]any `json:"-"`
}

// MarshalJSON writes the request with StopString and Extra merged in.
func (r ChatCompletionRequest) MarshalJSON() ([]byte, error) {
	type plain ChatCompletionRequest
	b, err := json.Marshal(plain(r))
	oneStop := r.StopString != "" && len(r.Stop) == 0
	if err != nil || (len(r.Extra) == 0 && !oneStop) {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if oneStop {
		m["stop"], _ = json.Marshal(r.StopString)
	}
	for k, v := range r.Extra {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("groq: extra body field %q: %w", k, err)
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// Document is a document the model may cite (groq-python's Document).
type Document struct {
	ID     string         `json:"id,omitempty"`
	Source DocumentSource `json:"source"`
}

// DocumentSource is a document's content: Type "text" with Text, or Type
// "json" with Data.
type DocumentSource struct {
	Type string         // "text" or "json"
	Text string         // for "text"
	Data map[string]any // for "json"
}

// MarshalJSON writes {"type":"text","text":...} or {"type":"json","data":...}.
func (d DocumentSource) MarshalJSON() ([]byte, error) {
	switch d.Type {
	case "text":
		return json.Marshal(struct {
			Type string `json:"type"`
			Text string `json:"text"`
		}{d.Type, d.Text})
	case "json":
		return json.Marshal(struct {
			Type string         `json:"type"`
			Data map[string]any `json:"data"`
		}{d.Type, d.Data})
	}
	return nil, fmt.Errorf("groq: document source type %q is neither \"text\" nor \"json\"", d.Type)
}

// CompoundCustom configures a compound system's models and tools.
type CompoundCustom struct {
	Models *CompoundCustomModels `json:"models,omitempty"`
	Tools  *CompoundCustomTools  `json:"tools,omitempty"`
}

// CompoundCustomModels names the models a compound system uses.
type CompoundCustomModels struct {
	AnsweringModel *string `json:"answering_model,omitempty"`
	ReasoningModel *string `json:"reasoning_model,omitempty"`
}

// CompoundCustomTools picks a compound system's tools. A nil EnabledTools
// is not sent; an empty one is sent as [] (no tool enabled).
type CompoundCustomTools struct {
	EnabledTools    []string         `json:"enabled_tools,omitempty"`
	WolframSettings *WolframSettings `json:"wolfram_settings,omitempty"`
}

// MarshalJSON writes enabled_tools whenever EnabledTools is not nil, so an
// empty list (groq-python's enabled_tools=[]) reaches Groq.
func (t CompoundCustomTools) MarshalJSON() ([]byte, error) {
	var enabled *[]string
	if t.EnabledTools != nil {
		enabled = &t.EnabledTools
	}
	return json.Marshal(struct {
		EnabledTools    *[]string        `json:"enabled_tools,omitempty"`
		WolframSettings *WolframSettings `json:"wolfram_settings,omitempty"`
	}{enabled, t.WolframSettings})
}

// WolframSettings holds the Wolfram Alpha credential (a secret: it is sent
// in the request body).
type WolframSettings struct {
	Authorization *string `json:"authorization,omitempty"`
}

// StreamOptions asks for a usage-only chunk at the end of a stream.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// ChatMessage is one message of a request (system, user, assistant, tool).
type ChatMessage struct {
	Role       string          `json:"role"`
	Content    *MessageContent `json:"content,omitempty"`
	Name       string          `json:"name,omitempty"`
	ToolCalls  []ToolCall      `json:"tool_calls,omitempty"`
	ToolCallID string          `json:"tool_call_id,omitempty"`
	Reasoning  *string         `json:"reasoning,omitempty"`
}

// MessageContent is a message's content: a plain string (Text) or a list of
// typed parts (Parts). Parts wins when both are set.
type MessageContent struct {
	Text  string        // sent as a JSON string when Parts is nil
	Parts []ContentPart // sent as a JSON array when non-nil
}

// MarshalJSON writes a string or an array.
func (c MessageContent) MarshalJSON() ([]byte, error) {
	if c.Parts != nil {
		return json.Marshal(c.Parts)
	}
	return json.Marshal(c.Text)
}

// UnmarshalJSON reads a string, an array of parts, or null.
func (c *MessageContent) UnmarshalJSON(b []byte) error {
	*c = MessageContent{}
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		return json.Unmarshal(b, &c.Text)
	default:
		c.Parts = []ContentPart{}
		return json.Unmarshal(b, &c.Parts)
	}
}

// ContentPart is one item of a list content: text, image_url or document.
type ContentPart struct {
	Type     string          `json:"type"`
	Text     string          `json:"text,omitempty"`
	ImageURL *ImageURLPart   `json:"image_url,omitempty"`
	Document json.RawMessage `json:"document,omitempty"`
}

// ImageURLPart is an image given by URL or data: URI.
type ImageURLPart struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"` // "auto", "low" or "high"
}

// ToolCall is a function call made by the assistant. In stream deltas only
// some fields are set on each fragment, and Index says which call it is.
type ToolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
	Extra    Extra        `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (c *ToolCall) UnmarshalJSON(b []byte) error {
	type plain ToolCall
	return unmarshalKeeping(b, (*plain)(c), &c.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (c ToolCall) MarshalJSON() ([]byte, error) {
	type plain ToolCall
	return marshalWith(plain(c), c.Extra)
}

// FunctionCall names the function and carries its arguments as a JSON
// string.
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
	Extra     Extra  `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (f *FunctionCall) UnmarshalJSON(b []byte) error {
	type plain FunctionCall
	return unmarshalKeeping(b, (*plain)(f), &f.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (f FunctionCall) MarshalJSON() ([]byte, error) {
	type plain FunctionCall
	return marshalWith(plain(f), f.Extra)
}

// Tool is a tool offered to the model.
type Tool struct {
	Type     string             `json:"type"` // "function", "browser_search", "code_interpreter" or "mcp"
	Function FunctionDefinition `json:"function"`
	Extra    Extra              `json:"-"` // the other fields: a remote MCP server's server_label, server_url, ...
}

// MarshalJSON writes {"type": T} and Extra alone for a tool other than a
// function with no function set (Groq's browser_search, code_interpreter,
// mcp).
func (t Tool) MarshalJSON() ([]byte, error) {
	if t.Type != "function" && t.Function.Name == "" && t.Function.Description == "" && t.Function.Parameters == nil && t.Function.Strict == nil {
		return marshalWith(struct {
			Type string `json:"type"`
		}{t.Type}, t.Extra)
	}
	type plain Tool
	return marshalWith(plain(t), t.Extra)
}

// FunctionDefinition describes a function tool. Description is always sent,
// "" when there is none, as pydantic-ai does.
type FunctionDefinition struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// ToolChoice is "none", "auto", "required", or one named function.
type ToolChoice struct {
	Mode     string // "none", "auto" or "required"; ignored when Function is set
	Function string // the one function the model must call
}

// MarshalJSON writes a string, or {"type":"function","function":{"name":...}}.
func (c ToolChoice) MarshalJSON() ([]byte, error) {
	if c.Function != "" {
		return json.Marshal(map[string]any{"type": "function", "function": map[string]string{"name": c.Function}})
	}
	return json.Marshal(c.Mode)
}

// UnmarshalJSON reads either form.
func (c *ToolChoice) UnmarshalJSON(b []byte) error {
	*c = ToolChoice{}
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &c.Mode)
	}
	var obj struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	c.Function = obj.Function.Name
	return nil
}

// ResponseFormat asks for JSON output: {"type":"json_object"} or
// {"type":"json_schema","json_schema":{...}}.
type ResponseFormat struct {
	Type       string            `json:"type"` // "text", "json_object" or "json_schema"
	JSONSchema *JSONSchemaFormat `json:"json_schema,omitempty"`
}

// JSONSchemaFormat is the schema of a json_schema response format.
type JSONSchemaFormat struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// SearchSettings restrict Groq's built-in web search (compound models).
type SearchSettings struct {
	Country        string   `json:"country,omitempty"`
	IncludeDomains []string `json:"include_domains,omitempty"`
	ExcludeDomains []string `json:"exclude_domains,omitempty"`
	IncludeImages  *bool    `json:"include_images,omitempty"`
}

// ChatCompletion is the response of a non-streamed request.
type ChatCompletion struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	SystemFingerprint string          `json:"system_fingerprint,omitempty"`
	ServiceTier       string          `json:"service_tier,omitempty"`
	Choices           []Choice        `json:"choices"`
	Usage             *Usage          `json:"usage,omitempty"`
	UsageBreakdown    json.RawMessage `json:"usage_breakdown,omitempty"` // a UsageBreakdown, or null
	MCPListTools      json.RawMessage `json:"mcp_list_tools,omitempty"`  // []MCPListTool, or null
	XGroq             *XGroq          `json:"x_groq,omitempty"`
	Extra             Extra           `json:"-"` // fields this type does not know
}

// Annotation is a citation in the answer: Type "document_citation" (a
// document of the request, by id) or "function_citation" (a tool call's
// result, by call id), over the content's characters [StartIndex, EndIndex).
type Annotation struct {
	Type             string            `json:"type"`
	DocumentCitation *DocumentCitation `json:"document_citation,omitempty"`
	FunctionCitation *FunctionCitation `json:"function_citation,omitempty"`
	Extra            Extra             `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (a *Annotation) UnmarshalJSON(b []byte) error {
	type plain Annotation
	return unmarshalKeeping(b, (*plain)(a), &a.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (a Annotation) MarshalJSON() ([]byte, error) {
	type plain Annotation
	return marshalWith(plain(a), a.Extra)
}

// DocumentCitation cites a document of the request.
type DocumentCitation struct {
	DocumentID string `json:"document_id"`
	StartIndex int    `json:"start_index"`
	EndIndex   int    `json:"end_index"`
	Extra      Extra  `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (d *DocumentCitation) UnmarshalJSON(b []byte) error {
	type plain DocumentCitation
	return unmarshalKeeping(b, (*plain)(d), &d.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (d DocumentCitation) MarshalJSON() ([]byte, error) {
	type plain DocumentCitation
	return marshalWith(plain(d), d.Extra)
}

// FunctionCitation cites a tool call's result.
type FunctionCitation struct {
	ToolCallID string `json:"tool_call_id"`
	StartIndex int    `json:"start_index"`
	EndIndex   int    `json:"end_index"`
	Extra      Extra  `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (f *FunctionCitation) UnmarshalJSON(b []byte) error {
	type plain FunctionCitation
	return unmarshalKeeping(b, (*plain)(f), &f.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (f FunctionCitation) MarshalJSON() ([]byte, error) {
	type plain FunctionCitation
	return marshalWith(plain(f), f.Extra)
}

// ChoiceLogprobs are the log probabilities of a choice's content tokens.
type ChoiceLogprobs struct {
	Content []TokenLogprob `json:"content"`
	Extra   Extra          `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (c *ChoiceLogprobs) UnmarshalJSON(b []byte) error {
	type plain ChoiceLogprobs
	return unmarshalKeeping(b, (*plain)(c), &c.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (c ChoiceLogprobs) MarshalJSON() ([]byte, error) {
	type plain ChoiceLogprobs
	return marshalWith(plain(c), c.Extra)
}

// TokenLogprob is one output token with its log probability, its UTF-8
// bytes and the likeliest alternatives (when top_logprobs was asked).
type TokenLogprob struct {
	Token       string       `json:"token"`
	Bytes       []int        `json:"bytes"`
	Logprob     float64      `json:"logprob"`
	TopLogprobs []TopLogprob `json:"top_logprobs"`
	Extra       Extra        `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (t *TokenLogprob) UnmarshalJSON(b []byte) error {
	type plain TokenLogprob
	return unmarshalKeeping(b, (*plain)(t), &t.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (t TokenLogprob) MarshalJSON() ([]byte, error) {
	type plain TokenLogprob
	return marshalWith(plain(t), t.Extra)
}

// TopLogprob is one alternative token at a position.
type TopLogprob struct {
	Token   string  `json:"token"`
	Bytes   []int   `json:"bytes"`
	Logprob float64 `json:"logprob"`
	Extra   Extra   `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (t *TopLogprob) UnmarshalJSON(b []byte) error {
	type plain TopLogprob
	return unmarshalKeeping(b, (*plain)(t), &t.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (t TopLogprob) MarshalJSON() ([]byte, error) {
	type plain TopLogprob
	return marshalWith(plain(t), t.Extra)
}

// XGroqUsage is x_groq.usage of a non-streamed completion: prompt tokens
// served from Groq's DRAM and SRAM caches.
type XGroqUsage struct {
	DRAMCachedTokens *int  `json:"dram_cached_tokens,omitempty"`
	SRAMCachedTokens *int  `json:"sram_cached_tokens,omitempty"`
	Extra            Extra `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (u *XGroqUsage) UnmarshalJSON(b []byte) error {
	type plain XGroqUsage
	return unmarshalKeeping(b, (*plain)(u), &u.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (u XGroqUsage) MarshalJSON() ([]byte, error) {
	type plain XGroqUsage
	return marshalWith(plain(u), u.Extra)
}

// UsageBreakdown is the usage of each model a compound system used.
type UsageBreakdown struct {
	Models []UsageBreakdownModel `json:"models"`
	Extra  Extra                 `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (u *UsageBreakdown) UnmarshalJSON(b []byte) error {
	type plain UsageBreakdown
	return unmarshalKeeping(b, (*plain)(u), &u.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (u UsageBreakdown) MarshalJSON() ([]byte, error) {
	type plain UsageBreakdown
	return marshalWith(plain(u), u.Extra)
}

// UsageBreakdownModel is one model's usage within a UsageBreakdown.
type UsageBreakdownModel struct {
	Model string `json:"model"`
	Usage Usage  `json:"usage"`
	Extra Extra  `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (u *UsageBreakdownModel) UnmarshalJSON(b []byte) error {
	type plain UsageBreakdownModel
	return unmarshalKeeping(b, (*plain)(u), &u.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (u UsageBreakdownModel) MarshalJSON() ([]byte, error) {
	type plain UsageBreakdownModel
	return marshalWith(plain(u), u.Extra)
}

// MCPListTool lists the tools of one remote MCP server.
type MCPListTool struct {
	ID          string    `json:"id,omitempty"`
	ServerLabel string    `json:"server_label,omitempty"`
	Type        string    `json:"type,omitempty"`
	Tools       []MCPTool `json:"tools,omitempty"`
	Extra       Extra     `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (m *MCPListTool) UnmarshalJSON(b []byte) error {
	type plain MCPListTool
	return unmarshalKeeping(b, (*plain)(m), &m.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (m MCPListTool) MarshalJSON() ([]byte, error) {
	type plain MCPListTool
	return marshalWith(plain(m), m.Extra)
}

// MCPTool is one tool of a remote MCP server.
type MCPTool struct {
	Name        string          `json:"name,omitempty"`
	Description string          `json:"description,omitempty"`
	InputSchema json.RawMessage `json:"input_schema,omitempty"`
	Annotations json.RawMessage `json:"annotations,omitempty"`
	Extra       Extra           `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (m *MCPTool) UnmarshalJSON(b []byte) error {
	type plain MCPTool
	return unmarshalKeeping(b, (*plain)(m), &m.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (m MCPTool) MarshalJSON() ([]byte, error) {
	type plain MCPTool
	return marshalWith(plain(m), m.Extra)
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (c *ChatCompletion) UnmarshalJSON(b []byte) error {
	type plain ChatCompletion
	return unmarshalKeeping(b, (*plain)(c), &c.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (c ChatCompletion) MarshalJSON() ([]byte, error) {
	type plain ChatCompletion
	return marshalWith(plain(c), c.Extra)
}

// Choice is one choice of a ChatCompletion (Groq sends exactly one).
type Choice struct {
	Index        int                   `json:"index"`
	Message      ChatCompletionMessage `json:"message"`
	FinishReason string                `json:"finish_reason"`
	Logprobs     json.RawMessage       `json:"logprobs,omitempty"` // ChoiceLogprobs, or null
	Extra        Extra                 `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (v *Choice) UnmarshalJSON(b []byte) error {
	type plain Choice
	return unmarshalKeeping(b, (*plain)(v), &v.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (v Choice) MarshalJSON() ([]byte, error) {
	type plain Choice
	return marshalWith(plain(v), v.Extra)
}

// ChatCompletionMessage is the assistant's message in a ChatCompletion.
type ChatCompletionMessage struct {
	Role          string          `json:"role"`
	Content       *string         `json:"content,omitempty"`
	Reasoning     *string         `json:"reasoning,omitempty"`
	ToolCalls     []ToolCall      `json:"tool_calls,omitempty"`
	ExecutedTools []ExecutedTool  `json:"executed_tools,omitempty"`
	Annotations   json.RawMessage `json:"annotations,omitempty"` // []Annotation
	FunctionCall  json.RawMessage `json:"function_call,omitempty"`
	Extra         Extra           `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (m *ChatCompletionMessage) UnmarshalJSON(b []byte) error {
	type plain ChatCompletionMessage
	return unmarshalKeeping(b, (*plain)(m), &m.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (m ChatCompletionMessage) MarshalJSON() ([]byte, error) {
	type plain ChatCompletionMessage
	return marshalWith(plain(m), m.Extra)
}

// ExecutedTool is a tool Groq ran itself (compound models): a web search,
// code execution, a browser visit.
type ExecutedTool struct {
	Index          int             `json:"index"`
	Type           string          `json:"type"` // e.g. "search"
	Arguments      string          `json:"arguments"`
	Output         *string         `json:"output,omitempty"`
	SearchResults  json.RawMessage `json:"search_results,omitempty"` // {"results":[{title,url,content,score}],"images":[...]}
	CodeResults    json.RawMessage `json:"code_results,omitempty"`
	BrowserResults json.RawMessage `json:"browser_results,omitempty"`
	Extra          Extra           `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (t *ExecutedTool) UnmarshalJSON(b []byte) error {
	type plain ExecutedTool
	return unmarshalKeeping(b, (*plain)(t), &t.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (t ExecutedTool) MarshalJSON() ([]byte, error) {
	type plain ExecutedTool
	return marshalWith(plain(t), t.Extra)
}

// Usage is Groq's usage block, with its timings in seconds.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	QueueTime               float64                  `json:"queue_time,omitempty"`
	PromptTime              float64                  `json:"prompt_time,omitempty"`
	CompletionTime          float64                  `json:"completion_time,omitempty"`
	TotalTime               float64                  `json:"total_time,omitempty"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`
	Extra                   Extra                    `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (u *Usage) UnmarshalJSON(b []byte) error {
	type plain Usage
	return unmarshalKeeping(b, (*plain)(u), &u.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (u Usage) MarshalJSON() ([]byte, error) {
	type plain Usage
	return marshalWith(plain(u), u.Extra)
}

// PromptTokensDetails breaks down prompt tokens.
type PromptTokensDetails struct {
	CachedTokens int   `json:"cached_tokens"`
	Extra        Extra `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (d *PromptTokensDetails) UnmarshalJSON(b []byte) error {
	type plain PromptTokensDetails
	return unmarshalKeeping(b, (*plain)(d), &d.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (d PromptTokensDetails) MarshalJSON() ([]byte, error) {
	type plain PromptTokensDetails
	return marshalWith(plain(d), d.Extra)
}

// CompletionTokensDetails breaks down completion tokens.
type CompletionTokensDetails struct {
	ReasoningTokens int   `json:"reasoning_tokens"`
	Extra           Extra `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (d *CompletionTokensDetails) UnmarshalJSON(b []byte) error {
	type plain CompletionTokensDetails
	return unmarshalKeeping(b, (*plain)(d), &d.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (d CompletionTokensDetails) MarshalJSON() ([]byte, error) {
	type plain CompletionTokensDetails
	return marshalWith(plain(d), d.Extra)
}

// XGroq is Groq's x_groq block: the request id, the seed, debug data, and
// "usage", which holds a token usage in a stream's last chunk (Usage) but
// Groq's cache counters in a non-streamed completion (CacheUsage): a usage
// with none of prompt_tokens, completion_tokens and total_tokens is read
// as the latter. In streams it may also hold a per-model breakdown or an
// error that stopped the stream early.
type XGroq struct {
	ID             string          `json:"id,omitempty"`
	Seed           *int64          `json:"seed,omitempty"`
	Usage          *Usage          `json:"usage,omitempty"`
	CacheUsage     *XGroqUsage     `json:"-"`                         // written as "usage" when Usage is nil
	UsageBreakdown json.RawMessage `json:"usage_breakdown,omitempty"` // a UsageBreakdown, or null
	Error          json.RawMessage `json:"error,omitempty"`           // a string, or an error object
	Debug          json.RawMessage `json:"debug,omitempty"`
	Extra          Extra           `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (x *XGroq) UnmarshalJSON(b []byte) error {
	type plain XGroq
	if err := unmarshalKeeping(b, (*plain)(x), &x.Extra); err != nil {
		return err
	}
	x.CacheUsage = nil
	if x.Usage == nil {
		return nil
	}
	var fields struct {
		Usage map[string]json.RawMessage `json:"usage"`
	}
	if json.Unmarshal(b, &fields) != nil {
		return nil
	}
	for _, k := range []string{"prompt_tokens", "completion_tokens", "total_tokens"} {
		if _, ok := fields.Usage[k]; ok {
			return nil
		}
	}
	var cache XGroqUsage
	raw, _ := json.Marshal(fields.Usage)
	if err := json.Unmarshal(raw, &cache); err != nil {
		return err
	}
	x.Usage, x.CacheUsage = nil, &cache
	return nil
}

// MarshalJSON writes the known fields and Extra.
func (x XGroq) MarshalJSON() ([]byte, error) {
	type plain XGroq
	b, err := marshalWith(plain(x), x.Extra)
	if err != nil || x.Usage != nil || x.CacheUsage == nil {
		return b, err
	}
	usage, err := json.Marshal(x.CacheUsage)
	if err != nil {
		return nil, err
	}
	return appendMember(b, "usage", usage), nil
}

// appendMember returns the JSON object obj with the member name: raw added
// last. obj is the output of a marshal, and is reused.
func appendMember(obj []byte, name string, raw []byte) []byte {
	out := obj[:len(obj)-1] // without the closing brace
	if len(out) > 1 {
		out = append(out, ',')
	}
	out = append(out, '"')
	out = append(out, name...)
	out = append(out, `":`...)
	out = append(out, raw...)
	return append(out, '}')
}

// ChatCompletionChunk is one event of a streamed response. A data payload
// with a top-level "error" instead of choices decodes into Error.
type ChatCompletionChunk struct {
	ID                string          `json:"id,omitempty"`
	Object            string          `json:"object,omitempty"`
	Created           int64           `json:"created,omitempty"`
	Model             string          `json:"model,omitempty"`
	SystemFingerprint string          `json:"system_fingerprint,omitempty"`
	ServiceTier       string          `json:"service_tier,omitempty"`
	Choices           []ChunkChoice   `json:"choices"`
	Usage             *Usage          `json:"usage,omitempty"`
	UsageBreakdown    json.RawMessage `json:"usage_breakdown,omitempty"`
	XGroq             *XGroq          `json:"x_groq,omitempty"`
	Error             *ErrorObject    `json:"error,omitempty"`
	Extra             Extra           `json:"-"` // fields this type does not know
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra. An
// "error" that is neither an object, a string nor null (a number, a bool,
// an array: groq-python reads a chunk's "error" by its truth) is kept raw
// in Extra["error"], Error left nil, and written back as it came.
func (v *ChatCompletionChunk) UnmarshalJSON(b []byte) error {
	type plain ChatCompletionChunk
	err := unmarshalKeeping(b, (*plain)(v), &v.Extra)
	if err == nil {
		return nil
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil {
		return err
	}
	raw, ok := members["error"]
	if trimmed := bytes.TrimSpace(raw); !ok || len(trimmed) == 0 || trimmed[0] == '{' || trimmed[0] == '"' || string(trimmed) == "null" {
		return err
	}
	delete(members, "error")
	rest, merr := json.Marshal(members)
	*v = ChatCompletionChunk{} // what the failed decode left
	if merr != nil || unmarshalKeeping(rest, (*plain)(v), &v.Extra) != nil {
		return err
	}
	if v.Extra == nil {
		v.Extra = Extra{}
	}
	v.Extra["error"] = append(json.RawMessage(nil), raw...)
	return nil
}

// MarshalJSON writes the known fields and Extra.
func (v ChatCompletionChunk) MarshalJSON() ([]byte, error) {
	type plain ChatCompletionChunk
	raw, keep := v.Extra["error"]
	if !keep || v.Error != nil {
		return marshalWith(plain(v), v.Extra)
	}
	// "error" is a known key: marshalWith leaves Extra's copy out.
	b, err := marshalWith(plain(v), v.Extra)
	if err != nil {
		return nil, err
	}
	return appendMember(b, "error", raw), nil
}

// ChunkChoice is the one choice of a chunk.
type ChunkChoice struct {
	Index        int             `json:"index"`
	Delta        ChunkDelta      `json:"delta"`
	FinishReason *string         `json:"finish_reason"`
	Logprobs     json.RawMessage `json:"logprobs,omitempty"` // ChoiceLogprobs, or null
	Extra        Extra           `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (v *ChunkChoice) UnmarshalJSON(b []byte) error {
	type plain ChunkChoice
	return unmarshalKeeping(b, (*plain)(v), &v.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (v ChunkChoice) MarshalJSON() ([]byte, error) {
	type plain ChunkChoice
	return marshalWith(plain(v), v.Extra)
}

// ChunkDelta is what a chunk adds to the assistant's message.
type ChunkDelta struct {
	Role          string          `json:"role,omitempty"`
	Content       *string         `json:"content,omitempty"`
	Reasoning     *string         `json:"reasoning,omitempty"`
	Channel       string          `json:"channel,omitempty"` // e.g. "analysis" on gpt-oss reasoning
	ToolCalls     []ToolCall      `json:"tool_calls,omitempty"`
	ExecutedTools []ExecutedTool  `json:"executed_tools,omitempty"`
	Annotations   json.RawMessage `json:"annotations,omitempty"` // []Annotation
	Extra         Extra           `json:"-"`
}

// UnmarshalJSON decodes the known fields and keeps the rest in Extra.
func (v *ChunkDelta) UnmarshalJSON(b []byte) error {
	type plain ChunkDelta
	return unmarshalKeeping(b, (*plain)(v), &v.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (v ChunkDelta) MarshalJSON() ([]byte, error) {
	type plain ChunkDelta
	return marshalWith(plain(v), v.Extra)
}

// ErrorResponse is the body of an HTTP error: {"error": {...}}.
type ErrorResponse struct {
	Error ErrorObject `json:"error"`
}

// ErrorObject is Groq's error: a message, a type, a code and, for
// tool_use_failed and json_validate_failed, the failed generation.
// A bare string error ({"error": "text"}) decodes into Message.
type ErrorObject struct {
	Message          string          `json:"message"`
	Type             string          `json:"type,omitempty"`
	Code             FlexString      `json:"code,omitempty"`
	Param            *string         `json:"param,omitempty"`
	FailedGeneration *string         `json:"failed_generation,omitempty"`
	StatusCode       int             `json:"status_code,omitempty"` // in errors sent inside a stream
	Debug            json.RawMessage `json:"debug,omitempty"`
	Extra            Extra           `json:"-"`
}

// UnmarshalJSON decodes an error object, or a bare string into Message.
func (e *ErrorObject) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*e = ErrorObject{}
		return json.Unmarshal(b, &e.Message)
	}
	type plain ErrorObject
	return unmarshalKeeping(b, (*plain)(e), &e.Extra)
}

// MarshalJSON writes the known fields and Extra.
func (e ErrorObject) MarshalJSON() ([]byte, error) {
	type plain ErrorObject
	return marshalWith(plain(e), e.Extra)
}

// FlexString decodes a JSON string or number as a string (error codes are
// strings at Groq, numbers at some gateways).
type FlexString string

// UnmarshalJSON accepts a string, a number or null.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	switch {
	case string(b) == "null":
		*s = ""
	case len(b) > 0 && b[0] == '"':
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*s = FlexString(v)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("groq: error code is neither string nor number: %s", b)
		}
		*s = FlexString(n)
	}
	return nil
}
