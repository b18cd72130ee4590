package groq

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/llm"
)

// This file maps llm messages, tools and settings to a Groq wire request.
// The functions mirror pydantic-ai's GroqModel (_map_messages,
// _map_user_prompt, _map_tool_definition, _get_tool_choice) and are pure:
// no HTTP, no clock, no randomness, so that the same conversation always
// produces the same bytes and a cassette can match it.

// textContent returns content that is the plain string s.
func textContent(s string) *groqwire.MessageContent { return &groqwire.MessageContent{Text: s} }

// defaultOutputName is the name of native structured output when the
// output object has none (pydantic-ai's DEFAULT_OUTPUT_TOOL_NAME).
const defaultOutputName = "final_result"

// promptedOutputTemplate is pydantic-ai's instruction for prompted output.
const promptedOutputTemplate = "Always respond with a JSON object that's compatible with this schema:\n\n%s\n\nDon't include any text or Markdown fencing before or after."

// BuildRequest returns the JSON body the model would POST for messages,
// settings and params, without sending it: the bytes Request sends
// (RequestStream sends the same with "stream": true, and no stream_options,
// as pydantic-ai), so
// tests can assert on the mapping without HTTP and without naming Groq's
// wire types. A body that cannot be encoded (an ExtraBody value
// encoding/json refuses) is an *llm.UserError, as in Request.
func BuildRequest(modelName string, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) ([]byte, error) {
	req, err := wireRequest(modelName, messages, settings, params)
	if err != nil {
		return nil, err
	}
	return encodeRequest(req)
}

// wireRequest is BuildRequest before encoding.
func wireRequest(modelName string, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (*groqwire.ChatCompletionRequest, error) {
	return buildRequest(modelName, messages, mergeSettings(nil, settings), params, deliverWhole)
}

// encodeRequest is the body of req.
func encodeRequest(req *groqwire.ChatCompletionRequest) ([]byte, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, &llm.UserError{Message: "groq: encode request: " + err.Error(), Err: err}
	}
	return body, nil
}

// delivery says how the answer to a request arrives.
type delivery int

const (
	deliverWhole  delivery = iota // one JSON body
	deliverStream                 // server-sent events
)

// buildRequest takes BuildRequest's arguments in the same order, with the
// settings already merged.
func buildRequest(modelName string, messages []llm.Message, s *Settings, params *llm.RequestParams, how delivery) (*groqwire.ChatCompletionRequest, error) {
	stream := how == deliverStream
	msgs, err := mapMessages(messages, params)
	if err != nil {
		return nil, err
	}
	one := 1
	req := &groqwire.ChatCompletionRequest{Model: modelName, Messages: msgs, N: &one, Stream: stream}

	tools, choice, err := getToolChoice(s, params)
	if err != nil {
		return nil, err
	}
	req.Tools, req.ToolChoice = tools, choice

	req.MaxTokens = s.MaxTokens
	req.Temperature = s.Temperature
	req.TopP = s.TopP
	req.Seed = s.Seed
	req.PresencePenalty = s.PresencePenalty
	req.FrequencyPenalty = s.FrequencyPenalty
	req.LogitBias = s.LogitBias
	req.ServiceTier = s.ServiceTier
	req.User = s.User
	if err := groqParams(req, s); err != nil {
		return nil, err
	}

	if req.ResponseFormat, err = responseFormat(modelName, params, len(tools) > 0); err != nil {
		return nil, err
	}
	if req.SearchSettings, err = searchSettings(modelName, s.SearchSettings, params); err != nil {
		return nil, err
	}
	native, err := nativeTools(params)
	if err != nil {
		return nil, err
	}
	req.Tools = append(req.Tools, native...)
	if len(req.Tools) > 0 {
		// pydantic-ai sends it when `tools` (function and native tools
		// alike, models/groq.py _completions_create) is not empty.
		req.ParallelToolCalls = s.ParallelToolCalls
	}
	req.ReasoningEffort, req.ReasoningFormat = reasoning(modelName, s)
	if s.IncludeReasoning != nil && req.ReasoningFormat != "" {
		return nil, &llm.UserError{Message: fmt.Sprintf("groq: include_reasoning and reasoning_format (%q, from ReasoningFormat or Thinking) cannot both be sent; set one", req.ReasoningFormat)}
	}
	req.IncludeReasoning = s.IncludeReasoning

	if len(s.ExtraBody) > 0 {
		req.Extra = s.ExtraBody
	}
	if req.ReasoningEffort != "" && req.Extra != nil {
		// pydantic-ai merges the effort into a copy of extra_body, so the
		// effort wins over a reasoning_effort the caller put there.
		req.Extra = copyWithout(req.Extra, "reasoning_effort")
	}
	return req, nil
}

