// Package fakemodel holds in-process llm.Model fakes, for code that takes
// an llm.Model rather than an HTTP client: FunctionModel answers with the
// test's function (and streams its deltas), and TestModel behaves like
// pydantic-ai's TestModel, calling every offered tool with arguments that
// fit its schema and then summarising the results. When a response has
// no usage, both estimate it as pydantic-ai does: 50 tokens of overhead
// plus the words of every request part in, those of every response part
// out.
//
// To test the HTTP layer, use the fake Groq server in package fakes.
package fakemodel

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"strings"
	"sync"
	"time"

	"github.com/llmvcr/llmvcr/internal/jsonvalue"
	"github.com/llmvcr/llmvcr/internal/provider"
	"github.com/llmvcr/llmvcr/internal/schemagen"
	"github.com/llmvcr/llmvcr/llm"
)

// RequestInfo is what a FunctionModel's functions learn about the request besides
// the messages (pydantic-ai's AgentInfo).
type RequestInfo struct {
	FunctionTools []llm.ToolDefinition // tools the caller runs
	OutputTools   []llm.ToolDefinition // tools whose call is the final output
	AllowText     bool                 // a plain-text answer is acceptable
	Settings      llm.ModelSettings    // as passed; may be nil
	Params        *llm.RequestParams   // as passed; may be nil
	Instructions  string               // of the last request, "" if none
}

func newInfo(messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) RequestInfo {
	info := RequestInfo{AllowText: provider.AllowsText(params), Settings: settings, Params: params}
	if params != nil {
		info.FunctionTools = params.FunctionTools
		info.OutputTools = params.OutputTools
	}
	for i := len(messages) - 1; i >= 0; i-- {
		if r, ok := messages[i].(*llm.Request); ok {
			info.Instructions = r.Instructions
			break
		}
	}
	return info
}

// FunctionModel is an llm.Model whose answers come from the test's
// functions: Func for Request, Stream for RequestStream. The response's
// model name is set to Name(), its timestamp to now if zero, and its usage
// estimated as pydantic-ai does when the function gives none.
//
// With only Func, RequestStream streams Func's response (text word by word,
// other parts whole); with only Stream, Request collects the stream.
type FunctionModel struct {
	// Func answers a non-streamed request.
	Func func(ctx context.Context, messages []llm.Message, info RequestInfo) (*llm.Response, error)
	// Stream answers a streamed request with deltas; it must yield at least
	// one, and should stop when ctx is done.
	Stream func(ctx context.Context, messages []llm.Message, info RequestInfo) iter.Seq2[Delta, error]
	// ModelName is what Name returns; "" means "function".
	ModelName string
	// Clock stamps responses (any clock with Now, such as a
	// *fakeclock.Clock); nil means the real clock.
	Clock interface{ Now() time.Time }
}

var _ llm.Model = (*FunctionModel)(nil)

// Name returns ModelName, or "function".
func (m *FunctionModel) Name() string {
	if m.ModelName == "" {
		return "function"
	}
	return m.ModelName
}

// System returns "function".
func (m *FunctionModel) System() string { return "function" }

func (m *FunctionModel) now() time.Time { return now(m.Clock) }

// now returns c's time, or the wall clock's when c is nil.
func now(c interface{ Now() time.Time }) time.Time {
	if c == nil {
		return time.Now()
	}
	return c.Now()
}

// Request calls Func (or collects Stream).
func (m *FunctionModel) Request(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (*llm.Response, error) {
	info := newInfo(messages, settings, params)
	if m.Func == nil {
		if m.Stream == nil {
			return nil, &llm.UserError{Message: "fakemodel: FunctionModel needs Func or Stream"}
		}
		s, err := m.RequestStream(ctx, messages, settings, params)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		for _, err := range s.Events() {
			if err != nil {
				return nil, err
			}
		}
		return s.Response(), nil
	}
	resp, err := m.Func(ctx, messages, info)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, &llm.UnexpectedModelBehavior{Message: "fakemodel: FunctionModel's Func returned a nil response and no error"}
	}
	out := *resp
	out.Parts = append([]llm.ResponsePart(nil), resp.Parts...)
	out.ModelName = m.Name()
	if out.Timestamp.IsZero() {
		out.Timestamp = m.now()
	}
	if out.Usage.IsZero() {
		out.Usage = estimateUsage(messages, &out)
	}
	return &out, nil
}

