package groq

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

// This file maps Groq's answers to llm responses, mirroring pydantic-ai's
// _process_response, _map_usage and _map_executed_tool. Pure functions.

// providerName is the llm.Response ProviderName of every Groq response.
const providerName = "groq"

// finishReasons maps Groq's finish reasons to llm's; an unknown reason
// maps to "" and is kept raw.
var finishReasons = map[string]llm.FinishReason{
	"stop":           llm.FinishStop,
	"length":         llm.FinishLength,
	"tool_calls":     llm.FinishToolCall,
	"content_filter": llm.FinishContentFilter,
	"function_call":  llm.FinishToolCall,
}

// processResponse maps a non-streamed completion to an llm.Response, in
// pydantic-ai's part order: reasoning, executed tools (call and return
// pairs), content split on <think> tags, tool calls. baseURL is recorded as
// the response's ProviderURL.
func processResponse(c *groqwire.ChatCompletion, baseURL string) (*llm.Response, error) {
	if len(c.Choices) == 0 {
		body, _ := json.Marshal(c)
		return nil, &llm.UnexpectedModelBehavior{Message: "groq: completion has no choices", Body: string(body)}
	}
	choice := c.Choices[0]
	msg := choice.Message
	var parts []llm.ResponsePart
	if msg.Reasoning != nil {
		parts = append(parts, &llm.ThinkingPart{Content: *msg.Reasoning})
	}
	for i, t := range msg.ExecutedTools {
		call, ret := mapExecutedTool(t, executedToolID(c.ID, i))
		parts = append(parts, call, ret)
	}
	if msg.Content != nil && *msg.Content != "" {
		parts = append(parts, splitThinking(*msg.Content)...)
	}
	for _, tc := range msg.ToolCalls {
		parts = append(parts, &llm.ToolCallPart{ToolName: tc.Function.Name, Args: tc.Function.Arguments, ToolCallID: tc.ID})
	}
	r := &llm.Response{
		Parts:              parts,
		ModelName:          c.Model,
		Timestamp:          time.Now(),
		ProviderTimestamp:  numberToTime(c.Created),
		ProviderName:       providerName,
		ProviderURL:        baseURL,
		ProviderResponseID: c.ID,
		FinishReason:       finishReasons[choice.FinishReason],
		RawFinishReason:    choice.FinishReason,
		Usage:              mapUsage(c.Usage),
		ProviderDetails:    completionDetails(c.SystemFingerprint, c.ServiceTier, c.XGroq, choice.FinishReason),
	}
	r.ProviderDetails = groqExtras(r.ProviderDetails, c.UsageBreakdown, c.MCPListTools)
	r.ProviderDetails = answerDetails(r.ProviderDetails, decodeAs[[]groqwire.Annotation](msg.Annotations), decodeAs[groqwire.ChoiceLogprobs](choice.Logprobs))
	return r, nil
}

// completionDetails gathers the Groq facts that have no llm field.
func completionDetails(fingerprint, tier string, x *groqwire.XGroq, finish string) map[string]any {
	d := map[string]any{}
	if finish != "" {
		d["finish_reason"] = finish
	}
	if fingerprint != "" {
		d["system_fingerprint"] = fingerprint
	}
	if tier != "" {
		d["service_tier"] = tier
	}
	if x != nil {
		if x.ID != "" {
			d["x_groq_id"] = x.ID
		}
		if x.Seed != nil {
			d["seed"] = *x.Seed
		}
		if x.CacheUsage != nil {
			d["x_groq_usage"] = *x.CacheUsage
		}
		if dbg := xGroqDebug(x.Debug); dbg != nil {
			d["x_groq_debug"] = dbg
		}
	}
	if len(d) == 0 {
		return nil
	}
	return d
}

// xGroqDebug is x_groq.debug (groq-python's XGroqDebug: input_token_ids,
// input_tokens, output_token_ids, output_tokens, sent when the request
// asked for debug) as decoded JSON, every field Groq sent kept; nil when
// absent, null or not an object.
func xGroqDebug(raw json.RawMessage) map[string]any {
	if m := decodeAs[map[string]any](raw); m != nil && *m != nil {
		return *m
	}
	return nil
}