// groqParams copies Groq's own parameters, refusing values Groq would
// refuse, with a clear error before anything is sent.
func groqParams(req *groqwire.ChatCompletionRequest, s *Settings) error {
	switch {
	case s.Stop != "" && len(s.StopSequences) > 0:
		return &llm.UserError{Message: "groq: set Stop (one string) or StopSequences (a list), not both"}
	case len(s.StopSequences) > 0:
		req.Stop = s.StopSequences
	case s.Stop != "":
		req.StopString = s.Stop
	}
	if c := s.CitationOptions; c != "" && c != "enabled" && c != "disabled" {
		return &llm.UserError{Message: fmt.Sprintf("groq: CitationOptions is %q; Groq takes \"enabled\" or \"disabled\"", c)}
	}
	if n := s.TopLogprobs; n != nil {
		if *n < 0 || *n > 20 {
			return &llm.UserError{Message: fmt.Sprintf("groq: TopLogprobs is %d; Groq takes 0 to 20", *n)}
		}
		if s.Logprobs == nil || !*s.Logprobs {
			return &llm.UserError{Message: "groq: TopLogprobs needs Logprobs set to true"}
		}
	}
	for i, d := range s.Documents {
		switch {
		case d.Source.Type == "text":
		case d.Source.Type == "json" && d.Source.Data != nil:
		case d.Source.Type == "json":
			return &llm.UserError{Message: fmt.Sprintf("groq: document %d has a json source without Data", i)}
		default:
			return &llm.UserError{Message: fmt.Sprintf("groq: document %d has source type %q; Groq takes \"text\" or \"json\"", i, d.Source.Type)}
		}
	}
	req.MaxCompletionTokens = s.MaxCompletionTokens
	req.Documents = s.Documents
	req.CitationOptions = s.CitationOptions
	req.CompoundCustom = s.CompoundCustom
	req.DisableToolValidation = s.DisableToolValidation
	req.Logprobs = s.Logprobs
	req.TopLogprobs = s.TopLogprobs
	req.Metadata = s.Metadata
	req.Store = s.Store
	req.IncludeDomains = s.IncludeDomains
	req.ExcludeDomains = s.ExcludeDomains
	return nil
}

