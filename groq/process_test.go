package groq

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
	"github.com/llmvcr/llmvcr/llm"
)

func TestSplitThinking(t *testing.T) {
	tests := []struct {
		in   string
		want []llm.ResponsePart
	}{
		{"plain", []llm.ResponsePart{&llm.TextPart{Content: "plain"}}},
		{"<think>\nhmm\n</think>\n\nanswer", []llm.ResponsePart{&llm.ThinkingPart{Content: "\nhmm\n"}, &llm.TextPart{Content: "\n\nanswer"}}},
		{"before<think>a</think>mid<think>b</think>", []llm.ResponsePart{&llm.TextPart{Content: "before"}, &llm.ThinkingPart{Content: "a"}, &llm.TextPart{Content: "mid"}, &llm.ThinkingPart{Content: "b"}}},
		{"x<think>never closed", []llm.ResponsePart{&llm.TextPart{Content: "x"}, &llm.TextPart{Content: "never closed"}}},
		{"</think>stray", []llm.ResponsePart{&llm.TextPart{Content: "</think>stray"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, splitThinking(tt.in)); diff != "" {
			t.Errorf("splitThinking(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

func TestProcessResponseExecutedTools(t *testing.T) {
	body := `{"id":"stub","created":1758143653,"model":"groq/compound","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant",
	"reasoning":"<think>searching</think>","content":"It is sunny.",
	"executed_tools":[
	 {"index":0,"type":"search","arguments":"{\"query\": \"weather\"}","output":"raw text","search_results":{"results":[{"title":"T","url":"https://w","content":"c","score":0.9}],"images":null}},
	 {"index":1,"type":"python","arguments":"{\"code\": \"1+1\"}","output":"2","code_results":[{"text":"2"}]},
	 {"index":2,"type":"search","arguments":"{}","output":"only output","search_results":{"results":[],"images":null}},
	 {"index":3,"type":"mystery","arguments":"{}","output":"?"},
	 {"index":4,"type":"search","arguments":"{}","search_results":{"results":[{"title":"only a title"}],"new":1}},
	 {"index":5,"type":"browser_search","arguments":"{}","output":"visited","browser_results":[{"title":"B","url":"https://b","content":null,"live_view_url":"https://l"}]},
	 {"index":6,"type":"python","arguments":"{}","code_results":[{"text":"t","png":"iVBOR","charts":[{"type":"bar","title":"C","elements":[{"label":"a","value":1}]}]}]}]}}],
	"usage":{"prompt_tokens":5296,"completion_tokens":387,"total_tokens":5683}}`
	var c groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	r, err := processResponse(&c, DefaultBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	id := func(i string) string { return "executed_stub_" + i }
	want := []llm.ResponsePart{
		&llm.ThinkingPart{Content: "<think>searching</think>"},
		&llm.BuiltinToolCallPart{ToolName: "web_search", Args: `{"query": "weather"}`, ToolCallID: id("0"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "web_search", ToolCallID: id("0"), ProviderName: "groq",
			Content: map[string]any{"results": []any{map[string]any{"title": "T", "url": "https://w", "content": "c", "score": 0.9}}, "images": nil}},
		&llm.BuiltinToolCallPart{ToolName: "code_execution", Args: `{"code": "1+1"}`, ToolCallID: id("1"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "code_execution", ToolCallID: id("1"), ProviderName: "groq",
			Content: map[string]any{"output": "2", "code_results": []any{map[string]any{"text": "2"}}}},
		&llm.BuiltinToolCallPart{ToolName: "web_search", Args: `{}`, ToolCallID: id("2"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "web_search", ToolCallID: id("2"), ProviderName: "groq", Content: "only output"},
		&llm.BuiltinToolCallPart{ToolName: "mystery", Args: `{}`, ToolCallID: id("3"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "mystery", ToolCallID: id("3"), ProviderName: "groq", Content: map[string]any{"output": "?"}},
		// pydantic-ai's model_dump(mode='json'): every declared field, null
		// when not sent; unknown fields kept.
		&llm.BuiltinToolCallPart{ToolName: "web_search", Args: `{}`, ToolCallID: id("4"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "web_search", ToolCallID: id("4"), ProviderName: "groq", Content: map[string]any{
			"images": nil, "new": 1.0, "results": []any{map[string]any{"title": "only a title", "url": nil, "content": nil, "score": nil}}}},
		&llm.BuiltinToolCallPart{ToolName: "web_search", Args: `{}`, ToolCallID: id("5"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "web_search", ToolCallID: id("5"), ProviderName: "groq", Content: map[string]any{
			"output": "visited", "browser_results": []any{map[string]any{"title": "B", "url": "https://b", "content": nil, "live_view_url": "https://l"}}}},
		&llm.BuiltinToolCallPart{ToolName: "code_execution", Args: `{}`, ToolCallID: id("6"), ProviderName: "groq"},
		&llm.BuiltinToolReturnPart{ToolName: "code_execution", ToolCallID: id("6"), ProviderName: "groq", Content: map[string]any{
			"code_results": []any{map[string]any{"text": "t", "png": "iVBOR", "charts": []any{map[string]any{"type": "bar", "title": "C", "elements": []any{map[string]any{"label": "a", "value": 1.0}}}}}}}},
		&llm.TextPart{Content: "It is sunny."},
	}
	if diff := cmp.Diff(want, r.Parts); diff != "" {
		t.Errorf("parts (-want +got):\n%s", diff)
	}
	if r.ProviderResponseID != "stub" || r.Usage.InputTokens != 5296 || r.Usage.OutputTokens != 387 {
		t.Errorf("id %q usage %+v", r.ProviderResponseID, r.Usage)
	}
}

func TestProcessResponseMetadata(t *testing.T) {
	tests := []struct {
		name       string
		finish     string
		created    int64
		wantFinish llm.FinishReason
		wantTime   time.Time
	}{
		{"tool_calls", "tool_calls", 1704067200, llm.FinishToolCall, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"length", "length", 0, llm.FinishLength, time.Time{}},
		{"function_call", "function_call", 0, llm.FinishToolCall, time.Time{}},
		{"unknown kept raw", "model_overloaded", 1704067200123, "", time.Date(2024, 1, 1, 0, 0, 0, 123e6, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &groqwire.ChatCompletion{ID: "x", Created: tt.created, Choices: []groqwire.Choice{{FinishReason: tt.finish, Message: groqwire.ChatCompletionMessage{Content: ptr("")}}}}
			r, err := processResponse(c, "u")
			if err != nil {
				t.Fatal(err)
			}
			if r.FinishReason != tt.wantFinish || r.RawFinishReason != tt.finish || r.ProviderDetails["finish_reason"] != tt.finish {
				t.Errorf("finish = %q raw %q details %v", r.FinishReason, r.RawFinishReason, r.ProviderDetails)
			}
			if !r.ProviderTimestamp.Equal(tt.wantTime) {
				t.Errorf("provider timestamp = %v, want %v", r.ProviderTimestamp, tt.wantTime)
			}
			if len(r.Parts) != 0 {
				t.Errorf("empty content made parts: %v", r.Parts)
			}
		})
	}
}

func TestMapUsage(t *testing.T) {
	var u groqwire.Usage
	if err := json.Unmarshal([]byte(`{"prompt_tokens":336,"completion_tokens":96,"total_tokens":432,"queue_time":0.25,"prompt_time":0.5,
		"completion_time":1.5,"total_time":2,"prompt_tokens_details":{"cached_tokens":256},"completion_tokens_details":{"reasoning_tokens":59},
		"dram_cached_tokens":7,"note":"x"}`), &u); err != nil {
		t.Fatal(err)
	}
	want := llm.Usage{Requests: 1, InputTokens: 336, OutputTokens: 96, CacheReadTokens: 256, ReasoningTokens: 59,
		Details: map[string]int{"reasoning_tokens": 59, "dram_cached_tokens": 7},
		Timings: llm.Timings{Queue: 250 * time.Millisecond, Prompt: 500 * time.Millisecond, Completion: 1500 * time.Millisecond, Total: 2 * time.Second}}
	if diff := cmp.Diff(want, mapUsage(&u)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(llm.Usage{Requests: 1}, mapUsage(nil)); diff != "" {
		t.Errorf("nil usage (-want +got):\n%s", diff)
	}
}
