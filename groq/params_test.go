package groq

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/llmvcr/llmvcr/llm"
)

// Each typed parameter is sent under groq-python 1.6.0's JSON name and
// shape (src/groq/types/chat/completion_create_params.py).
func TestGroqParamsUseTheSDKNames(t *testing.T) {
	yes, no := true, false
	five, two := 5, 2
	key, answering, reasoningModel := "wolfram-test-not-a-key", "openai/gpt-oss-120b", "qwen/qwen3-32b"
	tests := []struct {
		name string
		s    *Settings
		want string // the parameter's key and value, as JSON
	}{
		{"max_completion_tokens", &Settings{MaxCompletionTokens: &five}, `{"max_completion_tokens":5}`},
		{"include_reasoning", &Settings{IncludeReasoning: &no}, `{"include_reasoning":false}`},
		{"documents", &Settings{Documents: []Document{
			{ID: "doc-1", Source: DocumentSource{Type: "text", Text: "Paris is in France."}},
			{Source: DocumentSource{Type: "json", Data: map[string]any{"city": "Paris"}}},
		}}, `{"documents":[{"id":"doc-1","source":{"type":"text","text":"Paris is in France."}},{"source":{"type":"json","data":{"city":"Paris"}}}]}`},
		{"citation_options", &Settings{CitationOptions: "enabled"}, `{"citation_options":"enabled"}`},
		{"compound_custom", &Settings{CompoundCustom: &CompoundCustom{
			Models: &CompoundCustomModels{AnsweringModel: &answering, ReasoningModel: &reasoningModel},
			Tools:  &CompoundCustomTools{EnabledTools: []string{"web_search", "wolfram_alpha"}, WolframSettings: &WolframSettings{Authorization: &key}},
		}}, `{"compound_custom":{"models":{"answering_model":"openai/gpt-oss-120b","reasoning_model":"qwen/qwen3-32b"},"tools":{"enabled_tools":["web_search","wolfram_alpha"],"wolfram_settings":{"authorization":"wolfram-test-not-a-key"}}}}`},
		{"disable_tool_validation", &Settings{DisableToolValidation: &yes}, `{"disable_tool_validation":true}`},
		{"logprobs and top_logprobs", &Settings{Logprobs: &yes, TopLogprobs: &two}, `{"logprobs":true,"top_logprobs":2}`},
		{"metadata", &Settings{Metadata: map[string]string{"run": "7"}}, `{"metadata":{"run":"7"}}`},
		{"store", &Settings{Store: &no}, `{"store":false}`},
		{"stop as one string", &Settings{Stop: "END"}, `{"stop":"END"}`},
		{"stop as a list", &Settings{Settings: llm.Settings{StopSequences: []string{"a", "b"}}}, `{"stop":["a","b"]}`},
		{"include_domains and exclude_domains", &Settings{IncludeDomains: []string{"a.example"}, ExcludeDomains: []string{"b.example"}}, `{"include_domains":["a.example"],"exclude_domains":["b.example"]}`},
	}
	base := sentKeys(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentKeys(t, tt.s)
			var want map[string]json.RawMessage
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			for k := range base {
				delete(got, k)
			}
			if len(got) != len(want) {
				t.Errorf("sent %d new keys %v, want %v", len(got), keys(got), keys(want))
			}
			for k, w := range want {
				jsonEq(t, string(w), got[k])
			}
		})
	}
}

// The settings of a request win over the model's defaults, field by field.
func TestGroqParamsMerge(t *testing.T) {
	five, six := 5, 6
	s := mergeSettings(&Settings{MaxCompletionTokens: &five, Stop: "A", Metadata: map[string]string{"a": "1"}}, &Settings{MaxCompletionTokens: &six})
	if *s.MaxCompletionTokens != 6 || s.Stop != "A" || s.Metadata["a"] != "1" {
		t.Errorf("merged = %+v", s)
	}
}

func TestGroqParamsRefused(t *testing.T) {
	yes, no, big := true, false, 21
	tests := map[string]*Settings{
		"include_reasoning with reasoning_format": {IncludeReasoning: &yes, ReasoningFormat: "parsed"},
		"include_reasoning with thinking":         {IncludeReasoning: &yes, Settings: llm.Settings{Thinking: llm.ThinkingOn}},
		"stop twice":                              {Stop: "a", Settings: llm.Settings{StopSequences: []string{"b"}}},
		"citation options":                        {CitationOptions: "on"},
		"top_logprobs without logprobs":           {TopLogprobs: &yes2},
		"top_logprobs with logprobs false":        {TopLogprobs: &yes2, Logprobs: &no},
		"top_logprobs over 20":                    {TopLogprobs: &big, Logprobs: &yes},
		"document type":                           {Documents: []Document{{Source: DocumentSource{Type: "pdf"}}}},
		"json document without data":              {Documents: []Document{{Source: DocumentSource{Type: "json"}}}},
	}
	for name, s := range tests {
		_, err := wireRequest("qwen/qwen3-32b", hello(), s, nil)
		var ue *llm.UserError
		if !errors.As(err, &ue) {
			t.Errorf("%s: err = %v, want a *llm.UserError", name, err)
		}
	}
}

var yes2 = 2

func sentKeys(t *testing.T, s *Settings) map[string]json.RawMessage {
	t.Helper()
	var settings llm.ModelSettings
	if s != nil {
		settings = s
	}
	req, err := wireRequest("llama-3.3-70b-versatile", hello(), settings, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