func copyWithout(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

// mapMessages maps a conversation to Groq messages: every request part, one
// assistant message per response, and the instructions inserted as system
// messages after the leading system messages.
func mapMessages(messages []llm.Message, params *llm.RequestParams) ([]groqwire.ChatMessage, error) {
	var out []groqwire.ChatMessage
	ids := &callIDs{}
	for mi, m := range messages {
		switch m := m.(type) {
		case *llm.Request:
			if m == nil {
				return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d is nil", mi)}
			}
			msgs, err := mapRequest(m, mi, ids)
			if err != nil {
				return nil, err
			}
			out = append(out, msgs...)
		case *llm.Response:
			if m == nil {
				return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d is nil", mi)}
			}
			out = append(out, mapResponse(m, mi, ids))
		case nil:
			return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d is nil", mi)}
		default:
			return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d has unknown type %T", mi, m)}
		}
	}
	instructions := instructionParts(messages, params)
	if len(instructions) == 0 {
		return out, nil
	}
	at := 0
	for at < len(out) && out[at].Role == "system" {
		at++
	}
	sys := make([]groqwire.ChatMessage, len(instructions))
	for i, text := range instructions {
		sys[i] = groqwire.ChatMessage{Role: "system", Content: textContent(text)}
	}
	return slices.Insert(out, at, sys...), nil
}

// mapRequest maps one request: its parts in order, then one user message
// carrying the files its tool returns referred to.
func mapRequest(r *llm.Request, mi int, ids *callIDs) ([]groqwire.ChatMessage, error) {
	var out []groqwire.ChatMessage
	var files []llm.UserContent
	for pi, part := range r.Parts {
		if isNilPart(part) {
			return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d part %d is nil", mi, pi)}
		}
		switch p := part.(type) {
		case *llm.SystemPromptPart:
			out = append(out, groqwire.ChatMessage{Role: "system", Content: textContent(p.Content)})
		case *llm.UserPromptPart:
			msg, err := mapUserPrompt(p)
			if err != nil {
				return nil, err
			}
			out = append(out, msg)
		case *llm.ToolReturnPart:
			text, f := provider.ToolReturnContent(p)
			files = append(files, f...)
			out = append(out, groqwire.ChatMessage{Role: "tool", ToolCallID: ids.answer(p.ToolCallID, p.ToolName, mi, pi), Content: textContent(text)})
		case *llm.RetryPromptPart:
			if p.ToolName == "" {
				out = append(out, groqwire.ChatMessage{Role: "user", Content: textContent(provider.RetryText(p))})
			} else {
				out = append(out, groqwire.ChatMessage{Role: "tool", ToolCallID: ids.answer(p.ToolCallID, p.ToolName, mi, pi), Content: textContent(provider.RetryText(p))})
			}
		case nil:
			return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d part %d is nil", mi, pi)}
		default:
			return nil, &llm.UserError{Message: fmt.Sprintf("groq: message %d part %d has unknown type %T", mi, pi, part)}
		}
	}
	if len(files) > 0 {
		msg, err := mapUserPrompt(llm.UserParts(files...))
		if err != nil {
			return nil, err
		}
		out = append(out, msg)
	}
	return out, nil
}

// mapResponse maps a response to one assistant message: texts and thinking
// (wrapped in <think> tags) joined by a blank line, then the tool calls.
// Built-in tool parts stay with the provider and are not sent back.
func mapResponse(r *llm.Response, mi int, ids *callIDs) groqwire.ChatMessage {
	msg := groqwire.ChatMessage{Role: "assistant"}
	var texts []string
	ids.reset()
	for pi, part := range r.Parts {
		switch p := part.(type) {
		case *llm.TextPart:
			if p != nil {
				texts = append(texts, p.Content)
			}
		case *llm.ThinkingPart:
			if p != nil {
				texts = append(texts, "<think>\n"+p.Content+"\n</think>")
			}
		case *llm.ToolCallPart:
			if p == nil {
				continue
			}
			msg.ToolCalls = append(msg.ToolCalls, groqwire.ToolCall{
				ID:       ids.call(p.ToolCallID, p.ToolName, mi, pi),
				Type:     "function",
				Function: groqwire.FunctionCall{Name: p.ToolName, Arguments: argsJSON(p.Args)},
			})
		}
	}
	if len(texts) > 0 {
		msg.Content = textContent(strings.Join(texts, "\n\n"))
	}
	return msg
}

// argsJSON returns tool-call arguments as sent back to Groq: "{}" for none,
// the model's JSON object as it was, and anything else (invalid JSON, or
// JSON that is not an object, which Groq rejects) wrapped as
// {"INVALID_JSON": raw} as pydantic-ai does.
func argsJSON(args string) string {
	trimmed := strings.TrimSpace(args)
	if trimmed == "" {
		return "{}"
	}
	if trimmed[0] == '{' && json.Valid([]byte(trimmed)) {
		return args
	}
	b, _ := jsonvalue.Marshal(map[string]string{"INVALID_JSON": args})
	return string(b)
}

// callIDs gives tool calls without an id one derived from where the call
// stands in the conversation, and gives a tool return (or retry) without an
// id the id of the newest unanswered call to the same tool. pydantic-ai
// generates random ids; derived ones keep the request body the same from
// run to run, so replay matches it, and still pair calls with returns.
type callIDs struct {
	open map[string][]string // tool name -> generated ids not yet answered, oldest first
}

// reset forgets the calls of the previous response.
func (c *callIDs) reset() { clear(c.open) }

// call returns id, or a derived one that a later return can claim.
func (c *callIDs) call(id, name string, message, part int) string {
	if id != "" {
		return id
	}
	id = derivedID(name, message, part)
	if c.open == nil {
		c.open = map[string][]string{}
	}
	c.open[name] = append(c.open[name], id)
	return id
}

// answer returns id, or the id generated for the oldest unanswered call to
// name, or a derived one.
func (c *callIDs) answer(id, name string, message, part int) string {
	if id != "" {
		return id
	}
	if q := c.open[name]; len(q) > 0 {
		c.open[name] = q[1:]
		return q[0]
	}
	return derivedID(name, message, part)
}

func derivedID(name string, message, part int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%d/%s", message, part, name))
	return "llmvcr_" + hex.EncodeToString(sum[:16])
}

// isNilPart reports whether a part is a typed nil pointer.
func isNilPart(p llm.RequestPart) bool {
	switch v := p.(type) {
	case *llm.SystemPromptPart:
		return v == nil
	case *llm.UserPromptPart:
		return v == nil
	case *llm.ToolReturnPart:
		return v == nil
	case *llm.RetryPromptPart:
		return v == nil
	}
	return false
}

// mapUserPrompt maps a user prompt: a single text as a plain string
// (unless the part asks for a list), any other content as a list of text
// and image_url items.
func mapUserPrompt(p *llm.UserPromptPart) (groqwire.ChatMessage, error) {
	if len(p.Content) == 1 && !p.List {
		if t, ok := p.Content[0].(llm.Text); ok {
			return groqwire.ChatMessage{Role: "user", Content: textContent(string(t))}, nil
		}
	}
	parts := make([]groqwire.ContentPart, 0, len(p.Content))
	for _, item := range p.Content {
		switch c := item.(type) {
		case llm.Text:
			parts = append(parts, groqwire.ContentPart{Type: "text", Text: string(c)})
		case *llm.ImageURL:
			parts = append(parts, groqwire.ContentPart{Type: "image_url", ImageURL: &groqwire.ImageURLPart{URL: c.URL, Detail: c.Detail}})
		case *llm.BinaryContent:
			if !provider.IsImage(c) {
				return groqwire.ChatMessage{}, &llm.UserError{Message: "Only images are supported for BinaryContent in Groq user prompts (got " + c.MediaType + ")"}
			}
			uri := "data:" + c.MediaType + ";base64," + base64.StdEncoding.EncodeToString(c.Data)
			parts = append(parts, groqwire.ContentPart{Type: "image_url", ImageURL: &groqwire.ImageURLPart{URL: uri, Detail: c.Detail}})
		case *llm.DocumentURL:
			return groqwire.ChatMessage{}, unsupported("DocumentUrl")
		case *llm.AudioURL:
			return groqwire.ChatMessage{}, unsupported("AudioUrl")
		case *llm.VideoURL:
			return groqwire.ChatMessage{}, unsupported("VideoUrl")
		case *llm.UploadedFile:
			return groqwire.ChatMessage{}, unsupported("UploadedFile")
		default:
			return groqwire.ChatMessage{}, &llm.UserError{Message: fmt.Sprintf("%T is not supported in Groq user prompts", item)}
		}
	}
	return groqwire.ChatMessage{Role: "user", Content: &groqwire.MessageContent{Parts: parts}}, nil
}

func unsupported(kind string) error {
	return &llm.UserError{Message: kind + " is not supported in Groq user prompts"}
}

// instructionParts returns the system texts to insert: the conversation's
// instructions, then the prompted-output schema instruction.
func instructionParts(messages []llm.Message, params *llm.RequestParams) []string {
	var out []string
	if text := instructions(messages); text != "" {
		out = append(out, text)
	}
	if params != nil && params.OutputMode == llm.OutputPrompted && params.OutputObject != nil {
		out = append(out, fmt.Sprintf(promptedOutputTemplate, pythonJSON(params.OutputObject.JSONSchema)))
	}
	return out
}

// instructions returns the instructions of the newest request that has
// them, looking at most at the last two requests, and at the second only
// when the last holds nothing but tool returns and retry prompts (a request
// made by the caller's tool loop carries no instructions of its own).
func instructions(messages []llm.Message) string {
	var last *llm.Request
	for i := len(messages) - 1; i >= 0; i-- {
		r, ok := messages[i].(*llm.Request)
		if !ok {
			continue
		}
		if last == nil {
			if r.Instructions != "" {
				return r.Instructions
			}
			last = r
			continue
		}
		for _, p := range last.Parts {
			switch p.(type) {
			case *llm.ToolReturnPart, *llm.RetryPromptPart:
			default:
				return ""
			}
		}
		return r.Instructions
	}
	return ""
}

// mapToolDefinition maps a tool definition; description is always sent, as
// pydantic-ai does, and strict only when the caller set it (pydantic-ai
// never sends it; a nil Strict keeps its bytes).
func mapToolDefinition(t llm.ToolDefinition) groqwire.Tool {
	params := t.Parameters
	if len(params) == 0 {
		params = json.RawMessage(`{"type":"object","properties":{}}`)
	}
	var strict *bool
	if t.Strict != nil {
		v := *t.Strict // a copy: the request never aliases the caller's definition
		strict = &v
	}
	return groqwire.Tool{Type: "function", Function: groqwire.FunctionDefinition{Name: t.Name, Description: t.Description, Parameters: params, Strict: strict}}
}

// getToolChoice returns the tools to send and the tool_choice: none, auto
// and required as they are, one named tool as an object, any other subset
// by sending only those tools. No tools means no tool_choice.
func getToolChoice(s *Settings, params *llm.RequestParams) ([]groqwire.Tool, *groqwire.ToolChoice, error) {
	resolved, err := provider.ResolveToolChoice(&s.Settings, params)
	if err != nil {
		return nil, nil, err // checked even without tools, as pydantic-ai does
	}
	defs := provider.Tools(params)
	if len(defs) == 0 {
		return nil, nil, nil
	}
	if resolved.Names != nil && resolved.Mode == llm.ToolChoiceRequired && len(resolved.Names) == 1 {
		tools := make([]groqwire.Tool, len(defs))
		for i, d := range defs {
			tools[i] = mapToolDefinition(d)
		}
		return tools, &groqwire.ToolChoice{Function: resolved.Names[0]}, nil
	}
	var tools []groqwire.Tool
	for _, d := range defs {
		if resolved.Names == nil || slices.Contains(resolved.Names, d.Name) {
			tools = append(tools, mapToolDefinition(d))
		}
	}
	if len(tools) == 0 {
		return nil, nil, nil
	}
	return tools, &groqwire.ToolChoice{Mode: string(resolved.Mode)}, nil
}

// responseFormat returns json_schema for native output, and json_object
// for prompted output without tools on models that support JSON mode.
func responseFormat(modelName string, params *llm.RequestParams, hasTools bool) (*groqwire.ResponseFormat, error) {
	if params == nil {
		return nil, nil
	}
	switch params.OutputMode {
	case llm.OutputNative:
		o := params.OutputObject
		if o == nil || len(o.JSONSchema) == 0 {
			return nil, &llm.UserError{Message: "groq: native output needs an OutputObject with a JSON schema"}
		}
		if !profileOf(modelName).jsonOutput {
			// pydantic-ai's Model.prepare_request (models/__init__.py:664)
			// refuses it before anything is sent.
			return nil, &llm.UserError{Message: "Native structured output is not supported by this model."}
		}
		name := o.Name
		if name == "" {
			name = defaultOutputName
		}
		return &groqwire.ResponseFormat{Type: "json_schema", JSONSchema: &groqwire.JSONSchemaFormat{
			Name: name, Description: o.Description, Schema: o.JSONSchema, Strict: o.Strict,
		}}, nil
	case llm.OutputPrompted:
		if !hasTools && profileOf(modelName).jsonOutput {
			return &groqwire.ResponseFormat{Type: "json_object"}, nil
		}
	}
	return nil, nil
}

// nativeTools returns the tools of Groq's own kinds (BrowserSearchTool,
// CodeInterpreterTool, MCPServerTool), after the function tools, as
// pydantic-ai appends native tools.
func nativeTools(params *llm.RequestParams) ([]groqwire.Tool, error) {
	if params == nil {
		return nil, nil
	}
	var out []groqwire.Tool
	var labels map[string]bool
	for _, t := range params.NativeTools {
		if m, ok := t.(*MCPServerTool); ok {
			if labels == nil {
				labels = map[string]bool{}
			}
			tool, ok, err := m.wireTool(labels)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, tool)
			}
			continue
		}
		if g, ok := t.(groqTool); ok && !isNilTool(t) {
			out = append(out, groqwire.Tool{Type: g.groqToolType()})
		}
	}
	return out, nil
}