// groqExtras adds to details, typed, what Groq sends beyond pydantic-ai's
// reading: "usage_breakdown" (a UsageBreakdown: per model, for compound
// systems) and "mcp_list_tools" (a []MCPListTool). Absent, null or
// misshapen values add nothing.
func groqExtras(d map[string]any, breakdown, mcpTools json.RawMessage) map[string]any {
	set := func(k string, v any) {
		if d == nil {
			d = map[string]any{}
		}
		d[k] = v
	}
	if b := decodeAs[groqwire.UsageBreakdown](breakdown); b != nil {
		set("usage_breakdown", *b)
	}
	if l := decodeAs[[]groqwire.MCPListTool](mcpTools); l != nil && *l != nil {
		set("mcp_list_tools", *l)
	}
	return d
}

// answerDetails adds to details the citations ("annotations", an
// []Annotation) and the token log probabilities ("logprobs", a
// []TokenLogprob) of the answer, when Groq sent any.
func answerDetails(d map[string]any, annotations *[]groqwire.Annotation, logprobs *groqwire.ChoiceLogprobs) map[string]any {
	if annotations != nil && len(*annotations) > 0 {
		if d == nil {
			d = map[string]any{}
		}
		d["annotations"] = *annotations
	}
	if logprobs != nil && len(logprobs.Content) > 0 {
		if d == nil {
			d = map[string]any{}
		}
		d["logprobs"] = logprobs.Content
	}
	return d
}

// decodeAs decodes raw into a new T; nil when raw is empty, null or does
// not decode.
func decodeAs[T any](raw json.RawMessage) *T {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	v := new(T)
	if json.Unmarshal(raw, v) != nil {
		return nil
	}
	return v
}

// numberToTime reads a Unix time as pydantic does: seconds, or
// milliseconds when the number is too large to be seconds. Zero is the
// zero time.
func numberToTime(n int64) time.Time {
	switch {
	case n == 0:
		return time.Time{}
	case n > 20_000_000_000 || n < -20_000_000_000:
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// mapUsage maps Groq's usage block: tokens, cached and reasoning tokens,
// any other integer counters as details, and the timings.
func mapUsage(u *groqwire.Usage) llm.Usage {
	if u == nil {
		return llm.Usage{Requests: 1}
	}
	out := llm.Usage{
		Requests:     1,
		InputTokens:  u.PromptTokens,
		OutputTokens: u.CompletionTokens,
		Timings: llm.Timings{
			Queue:      seconds(u.QueueTime),
			Prompt:     seconds(u.PromptTime),
			Completion: seconds(u.CompletionTime),
			Total:      seconds(u.TotalTime),
		},
	}
	if d := u.PromptTokensDetails; d != nil {
		out.CacheReadTokens = d.CachedTokens
	}
	liftInts(&out.Details, u.Extra)
	if d := u.CompletionTokensDetails; d != nil {
		out.ReasoningTokens = d.ReasoningTokens
		if out.Details == nil {
			out.Details = map[string]int{}
		}
		out.Details["reasoning_tokens"] = d.ReasoningTokens // kept when 0, as pydantic-ai does
		// pydantic-ai lifts every integer of completion_tokens_details
		// into details, over the top-level ones (models/groq.py
		// _map_usage).
		liftInts(&out.Details, d.Extra)
	}
	return out
}

// liftInts copies the members of extra that hold integers into *details,
// over what it holds, making the map when there is one to copy.
func liftInts(details *map[string]int, extra groqwire.Extra) {
	for k, raw := range extra {
		var n int
		if json.Unmarshal(raw, &n) == nil {
			if *details == nil {
				*details = map[string]int{}
			}
			(*details)[k] = n
		}
	}
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second))
}

