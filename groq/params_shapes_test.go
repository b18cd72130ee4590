package groq

import (
	"encoding/json"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// More of groq-python 1.6.0's request shapes
// (src/groq/types/chat/completion_create_params.py).
func TestGroqParamShapes(t *testing.T) {
	no := false
	tests := []struct {
		name   string
		s      *Settings
		params *llm.RequestParams
		want   string // the new keys, as JSON
	}{
		// CompoundCustomTools.enabled_tools is Optional[SequenceNotStr[str]]:
		// an empty list enables no tool, which is not the same as leaving
		// it out.
		{"enabled_tools empty", &Settings{CompoundCustom: &CompoundCustom{Tools: &CompoundCustomTools{EnabledTools: []string{}}}}, nil,
			`{"compound_custom":{"tools":{"enabled_tools":[]}}}`},
		{"enabled_tools nil", &Settings{CompoundCustom: &CompoundCustom{Tools: &CompoundCustomTools{}}}, nil,
			`{"compound_custom":{"tools":{}}}`},
		{"reasoning_effort none", &Settings{ReasoningEffort: "none"}, nil, `{"reasoning_effort":"none"}`},
		{"reasoning_effort default", &Settings{ReasoningEffort: "default"}, nil, `{"reasoning_effort":"default"}`},
		{"reasoning_effort low", &Settings{ReasoningEffort: "low"}, nil, `{"reasoning_effort":"low"}`},
		{"reasoning_effort medium", &Settings{ReasoningEffort: "medium"}, nil, `{"reasoning_effort":"medium"}`},
		{"reasoning_effort high", &Settings{ReasoningEffort: "high"}, nil, `{"reasoning_effort":"high"}`},
		{"reasoning_format hidden", &Settings{ReasoningFormat: "hidden"}, nil, `{"reasoning_format":"hidden"}`},
		{"reasoning_format raw", &Settings{ReasoningFormat: "raw"}, nil, `{"reasoning_format":"raw"}`},
		{"service_tier auto", &Settings{ServiceTier: "auto"}, nil, `{"service_tier":"auto"}`},
		{"service_tier on_demand", &Settings{ServiceTier: "on_demand"}, nil, `{"service_tier":"on_demand"}`},
		{"service_tier flex", &Settings{ServiceTier: "flex"}, nil, `{"service_tier":"flex"}`},
		{"service_tier performance", &Settings{ServiceTier: "performance"}, nil, `{"service_tier":"performance"}`},
		{"search_settings", &Settings{SearchSettings: &SearchSettings{Country: "germany", IncludeDomains: []string{"a.example"}, ExcludeDomains: []string{"b.example"}, IncludeImages: &no}}, nil,
			`{"search_settings":{"country":"germany","include_domains":["a.example"],"exclude_domains":["b.example"],"include_images":false}}`},
		// pydantic-ai sends parallel_tool_calls whenever `tools` is not
		// empty, native tools included (models/groq.py _completions_create).
		{"parallel_tool_calls with a native tool only", &Settings{Settings: llm.Settings{ParallelToolCalls: &no}}, &llm.RequestParams{NativeTools: []llm.NativeTool{&BrowserSearchTool{}}},
			`{"tools":[{"type":"browser_search"}],"parallel_tool_calls":false}`},
	}
	base := sentKeys(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := BuildRequest("openai/gpt-oss-120b", hello(), tt.s, tt.params)
			if err != nil {
				t.Fatal(err)
			}
			got := keysOf(t, body)
			for k := range base {
				delete(got, k)
			}
			want := keysOf(t, []byte(tt.want))
			if len(got) != len(want) {
				t.Errorf("sent new keys %v, want %v", keys(got), keys(want))
			}
			for k, w := range want {
				jsonEq(t, string(w), got[k])
			}
		})
	}
}

func keysOf(t *testing.T, body []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