// searchSettings returns the search settings: the caller's, with the
// domains of a WebSearchTool added. Groq runs web search only on its
// compound models; any other native tool is refused.
func searchSettings(modelName string, base *SearchSettings, params *llm.RequestParams) (*SearchSettings, error) {
	var out *SearchSettings
	if base != nil {
		c := *base
		c.IncludeDomains = slices.Clone(c.IncludeDomains) // appended to below: never into the caller's arrays
		c.ExcludeDomains = slices.Clone(c.ExcludeDomains)
		out = &c
	}
	if params == nil {
		return out, nil
	}
	var last *llm.WebSearchTool
	for _, t := range params.NativeTools {
		if isNilTool(t) {
			continue
		}
		if _, own := t.(groqTool); own {
			continue // sent as a tool by nativeTools
		}
		ws, ok := t.(*llm.WebSearchTool)
		if !ok {
			return nil, &llm.UserError{Message: fmt.Sprintf("`%s` is not supported by the Groq model", t.NativeToolKind())}
		}
		if !hasBuiltinWebSearch(modelName) {
			return nil, &llm.UserError{Message: "`WebSearchTool` is not supported by Groq model " + modelName + "; use a compound model (groq/compound)"}
		}
		// pydantic-ai keeps one native tool per unique_id, the last given
		// (models/__init__.py prepare_request: "Deduplicate native tools").
		last = ws
	}
	if last == nil || len(last.AllowedDomains) == 0 && len(last.BlockedDomains) == 0 {
		return out, nil
	}
	if out == nil {
		out = &SearchSettings{}
	}
	out.IncludeDomains = append(out.IncludeDomains, last.AllowedDomains...)
	out.ExcludeDomains = append(out.ExcludeDomains, last.BlockedDomains...)
	return out, nil
}