// splitThinking splits content on <think>...</think> into thinking and
// text parts, as pydantic-ai's split_content_into_text_and_thinking: an
// unclosed <think> leaves the rest as text.
func splitThinking(content string) []llm.ResponsePart {
	const start, end = "<think>", "</think>"
	var parts []llm.ResponsePart
	for {
		i := strings.Index(content, start)
		if i < 0 {
			break
		}
		if before := content[:i]; before != "" {
			parts = append(parts, &llm.TextPart{Content: before})
		}
		rest := content[i+len(start):]
		j := strings.Index(rest, end)
		if j < 0 {
			content = rest
			break
		}
		parts = append(parts, &llm.ThinkingPart{Content: rest[:j]})
		content = rest[j+len(end):]
	}
	if content != "" {
		parts = append(parts, &llm.TextPart{Content: content})
	}
	return parts
}

// executedToolID derives a stable id pairing an executed tool's call and
// return parts.
func executedToolID(responseID string, i int) string {
	return "executed_" + responseID + "_" + strconv.Itoa(i)
}

// builtinToolNames names the tools Groq runs itself, by executed tool type.
var builtinToolNames = map[string]string{
	"search":         "web_search",
	"browser_search": "web_search",
	"python":         "code_execution",
	"code_execution": "code_execution",
	"visit":          "web_fetch",
}

// mapExecutedTool maps a tool Groq ran itself to a built-in call and its
// return. pydantic-ai maps only searches; other kinds keep their own type as
// the tool name rather than being lost.
func mapExecutedTool(t groqwire.ExecutedTool, id string) (*llm.BuiltinToolCallPart, *llm.BuiltinToolReturnPart) {
	if isMCPExecutedTool(t) {
		return mapMCPCall(t, id)
	}
	name := builtinToolNames[t.Type]
	if name == "" {
		name = t.Type
	}
	call := &llm.BuiltinToolCallPart{ToolName: name, Args: t.Arguments, ToolCallID: id, ProviderName: providerName}
	ret := &llm.BuiltinToolReturnPart{ToolName: name, Content: executedToolResult(t), ToolCallID: id, ProviderName: providerName}
	return call, ret
}

