package groq

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/llmvcr/llmvcr/internal/groqwire"
)

// jsonEq compares two JSON texts by value.
func jsonEq(t *testing.T, want string, got []byte) {
	t.Helper()
	if diff := cmp.Diff(decodeJSON(t, []byte(want)), decodeJSON(t, got)); diff != "" {
		t.Errorf("JSON differs (-want +got):\n%s", diff)
	}
}

// A non-streamed completion shaped as groq-python 1.6.0's ChatCompletion:
// x_groq.usage holds cache counters, usage_breakdown a per-model usage,
// mcp_list_tools the tools of a remote MCP server.
const completionWithXGroq = `{"id":"chatcmpl-1","object":"chat.completion","created":1770663522,"model":"groq/compound",
"choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop","logprobs":null}],
"usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12},
"usage_breakdown":{"models":[{"model":"openai/gpt-oss-120b","usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8,"prompt_time":0.5}}]},
"mcp_list_tools":[{"id":"mcpl_1","server_label":"docs","type":"mcp_list_tools","tools":[{"name":"search","description":"Search","input_schema":{"type":"object"},"annotations":null}]}],
"x_groq":{"id":"req_1","seed":3,"usage":{"dram_cached_tokens":64,"sram_cached_tokens":32}}}`

func TestCompletionXGroqUsage(t *testing.T) {
	var c groqwire.ChatCompletion
	if err := json.Unmarshal([]byte(completionWithXGroq), &c); err != nil {
		t.Fatal(err)
	}
	if c.XGroq.Usage != nil {
		t.Fatalf("the cache counters read as a token usage: %+v", c.XGroq.Usage)
	}
	u := c.XGroq.CacheUsage
	if u == nil || u.DRAMCachedTokens == nil || *u.DRAMCachedTokens != 64 || *u.SRAMCachedTokens != 32 || len(u.Extra) != 0 {
		t.Fatalf("x_groq.usage = %+v", u)
	}
	// Marshalled back, nothing is invented (no zero token counters).
	back, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	jsonEq(t, completionWithXGroq, back)

	r, err := processResponse(&c, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"x_groq_usage":    groqwire.XGroqUsage{DRAMCachedTokens: ptr(64), SRAMCachedTokens: ptr(32)},
		"usage_breakdown": groqwire.UsageBreakdown{Models: []groqwire.UsageBreakdownModel{{Model: "openai/gpt-oss-120b", Usage: groqwire.Usage{PromptTokens: 7, CompletionTokens: 1, TotalTokens: 8, PromptTime: 0.5}}}},
		"mcp_list_tools": []groqwire.MCPListTool{{ID: "mcpl_1", ServerLabel: "docs", Type: "mcp_list_tools", Tools: []groqwire.MCPTool{{
			Name: "search", Description: "Search", InputSchema: json.RawMessage(`{"type":"object"}`), Annotations: json.RawMessage("null")}}}},
	}
	for k, w := range want {
		if diff := cmp.Diff(w, r.ProviderDetails[k]); diff != "" {
			t.Errorf("details[%s] (-want +got):\n%s", k, diff)
		}
	}
	if r.Usage.InputTokens != 10 || r.Usage.OutputTokens != 2 {
		t.Errorf("usage = %+v", r.Usage)
	}
}

func TestCompletionXGroqNullsAndOddShapes(t *testing.T) {
	for _, body := range []string{
		`{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}],"usage_breakdown":null,"mcp_list_tools":null,"x_groq":{"id":"r"}}`,
		`{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}],"usage_breakdown":"odd","mcp_list_tools":{"a":1}}`,
	} {
		var c groqwire.ChatCompletion
		if err := json.Unmarshal([]byte(body), &c); err != nil {
			t.Fatal(err)
		}
		r, err := processResponse(&c, "")
		if err != nil {
			t.Fatal(err)
		}
		if r.ProviderDetails["usage_breakdown"] != nil || r.ProviderDetails["mcp_list_tools"] != nil || r.ProviderDetails["x_groq_usage"] != nil {
			t.Errorf("%s: details %v", body, r.ProviderDetails)
		}
		back, _ := json.Marshal(c)
		jsonEq(t, body, back)
	}
}

func TestStreamXGroqUsageAndBreakdown(t *testing.T) {
	last := chunkJSON(`{}`, "stop", `,"x_groq":{"id":"req_1","usage":{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12},`+
		`"usage_breakdown":{"models":[{"model":"openai/gpt-oss-120b","usage":{"prompt_tokens":7,"completion_tokens":1,"total_tokens":8}}]}}`)
	sr := openStream(t, sseOf(textChunk("hi", ""), last), nil)
	if _, _, err := collect(t, sr); err != nil {
		t.Fatal(err)
	}
	r := sr.Response()
	if r.Usage.InputTokens != 10 || r.Usage.OutputTokens != 2 {
		t.Errorf("usage = %+v", r.Usage)
	}
	want := groqwire.UsageBreakdown{Models: []groqwire.UsageBreakdownModel{{Model: "openai/gpt-oss-120b", Usage: groqwire.Usage{PromptTokens: 7, CompletionTokens: 1, TotalTokens: 8}}}}
	if diff := cmp.Diff(want, r.ProviderDetails["usage_breakdown"]); diff != "" {
		t.Errorf("usage_breakdown (-want +got):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }

// FuzzGroqExtras feeds arbitrary bodies through the completion decoding and
// the typed extras (x_groq.usage, usage_breakdown, mcp_list_tools), and
// arbitrary chunks through the stream: errors, never a panic.
func FuzzGroqExtras(f *testing.F) {
	f.Add([]byte(completionWithXGroq))
	f.Add([]byte(`{"choices":[{"message":{}}],"usage_breakdown":{"models":[{"usage":null}]},"mcp_list_tools":[null],"x_groq":{"usage":null}}`))
	f.Add([]byte(`{"choices":[],"x_groq":{"usage":{"dram_cached_tokens":"x"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var c groqwire.ChatCompletion
		if json.Unmarshal(body, &c) == nil {
			if r, err := processResponse(&c, ""); err == nil && r == nil {
				t.Fatal("nil response without error")
			}
			if _, err := json.Marshal(c); err != nil {
				t.Fatalf("a decoded completion does not marshal: %v", err)
			}
		}
		_ = groqExtras(nil, body, body)
		var d chunkDecoder
		if ch, err := d.decode(body); err == nil && ch != nil {
			if _, err := json.Marshal(ch); err != nil {
				t.Fatalf("a decoded chunk does not marshal: %v", err)
			}
		}
	})
}