// reasoning returns reasoning_effort and reasoning_format from the explicit
// Groq settings and the unified Thinking setting, as pydantic-ai does.
func reasoning(modelName string, s *Settings) (effort, format string) {
	p := profileOf(modelName)
	thinking := s.Thinking
	if !p.thinking || (thinking == llm.ThinkingOff && p.thinkingAlways) {
		thinking = "" // ignored where it cannot change anything
	}
	disableViaEffort := thinking == llm.ThinkingOff && p.reasoningDisable
	switch {
	case disableViaEffort:
		effort = "none"
	case s.ReasoningEffort != "":
		effort = s.ReasoningEffort
	case p.gradedEffort && thinking != "" && thinking != llm.ThinkingOff:
		effort = gptOSSEffort[thinking]
	}
	switch {
	case s.ReasoningFormat != "":
		format = s.ReasoningFormat
	case thinking == llm.ThinkingOff && !disableViaEffort:
		format = "hidden"
	case thinking != "" && !disableViaEffort:
		format = "parsed"
	}
	return effort, format
}

// gptOSSEffort maps unified thinking to gpt-oss's three effort levels.
var gptOSSEffort = map[llm.Thinking]string{
	llm.ThinkingOn: "medium", llm.ThinkingMinimal: "low", llm.ThinkingLow: "low",
	llm.ThinkingMedium: "medium", llm.ThinkingHigh: "high", llm.ThinkingXHigh: "high",
}