// executedToolResult is what a tool Groq ran returned. For a "search", as
// pydantic-ai's _map_executed_tool: the search results when they hold any
// result or image (every field of groq-python's model present, null when
// not sent, as model_dump(mode='json') writes them), else the output text.
// pydantic-ai drops the other kinds; here they keep every result they
// carry, by JSON name: "output", "search_results", "code_results" (charts
// and png included) and "browser_results". nil when there is none.
func executedToolResult(t groqwire.ExecutedTool) any {
	search := decodeNonEmpty(t.SearchResults)
	if m, ok := search.(map[string]any); ok {
		search = dumpSearchResults(m)
	}
	if t.Type == "search" {
		if m, ok := search.(map[string]any); ok && (nonEmptyList(m["results"]) || nonEmptyList(m["images"])) {
			return search
		}
		if t.Output != nil {
			return *t.Output
		}
		return nil
	}
	out := map[string]any{}
	if t.Output != nil {
		out["output"] = *t.Output
	}
	if search != nil {
		out["search_results"] = search
	}
	if v := decodeNonEmpty(t.CodeResults); v != nil {
		out["code_results"] = v
	}
	if v := decodeNonEmpty(t.BrowserResults); v != nil {
		out["browser_results"] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// dumpSearchResults gives search results every field groq-python's
// ExecutedToolSearchResults declares (images, results; a result's content,
// score, title, url), null where absent, keeping any other field.
func dumpSearchResults(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	for _, k := range []string{"images", "results"} {
		if _, ok := out[k]; !ok {
			out[k] = nil
		}
	}
	if results, ok := out["results"].([]any); ok {
		dumped := make([]any, len(results))
		for i, r := range results {
			if rm, ok := r.(map[string]any); ok {
				d := make(map[string]any, len(rm)+4)
				for k, v := range rm {
					d[k] = v
				}
				for _, k := range []string{"content", "score", "title", "url"} {
					if _, ok := d[k]; !ok {
						d[k] = nil
					}
				}
				r = d
			}
			dumped[i] = r
		}
		out["results"] = dumped
	}
	return out
}

func nonEmptyList(v any) bool {
	l, ok := v.([]any)
	return ok && len(l) > 0
}

func decodeNonEmpty(raw json.RawMessage) any {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	return v
}

// parseToolUseFailed recognises Groq's tool_use_failed error, as an HTTP
// error body ({"error": {...}}) or a stream error payload (the object
// itself), with the shape pydantic-ai's _GroqToolUseFailedInnerError
// validates (models/groq.py): a string message, type
// "invalid_request_error", code "tool_use_failed" and a string
// failed_generation. Any other error stays an error, as there.
func parseToolUseFailed(body []byte) (*groqwire.ErrorObject, bool) {
	var wrapped struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &wrapped) == nil && len(wrapped.Error) > 0 {
		if obj, ok := toolUseFailedObject(wrapped.Error); ok {
			return obj, true
		}
	}
	return toolUseFailedObject(body)
}

// toolUseFailedObject reads raw as one tool_use_failed error object.
func toolUseFailedObject(raw []byte) (*groqwire.ErrorObject, bool) {
	var shape struct {
		Message          *string `json:"message"`
		Type             *string `json:"type"`
		Code             *string `json:"code"`
		FailedGeneration *string `json:"failed_generation"`
	}
	if json.Unmarshal(raw, &shape) != nil || shape.Message == nil || shape.FailedGeneration == nil ||
		shape.Type == nil || *shape.Type != "invalid_request_error" ||
		shape.Code == nil || *shape.Code != "tool_use_failed" {
		return nil, false
	}
	var obj groqwire.ErrorObject
	if json.Unmarshal(raw, &obj) != nil {
		return nil, false
	}
	return &obj, true
}

// failedGenerationParts turns the generation Groq refused into parts: a
// tool call when it reads as {"name": ..., "arguments": {...}}, text
// otherwise, nothing when it is empty. The tool call has no id yet: see
// failedGenerationPartsAt.
func failedGenerationParts(fg string) []llm.ResponsePart {
	var call struct {
		Name      *string         `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	if json.Unmarshal([]byte(fg), &call) == nil && call.Name != nil && isJSONObject(call.Arguments) {
		var args bytes.Buffer
		if json.Compact(&args, call.Arguments) == nil {
			return []llm.ResponsePart{&llm.ToolCallPart{ToolName: *call.Name, Args: args.String()}}
		}
	}
	if fg == "" {
		return nil
	}
	return []llm.ResponsePart{&llm.TextPart{Content: fg}}
}

// failedGenerationPartsAt is failedGenerationParts for parts that will
// stand at index part of message message in the conversation. The tool call
// gets its id now, as pydantic-ai's ToolCallPart does when it is created
// (messages.py, tool_call_id default_factory=_generate_tool_call_id); the id
// is the one the request mapping derives for a call at that place
// (derivedID), so it is deterministic and the next request carries it.
func failedGenerationPartsAt(fg string, message, part int) []llm.ResponsePart {
	parts := failedGenerationParts(fg)
	for i, p := range parts {
		if tc, ok := p.(*llm.ToolCallPart); ok && tc.ToolCallID == "" {
			tc.ToolCallID = derivedID(tc.ToolName, message, part+i)
		}
	}
	return parts
}

func isJSONObject(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) > 0 && raw[0] == '{'
}

// toolUseFailedResponse is the response a tool_use_failed error becomes, so
// the caller's retry loop can answer it like any bad tool call. message is
// the index the response will have in the conversation. As in
// pydantic-ai's GroqModel.request (models/groq.py), it has finish reason
// "error" and no provider details nor raw finish reason: "tool_use_failed"
// is Groq's error code, not a finish reason. FinishError marks it; Groq
// answers with no other error that becomes a response.
func toolUseFailedResponse(obj *groqwire.ErrorObject, modelName, baseURL string, message int) *llm.Response {
	return &llm.Response{
		Parts:        failedGenerationPartsAt(*obj.FailedGeneration, message, 0),
		ModelName:    modelName,
		Timestamp:    time.Now(),
		ProviderName: providerName,
		ProviderURL:  baseURL,
		FinishReason: llm.FinishError,
	}
}