// RequestStream calls Stream (or streams Func's response).
func (m *FunctionModel) RequestStream(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (llm.StreamedResponse, error) {
	info := newInfo(messages, settings, params)
	meta := llm.Response{ModelName: m.Name(), Timestamp: m.now()}
	if m.Stream == nil {
		if m.Func == nil {
			return nil, &llm.UserError{Message: "fakemodel: FunctionModel needs Func or Stream"}
		}
		resp, err := m.Request(ctx, messages, settings, params)
		if err != nil {
			return nil, err
		}
		s := newStreamed(ctx, messages, meta, deltasOf(resp))
		s.meta.FinishReason, s.meta.RawFinishReason = resp.FinishReason, resp.RawFinishReason
		if !resp.Usage.IsZero() {
			u := resp.Usage
			s.usage = &u
		}
		return s, nil
	}
	s := newStreamed(ctx, messages, meta, nil)
	s.source = m.Stream(s.ctx, messages, info)
	return s, nil
}

// deltasOf yields a response's parts as deltas: text word by word
// (pydanticWords), other parts whole.
func deltasOf(resp *llm.Response) iter.Seq2[Delta, error] {
	return func(yield func(Delta, error) bool) {
		for _, p := range resp.Parts {
			var ds []Delta
			if t, ok := p.(*llm.TextPart); ok {
				for _, w := range pydanticWords(t.Content) {
					ds = append(ds, TextDelta(w))
				}
			} else {
				ds = []Delta{PartDelta{Part: p}}
			}
			for _, d := range ds {
				if !yield(d, nil) {
					return
				}
			}
		}
	}
}

// pydanticWords splits text as pydantic-ai's TestModel streams it: on
// spaces, each word but the last keeping its trailing space; a single word
// longer than two characters is split in half.
func pydanticWords(text string) []string {
	parts := strings.Split(text, " ")
	for i := range parts[:len(parts)-1] {
		parts[i] += " "
	}
	if len(parts) == 1 && len(text) > 2 {
		mid := len(text) / 2
		return []string{text[:mid], text[mid:]}
	}
	return parts
}

// TestModel is an llm.Model like pydantic-ai's TestModel: on the first
// request (no response yet in the conversation) it calls every offered
// function tool (or those in CallTools) with arguments generated from the
// tool's JSON schema (as pydantic-ai does, with Seed); when the last request
// holds retry prompts it calls those tools again; otherwise it answers
// Text, or the JSON of {tool_name: result} for every tool return in the
// conversation, or "success (no tool calls)". When text output is not
// allowed it calls an output tool (chosen by Seed) with OutputArgs or
// generated arguments. Streams yield text word by word.
type TestModel struct {
	CallTools  []string                     // tools to call on the first request; nil calls all, an empty slice none
	Text       string                       // the text answer; "" for the summary of tool results
	OutputArgs any                          // arguments for the output tool; nil to generate them
	Seed       int64                        // seeds generated arguments and the output tool choice
	ModelName  string                       // what Name returns; "" means "test"
	Clock      interface{ Now() time.Time } // stamps responses; nil means the real clock

	mu         sync.Mutex
	lastParams *llm.RequestParams
}

var _ llm.Model = (*TestModel)(nil)

// Name returns ModelName, or "test".
func (m *TestModel) Name() string {
	if m.ModelName == "" {
		return "test"
	}
	return m.ModelName
}

// System returns "test".
func (m *TestModel) System() string { return "test" }

// Request answers as described on TestModel.
func (m *TestModel) Request(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (*llm.Response, error) {
	m.mu.Lock()
	m.lastParams = params
	m.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	parts, err := m.answer(messages, params)
	if err != nil {
		return nil, err
	}
	resp := &llm.Response{Parts: parts, ModelName: m.Name(), Timestamp: now(m.Clock)}
	resp.Usage = estimateUsage(messages, resp)
	return resp, nil
}

// RequestStream streams what Request would answer: text word by word, tool
// calls whole.
func (m *TestModel) RequestStream(ctx context.Context, messages []llm.Message, settings llm.ModelSettings, params *llm.RequestParams) (llm.StreamedResponse, error) {
	resp, err := m.Request(ctx, messages, settings, params)
	if err != nil {
		return nil, err
	}
	meta := llm.Response{ModelName: resp.ModelName, Timestamp: resp.Timestamp}
	return newStreamed(ctx, messages, meta, deltasOf(resp)), nil
}

func testCallID(name string) string { return "pyd_ai_tool_call_id__" + name }

func (m *TestModel) answer(messages []llm.Message, params *llm.RequestParams) ([]llm.ResponsePart, error) {
	if params != nil && len(params.NativeTools) > 0 {
		return nil, &llm.UserError{Message: "fakemodel: TestModel does not support built-in tools"}
	}
	var tools []llm.ToolDefinition
	if params != nil {
		for _, t := range params.FunctionTools {
			if !t.Withheld && (m.CallTools == nil || contains(m.CallTools, t.Name)) {
				tools = append(tools, t)
			}
		}
	}
	first := true
	for _, msg := range messages {
		if _, ok := msg.(*llm.Response); ok {
			first = false
		}
	}
	if len(tools) > 0 && first {
		return m.calls(tools, nil)
	}
	if n := len(messages); n > 0 {
		if last, ok := messages[n-1].(*llm.Request); ok {
			retry := map[string]bool{}
			for _, p := range last.Parts {
				if r, ok := p.(*llm.RetryPromptPart); ok && r.ToolName != "" {
					retry[r.ToolName] = true
				}
			}
			if len(retry) > 0 {
				parts, err := m.calls(tools, retry)
				if err != nil {
					return nil, err
				}
				if params != nil {
					var outs []llm.ToolDefinition
					for _, t := range params.OutputTools {
						if retry[t.Name] {
							outs = append(outs, t)
						}
					}
					more, err := m.outputCalls(outs)
					if err != nil {
						return nil, err
					}
					parts = append(parts, more...)
				}
				return parts, nil
			}
		}
	}
	hasOutputTools := params != nil && len(params.OutputTools) > 0
	switch {
	case m.Text != "":
		return []llm.ResponsePart{&llm.TextPart{Content: m.Text}}, nil
	case hasOutputTools && (m.OutputArgs != nil || !provider.AllowsText(params)):
		out := params.OutputTools[schemagen.Pick(m.Seed, len(params.OutputTools))]
		return m.outputCalls([]llm.ToolDefinition{out})
	default:
		return []llm.ResponsePart{&llm.TextPart{Content: toolResultsJSON(messages)}}, nil
	}
}

func (m *TestModel) calls(tools []llm.ToolDefinition, only map[string]bool) ([]llm.ResponsePart, error) {
	var parts []llm.ResponsePart
	for _, t := range tools {
		if only != nil && !only[t.Name] {
			continue
		}
		args, err := schemagen.Generate(t.Parameters, m.Seed)
		if err != nil {
			return nil, err
		}
		parts = append(parts, &llm.ToolCallPart{ToolName: t.Name, Args: string(args), ToolCallID: testCallID(t.Name)})
	}
	return parts, nil
}

func (m *TestModel) outputCalls(tools []llm.ToolDefinition) ([]llm.ResponsePart, error) {
	var parts []llm.ResponsePart
	for _, t := range tools {
		var args []byte
		if m.OutputArgs != nil {
			b, err := json.Marshal(m.OutputArgs)
			if err != nil {
				return nil, &llm.UserError{Message: "fakemodel: TestModel.OutputArgs does not marshal: " + err.Error()}
			}
			args = b
		} else {
			b, err := schemagen.Generate(t.Parameters, m.Seed)
			if err != nil {
				return nil, err
			}
			args = b
		}
		parts = append(parts, &llm.ToolCallPart{ToolName: t.Name, Args: string(args), ToolCallID: testCallID(t.Name)})
	}
	return parts, nil
}

// toolResultsJSON is pydantic-ai's summary: {tool_name: content} for every
// tool return, in order, as compact JSON; "success (no tool calls)" when
// there is none.
func toolResultsJSON(messages []llm.Message) string {
	var names []string
	values := map[string]any{}
	for _, msg := range messages {
		r, ok := msg.(*llm.Request)
		if !ok {
			continue
		}
		for _, p := range r.Parts {
			if tr, ok := p.(*llm.ToolReturnPart); ok {
				if _, seen := values[tr.ToolName]; !seen {
					names = append(names, tr.ToolName)
				}
				values[tr.ToolName] = tr.Content
			}
		}
	}
	if len(names) == 0 {
		return "success (no tool calls)"
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, n := range names {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(n)
		buf.Write(k)
		buf.WriteByte(':')
		if v, err := jsonvalue.Marshal(values[n]); err != nil {
			buf.WriteString("null")
		} else {
			buf.Write(v)
		}
	}
	buf.WriteByte('}')
	return buf.String()
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}