// profile is what the mapping needs to know about a model family
// (pydantic-ai's groq_model_profile).
type profile struct {
	thinking         bool // the model can reason
	thinkingAlways   bool // it always reasons: thinking off changes nothing
	reasoningDisable bool // reasoning_effort "none" turns reasoning off (qwen3)
	gradedEffort     bool // reasoning_effort takes low/medium/high (gpt-oss)
	// ignoreLeadingWhitespace drops whitespace-only streamed text that
	// would start a text part (ignore_streamed_leading_whitespace).
	ignoreLeadingWhitespace bool
	// jsonOutput: native (json_schema) output is allowed and prompted
	// output uses json_object (supports_json_schema_output and
	// supports_json_object_output).
	jsonOutput bool
}

func profileOf(name string) profile {
	n := strings.ToLower(name)
	var p profile
	for _, prefix := range []string{"openai/gpt-oss", "qwen/qwen3", "qwen-qwq", "deepseek-r1", "llama-4-maverick"} {
		if strings.HasPrefix(n, prefix) {
			p.thinking = true
		}
	}
	qwen3 := strings.HasPrefix(n, "qwen/qwen3")
	p.thinkingAlways = p.thinking && !qwen3
	p.reasoningDisable = qwen3
	p.gradedEffort = strings.HasPrefix(n, "openai/gpt-oss")
	p.ignoreLeadingWhitespace, p.jsonOutput = familyTraits(n)
	return p
}

// familyTraits are the traits of the family profile pydantic-ai's
// GroqProvider.model_profile picks for the lower-cased name n
// (providers/groq.py: the first matching prefix wins, and a prefix ending
// in "/" passes the rest of the name): ignore_streamed_leading_whitespace
// (every qwen model, profiles/qwen.py; deepseek-r1* and deepseek-reasoner,
// profiles/deepseek.py; moonshotai/*, profiles/moonshotai.py) and
// supports_json_schema_output with supports_json_object_output, which
// every family sets together: meta-llama/ llama-4-maverick-17b-128e-instruct
// and llama-4-scout-17b-16e-instruct exactly (meta_groq_model_profile),
// gemma unless its name holds "image" (profiles/google.py), qwen 3.5
// (profiles/qwen.py _QWEN_3_5_RE, not qwen-3-coder), moonshotai/
// (groq_moonshotai_model_profile) and openai/ (profiles/openai.py).
func familyTraits(n string) (ignoreLeadingWhitespace, jsonOutput bool) {
	for _, prefix := range []string{"llama", "meta-llama/", "gemma", "qwen", "deepseek", "mistral", "moonshotai/", "compound-", "openai/"} {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		switch prefix {
		case "meta-llama/":
			family := n[len(prefix):]
			return false, family == "llama-4-maverick-17b-128e-instruct" || family == "llama-4-scout-17b-16e-instruct"
		case "gemma":
			image := strings.Contains(n, "image")
			return false, strings.Contains(n, "gemini-3") || !image
		case "qwen":
			return true, !strings.HasPrefix(n, "qwen-3-coder") && qwen35.MatchString(n)
		case "deepseek":
			return strings.HasPrefix(n, "deepseek-r1") || n == "deepseek-reasoner", false
		case "moonshotai/":
			return true, true
		case "openai/":
			return false, true
		}
		return false, false
	}
	return false, false
}

// qwen35 is pydantic-ai's _QWEN_3_5_RE (profiles/qwen.py), searched
// anywhere in the name.
var qwen35 = regexp.MustCompile(`qwen-?3[.\-]5`)

// hasBuiltinWebSearch reports whether the model searches the web itself.
// The name is lower-cased first, as GroqProvider.model_profile does before
// groq_model_profile reads it.
func hasBuiltinWebSearch(name string) bool {
	n := strings.ToLower(name)
	return strings.HasPrefix(n, "compound-") || strings.HasPrefix(n, "groq/compound")
}

// pythonJSON renders raw JSON as Python's json.dumps does by default
// (", " and ": " separators, non-ASCII escaped, key order kept), so the
// prompted-output instruction is byte for byte what pydantic-ai sends.
// Invalid JSON is returned as it is.
func pythonJSON(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b strings.Builder
	if err := writePython(&b, dec); err != nil {
		return string(raw)
	}
	return b.String()
}

func writePython(b *strings.Builder, dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		closing := json.Delim('}')
		if t == '[' {
			closing = ']'
		}
		b.WriteRune(rune(t))
		for i := 0; dec.More(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			if t == '{' {
				key, err := dec.Token()
				if err != nil {
					return err
				}
				writePythonString(b, key.(string))
				b.WriteString(": ")
			}
			if err := writePython(b, dec); err != nil {
				return err
			}
		}
		end, err := dec.Token()
		if err != nil || end != closing {
			return fmt.Errorf("unbalanced json")
		}
		b.WriteRune(rune(closing))
	case string:
		writePythonString(b, t)
	case json.Number:
		b.WriteString(pythonNumber(string(t)))
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

func writePythonString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e: // ensure_ascii: all but ' ' to '~', DEL included
			if r > 0xffff {
				r1, r2 := utf16Surrogates(r)
				fmt.Fprintf(b, `\u%04x\u%04x`, r1, r2)
			} else if r == utf8.RuneError {
				b.WriteString(`\ufffd`)
			} else {
				fmt.Fprintf(b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

// pythonNumber writes a JSON number as Python does after json.loads: an
// integer as an int (exact, "-0" as "0"), any other as a float's repr
// (shortest digits, ".0" on whole values, exponent form below 1e-4 and
// from 1e16, "Infinity" past the float range).
func pythonNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if strings.TrimLeft(lit, "-0") == "" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	switch {
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	case err != nil:
		return lit
	}
	sci := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX, shortest digits
	if i := strings.IndexByte(sci, 'e'); i >= 0 {
		if exp, err := strconv.Atoi(sci[i+1:]); err == nil && f != 0 && (exp < -4 || exp >= 16) {
			return sci
		}
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

func utf16Surrogates(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}
